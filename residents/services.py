"""Use cases that span models: placing a household, ending a placement, anonymising a household
(SPEC §5).

Every caller — views, admin actions, imports, commands — goes through these functions, so the
capacity and overlap rules live in one place.
"""

import datetime as dt

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from housing.models import Property
from residents.matching import peak
from residents.models import Hold, Household, Placement, Resident, add_months


def peak_occupancy(property_id, start, *, exclude=None, holds_of_others=None):
    """The highest number of places taken on any day from `start` on, in one property: its
    placements (leaving out the placement with pk `exclude`, when one is being changed) and, with
    `holds_of_others` set to a household, the places held for every other household (issue 16)."""
    placements = Placement.objects.filter(property_id=property_id).overlapping(start, None)
    if exclude is not None:
        placements = placements.exclude(pk=exclude)
    taken = [(begin, end, 1) for begin, end in placements.values_list("start_date", "end_date")]
    if holds_of_others is not None:
        holds = Hold.objects.filter(property_id=property_id).overlapping(start, None)
        holds = holds.exclude(household_id=holds_of_others.pk)
        taken += list(holds.values_list("start_date", "end_date", "places"))
    return peak(taken, start)


def validate_capacity(*, property, day, needed=0, capacity=None, exclude=None, household=None):
    """The capacity rule (SPEC §5), for placing people and for changing a capacity: on no day from
    `day` on may the placements of `property` (leaving out the placement `exclude`) plus `needed`
    more exceed `capacity` (default: the property's own). Placing people for `household` counts the
    places held for other households as taken too (issue 16); a capacity change counts people only.

    Raises ValidationError with a Dutch message: code "full" when `needed` people do not fit, code
    "below_occupancy" when a capacity is lower than the people living there. Callers that must not
    race hold the property's row lock (place_household, save_property).
    """
    capacity = property.capacity if capacity is None else capacity
    peak = peak_occupancy(property.pk, day, exclude=exclude, holds_of_others=household if needed else None)
    free = capacity - peak
    if needed and free < needed:
        free = max(free, 0)
        message = ngettext(
            "%(property)s is full: %(free)s free place from %(date)s, %(needed)s needed.",
            "%(property)s is full: %(free)s free places from %(date)s, %(needed)s needed.",
            free,
        ) % {"property": property.name, "free": free, "date": date_format(day, "j F Y"), "needed": needed}
        if household is not None and peak > peak_occupancy(property.pk, day, exclude=exclude):
            message += " " + _("Places held for other households count as taken.")
        raise ValidationError(message, code="full")
    if not needed and free < 0:
        raise ValidationError(
            _("%(count)s people live or will live here at the same time; the capacity cannot be lower.")
            % {"count": peak},
            code="below_occupancy",
        )


def changed_since_loaded(stored, loaded):
    """The fields of `stored` whose value (as text, None for empty) differs from `loaded`."""
    changed = []
    for name, value in loaded.items():
        current = getattr(stored, stored._meta.get_field(name).attname)
        if (None if current is None else str(current)) != value:
            changed.append(name)
    return changed


def lock_property(property):
    """The property's row, locked for this transaction: the one lock every capacity and occupancy
    change takes first."""
    return Property.objects.select_for_update().get(pk=property.pk)


@transaction.atomic
def save_property(*, property, loaded=None):
    """Save a new or changed property. Changing a property locks its row (the lock place_household
    takes), so a capacity change and a placement at the same moment run one after the other: a
    capacity lowered below the peak occupancy from today on is refused (ValidationError on
    `capacity`, nothing saved) and a placement never sees a stale capacity.

    `loaded`: {field name: value as text} of the property as the editing form was opened with. When
    a field differs under the lock, someone else saved in between and nothing is saved (code
    "stale"): the form's own check runs before the lock, so two saves sent at the same moment would
    both pass it and the second would silently undo the first."""
    if property.pk is not None:
        stored = lock_property(property)
        if loaded and changed_since_loaded(stored, loaded):
            raise ValidationError(
                _("Someone else saved this property in the meantime. Nothing was saved; check the values."),
                code="stale",
            )
        today = timezone.localdate()
        if property.capacity < stored.capacity:
            try:
                validate_capacity(property=stored, day=today, capacity=property.capacity)
            except ValidationError as error:
                raise ValidationError({"capacity": error.error_list}) from error
        validate_occupancy_fits(property=property, stored=stored, today=today)
    property.save()
    return property


class Placed(list):
    """The new placements, with `ended`: the current placements the move ended on the start day."""

    ended = ()


def _outflow_into(household, property, kind):
    """The outflow of a placement that ends because its resident moves into `property`."""
    if kind != Placement.Kind.PERMANENT:
        return Placement.Outflow.OTHER
    if property.municipality_id == household.municipality_id:
        return Placement.Outflow.PERMANENT_HERE
    return Placement.Outflow.OTHER_MUNICIPALITY


def _lock_residents(resident_ids):
    list(Resident.objects.select_for_update().filter(pk__in=resident_ids).order_by("pk").values_list("pk"))


def _current_placements(resident_ids, day, *, move):
    """The placements a new placement from `day` follows on, locked. A move ends every placement
    still running on `day`; an ordinary placement only those without an end whose planned end is
    `day` or earlier — the next home planned ahead, starting where the current stay ends."""
    placements = Placement.objects.select_for_update().filter(
        resident_id__in=resident_ids, start_date__lt=day
    )
    if move:
        placements = placements.filter(Q(end_date__isnull=True) | Q(end_date__gt=day))
    else:
        placements = placements.filter(end_date__isnull=True, planned_end__isnull=False, planned_end__lte=day)
    return list(placements.select_related("resident", "property").order_by("resident_id", "start_date"))


def _overlap_error(resident):
    return ValidationError(
        _("%(resident)s already has another placement in this period.")
        % {"resident": f"{resident} ({resident.reference})"}
    )


def validate_occupancy_fits(*, property, stored, today):
    """A property's status and availability must leave room for its current and planned
    occupancy: it cannot be closed (or set back to offered, assessing or rejected) while people live
    or will live there, nor be available until a day before their placements end (their end date,
    else their planned end; a placement without either lasts). Only changed fields are checked
    against `stored`, so older records can still be edited. Raises ValidationError per field."""
    staying = Placement.objects.filter(property_id=property.pk).overlapping(today, None)
    errors = {}
    if property.status != stored.status and property.status not in Property.OPEN_STATUSES:
        count = staying.count()
        if count:
            errors["status"] = ngettext(
                "%(count)s person lives or will live here; end that placement before changing "
                "the status to ‘%(status)s’.",
                "%(count)s people live or will live here; end their placements before changing "
                "the status to ‘%(status)s’.",
                count,
            ) % {"count": count, "status": property.get_status_display()}
    if property.available_until and property.available_until != stored.available_until:
        # Available until and including that day: moving out the next day is in time.
        move_out = property.available_until + dt.timedelta(days=1)
        late = staying.filter(
            Q(end_date__gt=move_out)
            | Q(end_date__isnull=True, planned_end__gt=move_out)
            | Q(end_date__isnull=True, planned_end__isnull=True)
        ).count()
        if late:
            errors["available_until"] = ngettext(
                "%(count)s person stays here after %(date)s; change or end that placement first.",
                "%(count)s people stay here after %(date)s; change or end their placements first.",
                late,
            ) % {"count": late, "date": date_format(property.available_until, "j F Y")}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def place_household(
    *,
    household,
    property,
    kind,
    start_date,
    planned_end=None,
    residents=None,
    extension_reason="",
    end_date=None,
    outflow="",
    move=False,
    previous_outflow="",
):
    """Place the residents of a household (default: all) into a property from `start_date` on
    (until `end_date` with its `outflow`, when a past placement is recorded afterwards).

    A resident's current placement without an end whose planned end is `start_date` or earlier
    ends on `start_date` (the next home planned ahead): the new placement follows on, no overlap.
    With `move` every placement still running on `start_date` ends that day (moving the household
    to its next home on a chosen day). Ended placements get `previous_outflow`, by default derived
    from the new kind and place; they are returned as `.ended` of the result.

    Locks the property row so two users placing at the same moment cannot exceed its capacity
    (on SQLite the IMMEDIATE transaction mode serialises writers instead). Raises ValidationError
    with a Dutch message and changes nothing when the property is full or a resident is already
    placed in that period.
    """
    locked = lock_property(property)
    residents = list(residents if residents is not None else household.residents.all())
    if not residents:
        raise ValidationError(_("This household has no residents to place."))
    if any(r.household_id != household.pk for r in residents):
        raise ValidationError(_("Only residents of this household can be placed together."))
    # Lock the residents too (always after the property, in id order, so two placements never wait
    # on each other in a circle): placing one resident into two properties at once then serialises
    # here, and the overlap check below sees the other placement instead of racing past it.
    resident_ids = sorted(r.pk for r in residents)
    _lock_residents(resident_ids)
    if planned_end is None:
        planned_end = Placement.default_planned_end(kind, start_date)

    ended = []
    for current in _current_placements(resident_ids, start_date, move=move):
        current.end_date = start_date
        current.outflow = previous_outflow or _outflow_into(household, locked, kind)
        current.full_clean()
        current.save(update_fields=["end_date", "outflow"])
        ended.append(current)

    validate_capacity(property=locked, day=start_date, needed=len(residents), household=household)

    placements = []
    for resident in residents:
        placement = Placement(
            resident=resident,
            property=locked,
            kind=kind,
            start_date=start_date,
            planned_end=planned_end,
            end_date=end_date,
            outflow=outflow,
            extension_reason=extension_reason,
        )
        placement.full_clean()
        placements.append(placement)
    try:
        with transaction.atomic():
            for placement in placements:
                placement.save()
    except IntegrityError as exc:  # the PostgreSQL exclusion constraint, when a race slipped past clean()
        raise ValidationError(
            _("A resident of this household already has another placement in this period.")
        ) from exc
    result = Placed(placements)
    result.ended = ended
    return result


def move_household(*, household, property, kind, day, planned_end=None, extension_reason="", outflow=""):
    """Move the whole household to its next home on `day`: every placement still running that day
    ends on it and the new ones start on it, in one transaction (place_household with `move`)."""
    return place_household(
        household=household,
        property=property,
        kind=kind,
        start_date=day,
        planned_end=planned_end,
        extension_reason=extension_reason,
        move=True,
        previous_outflow=outflow,
    )


def _already_ended(placement):
    return ValidationError(
        _(
            "The placement of %(resident)s already ends on %(date)s. Change that date on the "
            "placement's edit page."
        )
        % {"resident": placement.resident, "date": placement.end_date.strftime("%d-%m-%Y")},
        code="already_ended",
    )


@transaction.atomic
def end_placement(*, placement, end_date, outflow, extension_reason=None):
    """End a placement on its move-out day with the outflow that followed. A placement that already
    has an end date is refused (code "already_ended"): a second submit of the same form must not
    overwrite it; a correction goes through change_placement."""
    placement = Placement.objects.select_for_update().select_related("resident").get(pk=placement.pk)
    if placement.end_date is not None:
        raise _already_ended(placement)
    placement.end_date = end_date
    placement.outflow = outflow
    if extension_reason:
        placement.extension_reason = extension_reason
    placement.full_clean()
    placement.save(update_fields=["end_date", "outflow", "extension_reason"])
    return placement


def _open_placements(household):
    """The household's placements without an end date, locked (residents first, in id order)."""
    _lock_residents(sorted(household.residents.values_list("pk", flat=True)))
    return list(
        Placement.objects.select_for_update()
        .filter(resident__household=household, end_date__isnull=True)
        .select_related("resident", "property")
        .order_by("resident_id", "start_date")
    )


@transaction.atomic
def end_household(*, household, end_date, outflow, extension_reason=""):
    """End every placement of the household that has no end date yet on one move-out day.

    Placements that already have an end date are left as they are (never overwritten). A
    placement that only starts on or after `end_date` (a next home planned ahead) is refused with
    its resident named: it would have to be changed first. Nothing is saved when one fails."""
    placements = _open_placements(household)
    if not placements:
        raise ValidationError(_("This household has no placement without an end date: nothing to end."))
    for placement in placements:
        if placement.start_date >= end_date:
            raise ValidationError(
                _("The placement of %(resident)s in %(property)s only starts on %(start)s; change it first.")
                % {
                    "resident": placement.resident,
                    "property": placement.property.name,
                    "start": placement.start_date.strftime("%d-%m-%Y"),
                }
            )
        placement.end_date = end_date
        placement.outflow = outflow
        if extension_reason:
            placement.extension_reason = extension_reason
        placement.full_clean()
        placement.save(update_fields=["end_date", "outflow", "extension_reason"])
    return placements


@transaction.atomic
def extend_household(*, household, planned_end, extension_reason=""):
    """Give every temporary placement of the household without an end date a new planned end.
    Beyond 12 months the extension reason is required (Placement.clean); an empty reason keeps the
    one recorded before."""
    placements = [p for p in _open_placements(household) if p.is_temporary]
    if not placements:
        raise ValidationError(_("This household has no current temporary placement to extend."))
    for placement in placements:
        placement.planned_end = planned_end
        if extension_reason:
            placement.extension_reason = extension_reason
        placement.full_clean()
        placement.save(update_fields=["planned_end", "extension_reason"])
    return placements


@transaction.atomic
def change_placement(*, placement):
    """Save changes to a placement: a correction of its property, kind, dates, outflow or reason.
    A new property, start or end takes that property's row lock and the capacity rule, leaving the
    placement itself out of the count."""
    stored = Placement.objects.select_for_update().get(pk=placement.pk)
    locked = lock_property(placement.property)
    moved = (placement.property_id, placement.start_date) != (stored.property_id, stored.start_date)
    longer = stored.end_date is not None and (
        placement.end_date is None or placement.end_date > stored.end_date
    )
    if moved or longer:
        validate_capacity(
            property=locked,
            day=placement.start_date,
            needed=1,
            exclude=placement.pk,
            household=placement.resident.household,
        )
    placement.full_clean()
    try:
        with transaction.atomic():
            placement.save()
    except IntegrityError as exc:  # the PostgreSQL exclusion constraint, when a race slipped past clean()
        raise _overlap_error(placement.resident) from exc
    return placement


# --- Retention (SPEC §5): anonymise households whose last placement ended long ago ---

ANONYMISED_NAME = "Geanonimiseerd"  # stored data, not interface text: the same in every language
ANONYMISED_VALUE = "[geanonimiseerd]"
# Resident fields that identify a person. Kept: the household link, the pseudonymous reference,
# health insurance status and the placements — everything the figures and reports count.
PERSONAL_FIELDS = {
    "given_name": ANONYMISED_NAME,
    "family_name": ANONYMISED_NAME,
    "v_number": None,
    "birth_date": None,
    "nationality": "",
    "permit_date": None,
    "gp_practice": "",
    "gp_registered_on": None,
}


def households_due_for_anonymisation(*, today=None):
    """Households not yet anonymised, with no placement still running or planned, whose last
    placement ended more than RETENTION_MONTHS ago — or, never placed at all, that were registered
    more than RETENTION_MONTHS ago (decided here: SPEC §5 names the placed ones; a registration that
    never led to a placement must not keep its personal data for ever either)."""

    today = today or timezone.localdate()
    cutoff = add_months(today, -settings.RETENTION_MONTHS)
    open_placements = Placement.objects.filter(resident__household=OuterRef("pk"), end_date__isnull=True)
    return (
        Household.objects.active()
        .exclude(Exists(open_placements))
        .annotate(last_end=Max("residents__placements__end_date"))
        # With every placement ended, no end date at all means no placement at all.
        .filter(Q(last_end__lt=cutoff) | Q(last_end__isnull=True, created_at__date__lt=cutoff))
        .order_by("pk")
    )


def _announce_scrubbing(model):
    """Tell the audit history's trigger (PostgreSQL) that this transaction scrubs personal values:
    the one change it lets through (accounts migration 0002). Ends with the transaction."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL thuisgevers.scrubbing = 'on'")


def _scrub_history(model, objects, label_of):
    """Remove personal values from the audit history of `objects`: django-auditlog entries (changes,
    text, serialised copy, representation) and the admin's own log (representation)."""

    content_type = ContentType.objects.get_for_model(model)
    labels = {str(obj.pk): label_of(obj) for obj in objects}
    if apps.is_installed("auditlog"):
        LogEntry = apps.get_model("auditlog", "LogEntry")
        entries = LogEntry.objects.filter(content_type=content_type, object_pk__in=labels)
        _announce_scrubbing(LogEntry)
        for entry in entries.iterator():
            changes = entry.changes if isinstance(entry.changes, dict) else {}
            for field in PERSONAL_FIELDS:
                if field in changes:
                    changes[field] = [ANONYMISED_VALUE, ANONYMISED_VALUE]
            entry.changes = changes or None
            entry.changes_text = ""
            entry.serialized_data = None
            entry.object_repr = labels[entry.object_pk]
            # A queryset update: saving a LogEntry would be refused or logged again by some setups.
            LogEntry.objects.filter(pk=entry.pk).update(
                changes=entry.changes,
                changes_text="",
                serialized_data=None,
                object_repr=entry.object_repr,
            )
    if apps.is_installed("django.contrib.admin"):
        from django.contrib.admin.models import LogEntry as AdminLogEntry

        for pk, label in labels.items():
            AdminLogEntry.objects.filter(content_type=content_type, object_id=pk).update(object_repr=label)


@transaction.atomic
def anonymise_household(*, household):
    """Replace the personal data of every resident of `household` and scrub it from the audit
    history. Placements, buddy matches and references stay, so figures and reports do not change."""

    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.anonymised_at is not None:
        return household
    residents = list(Resident.objects.select_for_update().filter(household=household).order_by("pk"))
    for resident in residents:
        for field, value in PERSONAL_FIELDS.items():
            setattr(resident, field, value)
        resident.save(update_fields=list(PERSONAL_FIELDS))
    household.anonymised_at = timezone.now()
    household.save(update_fields=["anonymised_at"])
    # Scrub after saving: the anonymising save itself wrote the old values into a new audit entry.
    _scrub_history(Resident, residents, lambda r: r.reference)
    return household


# --- Residents of a household: added after family reunification, removed when entered by mistake ---


@transaction.atomic
def add_resident(*, household, resident, arrived_on=None, join_current=False):
    """Add a resident to an existing household (a family member who arrived through family
    reunification). With `arrived_on` the household's reunification arrival is recorded when it was
    still open. With `join_current` the resident joins the household's current placement from
    `arrived_on`: same property, kind and planned end, under the capacity rule."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    resident.household = household
    resident.full_clean()
    resident.save()
    if arrived_on and household.reunification_expected_members and household.reunification_arrived_on is None:
        household.reunification_arrived_on = arrived_on
        household.full_clean()
        household.save(update_fields=["reunification_arrived_on"])
    placements = []
    if join_current:
        day = arrived_on or timezone.localdate()
        current = (
            Placement.objects.filter(resident__household=household)
            .exclude(resident=resident)
            .active_on(day)
            .select_related("property")
            .order_by("-start_date", "pk")
            .first()
        )
        if current is None:
            raise ValidationError(
                _("The household has no placement on %(date)s to join.") % {"date": day.strftime("%d-%m-%Y")}
            )
        placements = place_household(
            household=household,
            property=current.property,
            kind=current.kind,
            start_date=day,
            planned_end=current.planned_end if current.planned_end and current.planned_end > day else None,
            residents=[resident],
            extension_reason=current.extension_reason,
        )
    return resident, placements


@transaction.atomic
def remove_resident(*, resident):
    """Remove a resident entered by mistake. Only a resident who was never placed can go (decided:
    placements are the evidence of SPEC §1 and keep their resident; a resident who moved out is
    ended, not removed), and never the last one of a household. The audit history keeps the
    deletion with who and when."""
    resident = Resident.objects.select_for_update().select_related("household").get(pk=resident.pk)
    if resident.placements.exists():
        raise ValidationError(
            _(
                "%(resident)s has placements and stays on record; end the placement instead of "
                "removing the resident."
            )
            % {"resident": resident}
        )
    if not resident.household.residents.exclude(pk=resident.pk).exists():
        raise ValidationError(_("A household keeps at least one resident; this is the last one."))
    resident.delete()
    return resident
