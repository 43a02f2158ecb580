"""Corrections in the browser: a household's details, its residents (add, correct, remove) and one
placement, each page with the record's audit history (SPEC §5). Rules live in residents/services.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accesslog.log import log_access
from accounts.access import get_visible_or_404, personal_data_view
from accounts.audit import history_of
from front.forms.residents import AddResidentForm, HouseholdForm, PlacementEditForm, ResidentForm
from front.views.common import error_messages, safe_next, saved_unless_changed
from residents import services
from residents.models import Household, Placement, Resident
from residents.vnumbers import saved_or_clash


@personal_data_view
def household_edit(request, pk):
    household = get_visible_or_404(
        Household.objects.select_related("municipality"), request.user, request, pk=pk
    )
    form = HouseholdForm(request.POST or None, instance=household, user=request.user)
    if request.method == "POST" and form.is_valid() and saved_unless_changed(form):
        messages.success(
            request,
            _("The details of household %(reference)s have been saved.") % {"reference": household.reference},
        )
        return redirect(household)
    return render(
        request,
        "households/edit.html",
        {"form": form, "household": household, "history": history_of(household)},
    )


def _names(household):
    return ", ".join(str(r) for r in household.residents.all()) or household.reference


@personal_data_view
def resident_create(request, pk):
    household = get_visible_or_404(
        Household.objects.select_related("municipality"), request.user, request, pk=pk
    )
    form = AddResidentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            added = saved_or_clash(
                form,
                request.user,
                lambda: services.add_resident(
                    household=household,
                    resident=form.save(commit=False),
                    arrived_on=data["arrived_on"],
                    join_current=data["join_current"],
                ),
            )
        except ValidationError as error:
            for message in error_messages(error):
                form.add_error(None, message)
        else:
            if added is None:  # the V-number was registered at the same moment by someone else
                log_access(request, "view", household.residents.all())
                return render(request, "residents/form.html", {"form": form, "household": household})
            resident, placements = added
            text = _("%(name)s has been added to the household.") % {"name": resident}
            if placements:
                text += " " + _("Placed in %(property)s from %(date)s.") % {
                    "property": placements[0].property.name,
                    "date": date_format(placements[0].start_date, "j F Y"),
                }
            messages.success(request, text)
            return redirect(f"{household.get_absolute_url()}#residents-title")
    log_access(request, "view", household.residents.all())
    return render(request, "residents/form.html", {"form": form, "household": household})


@personal_data_view
def resident_edit(request, pk):
    resident = get_visible_or_404(Resident.objects.select_related("household"), request.user, request, pk=pk)
    household = resident.household
    form = ResidentForm(request.POST or None, instance=resident, user=request.user)
    if (
        request.method == "POST"
        and form.is_valid()
        and saved_or_clash(form, request.user, form.save_checked, exclude_pk=resident.pk)
    ):
        messages.success(request, _("The details of %(name)s have been saved.") % {"name": resident})
        return redirect(f"{household.get_absolute_url()}#residents-title")
    log_access(request, "view", [resident])
    stored = Resident.objects.get(pk=resident.pk)  # the form may have changed the instance
    return render(
        request,
        "residents/form.html",
        {
            "form": form,
            "household": household,
            "resident": stored,
            "removable": not stored.placements.exists() and household.residents.count() > 1,
            "history": history_of(stored),
        },
    )


@require_POST
@personal_data_view
def resident_remove(request, pk):
    resident = get_visible_or_404(Resident.objects.select_related("household"), request.user, request, pk=pk)
    household = resident.household
    try:
        services.remove_resident(resident=resident)
    except ValidationError as error:
        for message in error_messages(error):
            messages.error(request, message)
        return redirect("resident_edit", pk=resident.pk)
    messages.success(request, _("%(name)s has been removed from the household.") % {"name": resident})
    return redirect(f"{household.get_absolute_url()}#residents-title")


@personal_data_view
def placement_edit(request, pk):
    placement = get_visible_or_404(
        Placement.objects.select_related("resident__household", "property"), request.user, request, pk=pk
    )
    resident, household = placement.resident, placement.resident.household
    back = safe_next(request, f"{household.get_absolute_url()}#placements-title")
    form = PlacementEditForm(request.POST or None, instance=placement)
    if request.method == "POST" and form.is_valid():
        try:
            form.save_checked(lambda: services.change_placement(placement=form.save(commit=False)))
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    for message in error_messages(ValidationError(errors)):
                        form.add_error(field if field in form.fields else None, message)
            else:
                for message in error_messages(error):
                    form.add_error(None, message)
        else:
            messages.success(request, _("The placement of %(name)s has been saved.") % {"name": resident})
            return redirect(back)
    log_access(request, "view", [resident])
    return render(
        request,
        "placements/edit.html",
        {
            "form": form,
            "placement": Placement.objects.select_related("property").get(pk=placement.pk),
            "resident": resident,
            "household": household,
            "back": back,
            "history": history_of(placement),
        },
    )
