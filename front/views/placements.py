"""Placements: the list, placing a household (only through residents.services.place_household) and
ending a placement with its outflow (SPEC §5, §7)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accesslog.log import log_access
from accounts.access import personal_data_view
from front.filters.residents import PlacementFilter
from front.forms.residents import EndPlacementForm, PlacementForm
from front.views.common import filtered_page
from front.views.households import _detail_context
from residents import services
from residents.models import Placement


@personal_data_view
def placement_list(request):
    queryset = Placement.objects.visible_to(request.user).select_related(
        "resident__household", "property__municipality"
    )
    filterset = PlacementFilter(request.GET or None, queryset=queryset, request=request)
    page = filtered_page(request, filterset)
    return render(
        request,
        "placements/list.html",
        {"filter": filterset, "page_obj": page, "today": timezone.localdate()},
    )


def _messages_of(error):
    return error.messages if hasattr(error, "messages") else [str(error)]


@personal_data_view
def placement_create(request):
    if request.method == "POST":
        form = PlacementForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                placements = services.place_household(
                    household=data["household"],
                    property=data["property"],
                    kind=data["kind"],
                    start_date=data["start_date"],
                    planned_end=data["planned_end"],
                    extension_reason=data["extension_reason"],
                )
            except ValidationError as error:
                for message in _messages_of(error):
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("Household %(reference)s has been placed in %(property)s (%(count)s persons).")
                    % {
                        "reference": data["household"].reference,
                        "property": data["property"].name,
                        "count": len(placements),
                    },
                )
                return redirect(data["household"])
    else:
        initial = {"start_date": timezone.localdate(), "kind": Placement.Kind.HAR}
        for name in ("household", "property"):
            value = request.GET.get(name, "")
            if value.isdigit():
                initial[name] = int(value)
        form = PlacementForm(initial=initial, user=request.user)
    return render(request, "placements/form.html", {"form": form})


@require_POST
@personal_data_view
def placement_end(request, pk):
    placement = get_object_or_404(
        Placement.objects.visible_to(request.user).select_related("resident__household"), pk=pk
    )
    household = placement.resident.household
    form = EndPlacementForm(request.POST, prefix=f"end-{placement.pk}")
    if form.is_valid():
        try:
            services.end_placement(
                placement=placement,
                end_date=form.cleaned_data["end_date"],
                outflow=form.cleaned_data["outflow"],
            )
        except ValidationError as error:
            for message in _messages_of(error):
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("The placement of %(reference)s ends on %(date)s.")
                % {
                    "reference": placement.resident.reference,
                    "date": date_format(form.cleaned_data["end_date"], "j F Y"),
                },
            )
            return redirect(f"{household.get_absolute_url()}#placements-title")
    context = _detail_context(request, household, end_forms={placement.pk: form})
    log_access(request, "view", context["residents"])
    return render(request, "households/detail.html", context)
