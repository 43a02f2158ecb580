"""Households with their residents, care status, placements and buddy (SPEC §7)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accesslog.log import log_access
from accounts.access import personal_data_view
from buddies.models import BuddyMatch
from front.filters.residents import HouseholdFilter
from front.forms.residents import (
    MAX_RESIDENTS,
    CareForm,
    EndPlacementForm,
    HouseholdForm,
    ResidentForm,
    resident_formset_class,
)
from front.views.common import filtered_page, saved_unless_changed
from residents.access import subjects_for_households
from residents.models import Household, Placement
from residents.names import household_names
from residents.vnumbers import check_v_number_free, is_v_number_clash, out_of_scope_message


@personal_data_view
def household_list(request):
    today = timezone.localdate()
    households = (
        Household.objects.visible_to(request.user)
        .with_list_columns(today, buddy_matches=BuddyMatch.objects)
        .order_by("reference")
    )
    filterset = HouseholdFilter(request.GET or None, queryset=households, request=request)
    page = filtered_page(request, filterset)
    # Staff and pioneers know households by their names: the page shows them, so it is logged.
    names = household_names(h.pk for h in page)
    for household in page:
        household.names = names.get(household.pk, "")
    log_access(request, "list", subjects_for_households([h.pk for h in page]), purpose="household_list")
    return render(request, "households/list.html", {"filter": filterset, "page_obj": page, "today": today})


def _creation_forms(request):
    """The household form and its residents formset. "Add a resident" re-renders the entered values
    with one more empty row, without validating yet (works without JavaScript)."""
    user = request.user
    if request.method != "POST":
        return HouseholdForm(user=user), resident_formset_class()(
            instance=Household(), prefix="residents", form_kwargs={"user": user}
        )
    if "add_resident" not in request.POST:
        return (
            HouseholdForm(request.POST, user=user),
            resident_formset_class()(
                request.POST, instance=Household(), prefix="residents", form_kwargs={"user": user}
            ),
        )
    try:
        total = min(int(request.POST.get("residents-TOTAL_FORMS", "1")), MAX_RESIDENTS)
    except ValueError:
        total = 1
    rows = [
        {name: request.POST.get(f"residents-{i}-{name}", "") for name in ResidentForm._meta.fields}
        for i in range(max(total, 1))
    ]
    formset = resident_formset_class(extra=len(rows))(
        instance=Household(), prefix="residents", initial=rows, form_kwargs={"user": user}
    )
    return HouseholdForm(initial=request.POST.dict(), user=user), formset


def _save_new_household(request, form, formset):
    """Save the household and its residents together; None (nothing saved, the V-number's message on
    its resident) when another user registered one of the V-numbers at the same moment."""
    try:
        with transaction.atomic():
            household = form.save()
            formset.instance = household
            formset.save()
            return household
    except IntegrityError as error:
        if not is_v_number_clash(error):
            raise
    form.instance.pk = None  # rolled back: the page shows the form for a new household again
    for resident_form in formset.forms:
        try:
            check_v_number_free((resident_form.cleaned_data or {}).get("v_number"), request.user)
        except ValidationError as refusal:
            resident_form.add_error("v_number", refusal)
    if not any(resident_form.errors for resident_form in formset.forms):
        form.add_error(None, out_of_scope_message())
    return None


@personal_data_view
def household_create(request):
    form, formset = _creation_forms(request)
    if request.method == "POST" and "add_resident" not in request.POST:
        form_ok, formset_ok = form.is_valid(), formset.is_valid()
        if form_ok and formset_ok and (household := _save_new_household(request, form, formset)):
            messages.success(
                request, _("Household %(reference)s has been saved.") % {"reference": household.reference}
            )
            return redirect(household)
    return render(request, "households/form.html", {"form": form, "formset": formset})


def _detail_context(request, household, care_forms=None, end_forms=None):
    today = timezone.localdate()
    residents = list(
        household.residents.prefetch_related(
            Prefetch(
                "placements", queryset=Placement.objects.select_related("property").order_by("-start_date")
            )
        )
    )
    care_forms = care_forms or {}
    end_forms = end_forms or {}
    rows = []
    active = []
    for resident in residents:
        form = care_forms.get(resident.pk) or CareForm(instance=resident, prefix=f"care-{resident.pk}")
        rows.append({"resident": resident, "care_form": form})
        for placement in resident.placements.all():
            if placement.is_active_on(today) or (placement.end_date is None and placement.start_date > today):
                end_form = end_forms.get(placement.pk) or EndPlacementForm(
                    prefix=f"end-{placement.pk}", initial={"end_date": today}
                )
                active.append({"placement": placement, "resident": resident, "form": end_form})
    placements = [p for r in residents for p in r.placements.all()]
    placements.sort(key=lambda p: (p.start_date, p.resident_id), reverse=True)
    matches = list(household.buddy_matches.select_related("buddy").order_by("-start_date"))
    proposals = list(household.proposals.select_related("property").order_by("-proposed_at", "-pk")[:10])
    holds = list(household.holds.filter(end_date__gt=today).select_related("property").order_by("end_date"))
    invalid = [f for f in [*care_forms.values(), *end_forms.values()] if f.is_bound and f.errors]
    return {
        "invalid_form": invalid[0] if invalid else None,
        "household": household,
        "today": today,
        "rows": rows,
        "residents": residents,
        "placements": placements,
        "active_placements": active,
        "matches": matches,
        "proposals": proposals,
        "holds": holds,
        "has_buddy_now": any(
            m.start_date <= today and (m.end_date is None or m.end_date > today) for m in matches
        ),
    }


@personal_data_view
def household_detail(request, pk):
    household = get_object_or_404(
        Household.objects.visible_to(request.user).select_related("municipality", "support_organisation"),
        pk=pk,
    )
    care_forms = {}
    if request.method == "POST":
        resident_id = request.POST.get("resident", "")
        resident = get_object_or_404(
            household.residents.all(), pk=resident_id if resident_id.isdigit() else 0
        )
        form = CareForm(request.POST, instance=resident, prefix=f"care-{resident.pk}")
        if form.is_valid() and saved_unless_changed(form):
            messages.success(
                request,
                _("The care details of %(reference)s have been saved.") % {"reference": resident.reference},
            )
            return redirect(f"{household.get_absolute_url()}#resident-{resident.pk}")
        care_forms[resident.pk] = form
    context = _detail_context(request, household, care_forms=care_forms)
    log_access(request, "view", context["residents"])
    return render(request, "households/detail.html", context)
