"""Placements: the list, placing a household (only through residents.services.place_household) and
ending a placement with its outflow (SPEC §5, §7)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accesslog.log import log_access
from accounts.access import personal_data_view
from front.filters.residents import PlacementFilter
from front.forms.residents import EndPlacementForm, PlacementForm
from front.views.common import error_messages, filtered_page, safe_next
from front.views.households import _detail_context
from residents import services
from residents.access import subjects_for_residents
from residents.models import Placement


@personal_data_view
def placement_list(request):
    queryset = Placement.objects.visible_to(request.user).select_related(
        "resident__household", "property__municipality"
    )
    filterset = PlacementFilter(request.GET or None, queryset=queryset, request=request)
    page = filtered_page(request, filterset)
    log_access(request, "list", subjects_for_residents(p.resident for p in page), purpose="placement_list")
    return render(
        request,
        "placements/list.html",
        {"filter": filterset, "page_obj": page, "today": timezone.localdate()},
    )


@personal_data_view
def placement_create(request):
    back = safe_next(request, reverse("placement_list"))
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
                for message in error_messages(error):
                    form.add_error(None, message)
            else:
                text = _("%(names)s have been placed in %(property)s (%(count)s persons).") % {
                    "names": ", ".join(str(p.resident) for p in placements),
                    "property": data["property"].name,
                    "count": len(placements),
                }
                if placements.ended:
                    text += " " + _("Their current placement ends on %(date)s.") % {
                        "date": date_format(data["start_date"], "j F Y")
                    }
                messages.success(request, text)
                return redirect(data["household"])
    else:
        initial = {"start_date": timezone.localdate(), "kind": Placement.Kind.HAR}
        for name in ("household", "property"):
            value = request.GET.get(name, "")
            if value.isdigit():
                initial[name] = int(value)
        form = PlacementForm(initial=initial, user=request.user)
    return render(request, "placements/form.html", {"form": form, "back": back})


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
                extension_reason=form.cleaned_data["extension_reason"],
            )
        except ValidationError as error:
            for message in error_messages(error):
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("The placement of %(name)s ends on %(date)s.")
                % {"name": placement.resident, "date": date_format(form.cleaned_data["end_date"], "j F Y")},
            )
            return redirect(f"{household.get_absolute_url()}#placements-title")
    context = _detail_context(request, household, end_forms={placement.pk: form})
    context["nav_section"] = "/households/"  # shown at /placements/<pk>/end/, part of the household
    log_access(request, "view", context["residents"])
    return render(request, "households/detail.html", context)
