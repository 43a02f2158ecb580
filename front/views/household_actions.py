"""Whole-household actions (SPEC §5): end every current placement on one day, extend the temporary
stay with its reason, move to the next home on a chosen day. One page each, one service call each."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accesslog.log import log_access
from accounts.access import get_visible_or_404, personal_data_view
from front.forms.residents import EndPlacementForm, ExtendForm, MoveForm
from front.views.common import error_messages
from residents import services
from residents.models import Household, Placement


def _household(request, pk):
    return get_visible_or_404(Household.objects.select_related("municipality"), request.user, request, pk=pk)


def _current(household):
    """The placements the actions work on: without an end date, or ending after today."""
    today = timezone.localdate()
    return list(
        Placement.objects.filter(resident__household=household)
        .exclude(end_date__lte=today)
        .select_related("resident", "property")
        .order_by("resident__family_name", "resident__given_name", "start_date")
    )


def _page(request, household, form, action):
    log_access(request, "view", household.residents.all())
    return render(
        request,
        "households/action.html",
        {"household": household, "form": form, "action": action, "current": _current(household)},
    )


def _refused(form, error):
    for message in error_messages(error):
        form.add_error(None, message)


@personal_data_view
def household_end(request, pk):
    household = _household(request, pk)
    form = EndPlacementForm(request.POST or None, initial={"end_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ended = services.end_household(
                household=household,
                end_date=data["end_date"],
                outflow=data["outflow"],
                extension_reason=data["extension_reason"],
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "The placement of %(names)s ends on %(date)s.",
                    "The placements of %(names)s end on %(date)s.",
                    len(ended),
                )
                % {
                    "names": ", ".join(str(p.resident) for p in ended),
                    "date": date_format(data["end_date"], "j F Y"),
                },
            )
            return redirect(f"{household.get_absolute_url()}#placements-title")
    return _page(request, household, form, "end")


@personal_data_view
def household_extend(request, pk):
    household = _household(request, pk)
    form = ExtendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            extended = services.extend_household(
                household=household,
                planned_end=data["planned_end"],
                extension_reason=data["extension_reason"],
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                _("The stay of %(names)s is extended until %(date)s.")
                % {
                    "names": ", ".join(str(p.resident) for p in extended),
                    "date": date_format(data["planned_end"], "j F Y"),
                },
            )
            return redirect(f"{household.get_absolute_url()}#placements-title")
    return _page(request, household, form, "extend")


@personal_data_view
def household_move(request, pk):
    household = _household(request, pk)
    form = MoveForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            placed = services.move_household(
                household=household,
                property=data["property"],
                kind=data["kind"],
                day=data["day"],
                planned_end=data["planned_end"],
                outflow=data["outflow"],
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                _("%(names)s move to %(property)s on %(date)s.")
                % {
                    "names": ", ".join(str(p.resident) for p in placed),
                    "property": data["property"].name,
                    "date": date_format(data["day"], "j F Y"),
                },
            )
            return redirect(f"{household.get_absolute_url()}#placements-title")
    return _page(request, household, form, "move")
