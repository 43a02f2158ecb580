"""The search in the page header: residents by name (misspelt too), V-number, reference or birth
date, within the user's scope (residents.models.ResidentQuerySet.search). Every search that shows
someone writes the access log."""

from django.shortcuts import render

from accesslog.log import log_access
from accounts.access import personal_data_view
from front.forms.residents import SearchForm
from residents.models import Resident

MAX_RESULTS = 50


@personal_data_view
def search(request):
    form = SearchForm(request.GET or None)
    results = []
    if form.is_valid():
        found = (
            Resident.objects.visible_to(request.user)
            .search(form.cleaned_data["q"])
            .select_related("household__municipality")
        )
        results = list(found[: MAX_RESULTS + 1])
    more = len(results) > MAX_RESULTS
    results = results[:MAX_RESULTS]
    if results:
        log_access(request, "list", results, purpose="search")
    return render(request, "search/results.html", {"form": form, "results": results, "more": more})
