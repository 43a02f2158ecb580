"""Use cases that span models: placing a household, ending a placement (SPEC §5).

Every caller — views, admin actions, imports, commands — goes through these functions, so the
capacity and overlap rules live in one place.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from housing.models import Property
from residents.models import Placement, Resident


def peak_occupancy(property_id, start):
    """The highest number of placements active on any day from `start` on, in one property."""
    events = []
    placements = Placement.objects.filter(property_id=property_id).overlapping(start, None)
    for placement_start, placement_end in placements.values_list("start_date", "end_date"):
        events.append((max(placement_start, start), 1))
        if placement_end is not None:
            events.append((placement_end, -1))
    # On one day, move-outs (-1) are processed before move-ins (+1): the end day is not occupied.
    events.sort()
    peak = current = 0
    for _day, delta in events:
        current += delta
        peak = max(peak, current)
    return peak


@transaction.atomic
def place_household(
    *, household, property, kind, start_date, planned_end=None, residents=None, extension_reason=""
):
    """Place the residents of a household (default: all) into a property from `start_date` on.

    Locks the property row so two users placing at the same moment cannot exceed its capacity
    (on SQLite the IMMEDIATE transaction mode serialises writers instead). Raises ValidationError
    with a Dutch message and changes nothing when the property is full or a resident is already
    placed in that period.
    """
    locked = Property.objects.select_for_update().get(pk=property.pk)
    residents = list(residents if residents is not None else household.residents.all())
    if not residents:
        raise ValidationError(_("This household has no residents to place."))
    if any(r.household_id != household.pk for r in residents):
        raise ValidationError(_("Only residents of this household can be placed together."))
    # Lock the residents too (always after the property, in id order, so two placements never wait
    # on each other in a circle): placing one resident into two properties at once then serialises
    # here, and the overlap check below sees the other placement instead of racing past it.
    resident_ids = sorted(r.pk for r in residents)
    list(Resident.objects.select_for_update().filter(pk__in=resident_ids).order_by("pk").values_list("pk"))
    if planned_end is None:
        planned_end = Placement.default_planned_end(kind, start_date)

    free = locked.capacity - peak_occupancy(locked.pk, start_date)
    if free < len(residents):
        raise ValidationError(
            _("%(property)s is full: %(free)s free place(s) from %(date)s, %(needed)s needed.")
            % {"property": locked.name, "free": max(free, 0), "date": start_date, "needed": len(residents)}
        )

    placements = []
    for resident in residents:
        placement = Placement(
            resident=resident,
            property=locked,
            kind=kind,
            start_date=start_date,
            planned_end=planned_end,
            extension_reason=extension_reason,
        )
        placement.full_clean()
        placements.append(placement)
    try:
        for placement in placements:
            placement.save()
    except IntegrityError as exc:  # the PostgreSQL exclusion constraint, when a race slipped past clean()
        raise ValidationError(
            _("A resident of this household already has another placement in this period.")
        ) from exc
    return placements


@transaction.atomic
def end_placement(*, placement, end_date, outflow, extension_reason=None):
    """End a placement on its move-out day with the outflow that followed."""
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    placement.end_date = end_date
    placement.outflow = outflow
    if extension_reason is not None:
        placement.extension_reason = extension_reason
    placement.full_clean()
    placement.save(update_fields=["end_date", "outflow", "extension_reason"])
    return placement
