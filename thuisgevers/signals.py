"""Open *signals* of SPEC §7: situations someone has to act on.

These are product signals ("signalen"), computed on demand by queries — NOT Django's
``django.dispatch`` signals; nothing here is sent or received.

Public API (stable; the reports use it for /reports/signals.csv)
-----------------------------------------------------------------
``open_signals(who, kinds=None, *, today=None, municipality_ids=ALL)`` -> ``list[Signal]``, sorted by
    date, then kind and household reference. ``who`` is a user (households ``visible_to`` that user:
    personal data, so a coordinator gets nothing) or a set/iterable of municipality ids or ``ALL``
    (households linked to those municipalities — for callers that did their own access check).
    ``municipality_ids`` narrows a user's signals further to households linked to those
    municipalities. One query per requested kind.
``signal_counts(who, *, today=None, municipality_ids=ALL)`` -> ``dict[kind, int]`` with every kind
    (zeros included), in ``KINDS`` order: counts only, fit for figures pages. One query per kind.
``KINDS`` — the kinds in display order; ``KIND_LABELS`` — their (lazy) labels.

One signal per household and kind (a family of five without a GP is one signal with
``count == 5``). Each signal names the household (pseudonymous reference), its linked
municipality, a date and the household page where the record is fixed. Only households that are
not anonymised count.

The rules (all on ``today``; a placement is active from its start up to, not including, its end):

- ``care_gap``: an active HAR/transit placement whose resident has no GP practice or whose health
  insurance is not "insured". Date: the placement's start.
- ``ending_soon``: an active HAR/transit placement that ends (its end date, or else its planned end)
  within 8 weeks (56 days) from today, or is already past its planned end, while the resident has
  no later placement (no next home). Date: that end.
- ``beyond_maximum``: an active HAR/transit placement beyond 12 months — planned or set to end more
  than 12 months after its start (``Placement.exceeds_maximum``), or still running more than 12
  months after its start. Date: the start + 12 months.
- ``reunification``: a household waiting for family reunification (expected members > 0, not yet
  arrived) whose current property has fewer free places today than the members expected. Date:
  the expected arrival (or the application date).
- ``no_buddy``: a household with an active placement and no active buddy match. Date: the start of
  its earliest active placement.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from housing.scope import ALL
from residents.models import Household, Placement, Resident, add_months
from thuisgevers.figures import households_without_buddy_queryset

CARE_GAP = "care_gap"
ENDING_SOON = "ending_soon"
BEYOND_MAXIMUM = "beyond_maximum"
REUNIFICATION = "reunification"
NO_BUDDY = "no_buddy"
KINDS = (CARE_GAP, ENDING_SOON, BEYOND_MAXIMUM, REUNIFICATION, NO_BUDDY)
KIND_LABELS = {
    CARE_GAP: _("No GP or health insurance"),
    ENDING_SOON: _("Temporary placement ends within 8 weeks without a next home"),
    BEYOND_MAXIMUM: _("Temporary placement beyond 12 months"),
    REUNIFICATION: _("Family reunification: property too small"),
    NO_BUDDY: _("Household without a buddy"),
}
ENDING_SOON_DAYS = 56


@dataclass(frozen=True)
class Signal:
    kind: str
    household_id: int
    household_reference: str
    municipality_id: int
    municipality_code: str
    municipality_name: str
    date: dt.date | None
    count: int = 1  # residents concerned (1 for household-level signals)

    @property
    def label(self):
        return KIND_LABELS[self.kind]

    @property
    def url(self):
        return reverse("household_detail", args=[self.household_id])


def _households(who, municipality_ids):
    """The households whose signals may be shown."""
    if who is ALL or not hasattr(who, "is_authenticated"):
        households = Household.objects.all()
        if who is not ALL:
            households = households.filter(municipality__in=who)
    else:
        households = Household.objects.visible_to(who)
    if municipality_ids is not ALL:
        households = households.filter(municipality__in=municipality_ids)
    return households.active()


def _date_number(prefix=""):
    """yyyymmdd as an integer, portable across SQLite and PostgreSQL."""
    return (
        ExtractYear(f"{prefix}start_date") * 10000
        + ExtractMonth(f"{prefix}start_date") * 100
        + ExtractDay(f"{prefix}start_date")
    )


def _placements(households, today):
    return Placement.objects.filter(
        resident__household__in=households.values("pk"), kind__in=Placement.TEMPORARY_KINDS
    ).active_on(today)


def _per_household(placements, date_expression):
    """Group placements per household, in the row shape every signal query returns."""
    return (
        placements.values(
            hh_id=F("resident__household"),
            hh_ref=F("resident__household__reference"),
            m_id=F("resident__household__municipality"),
            m_code=F("resident__household__municipality__cbs_code"),
            m_name=F("resident__household__municipality__name"),
        )
        .annotate(n=Count("resident", distinct=True), date=date_expression)
        .order_by()
    )


def _from_rows(kind, rows, date=lambda value: value):
    return [
        Signal(
            kind=kind,
            household_id=row["hh_id"],
            household_reference=row["hh_ref"],
            municipality_id=row["m_id"],
            municipality_code=row["m_code"],
            municipality_name=row["m_name"],
            date=date(row["date"]),
            count=row["n"],
        )
        for row in rows
    ]


def _care_gap(households, today):
    gap = Q(resident__gp_practice="") | ~Q(resident__health_insurance=Resident.Insurance.INSURED)
    return _per_household(_placements(households, today).filter(gap), Min("start_date"))


def _ending_soon(households, today):
    later = Placement.objects.filter(resident=OuterRef("resident"), start_date__gt=OuterRef("start_date"))
    placements = (
        _placements(households, today)
        .annotate(ends=Coalesce("end_date", "planned_end"))
        .filter(ends__lte=today + dt.timedelta(days=ENDING_SOON_DAYS))
        .exclude(Exists(later))
    )
    return _per_household(placements, Min("ends"))


def _beyond_maximum(households, today):
    # (end.year − 1, end.month, end.day) > (start.year, start.month, start.day) is exactly
    # "end > start + 12 months" of add_months(), 29 February included; as yyyymmdd numbers:
    # end_number > start_number + 10000.
    end = Coalesce("end_date", "planned_end")
    end_number = ExtractYear(end) * 10000 + ExtractMonth(end) * 100 + ExtractDay(end)
    today_number = today.year * 10000 + today.month * 100 + today.day
    placements = (
        _placements(households, today)
        .annotate(start_number=_date_number(), end_number=end_number)
        .filter(
            Q(end_number__gt=F("start_number") + 10000)
            | Q(start_number__lt=Value(today_number - 10000, output_field=IntegerField()))
        )
    )
    return _per_household(placements, Min("start_date"))


def _reunification(households, today):
    occupied = (
        Placement.objects.active_on(today)
        .filter(property=OuterRef("property"))
        .values("property")
        .annotate(n=Count("pk"))
        .values("n")
    )
    placements = (
        Placement.objects.filter(
            resident__household__in=households.values("pk"),
            resident__household__reunification_expected_members__gt=0,
            resident__household__reunification_arrived_on__isnull=True,
        )
        .active_on(today)
        .annotate(occupied=Subquery(occupied, output_field=IntegerField()))
        .filter(
            resident__household__reunification_expected_members__gt=F("property__capacity") - F("occupied")
        )
    )
    return _per_household(
        placements,
        Min(
            Coalesce(
                "resident__household__reunification_expected_on",
                "resident__household__reunification_applied_on",
            )
        ),
    )


def _no_buddy(households, today):
    first_active = (
        Placement.objects.active_on(today)
        .filter(resident__household=OuterRef("pk"))
        .order_by("start_date")
        .values("start_date")[:1]
    )
    return (
        households_without_buddy_queryset(ALL, day=today, households=households)
        .annotate(date=Subquery(first_active), n=Value(1, output_field=IntegerField()))
        .values(
            "date",
            "n",
            hh_id=F("pk"),
            hh_ref=F("reference"),
            m_id=F("municipality_id"),
            m_code=F("municipality__cbs_code"),
            m_name=F("municipality__name"),
        )
    )


_QUERIES = {
    CARE_GAP: _care_gap,
    ENDING_SOON: _ending_soon,
    BEYOND_MAXIMUM: _beyond_maximum,
    REUNIFICATION: _reunification,
    NO_BUDDY: _no_buddy,
}
_DATES = {BEYOND_MAXIMUM: lambda start: add_months(start, Placement.MAX_TEMPORARY_MONTHS)}


def open_signals(who, kinds=None, *, today=None, municipality_ids=ALL):
    """Every open signal of `kinds` (default: all) for `who`; see the module docstring."""
    today = today or timezone.localdate()
    households = _households(who, municipality_ids)
    signals = []
    for kind in kinds or KINDS:
        signals.extend(_from_rows(kind, _QUERIES[kind](households, today), _DATES.get(kind, lambda v: v)))
    signals.sort(key=lambda s: (s.date or dt.date.max, KINDS.index(s.kind), s.household_reference))
    return signals


def signal_counts(who, *, today=None, municipality_ids=ALL):
    """{kind: number of open signals} for every kind. One COUNT query per kind."""
    today = today or timezone.localdate()
    households = _households(who, municipality_ids)
    counts = {}
    for kind in KINDS:
        counts[kind] = _QUERIES[kind](households, today).count()
    return counts
