"""The signals as figures.signals built them before one SQL query combined every kind (and later
shared one pass over the placements): the oracle for that SQL version.

Every kind's rows as `Signal`s in Python (one ORM query per kind, the rule's own query, dates
converted by the ORM), sorted in Python by (date, undated last; kind; reference).
The SQL version (`signal_query`) must give exactly this list, in this order, in every slice, page
and stream.
"""

import datetime as dt

from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from buddies.models import BuddyMatch
from figures import signals
from figures.signals import (
    BEYOND_MAXIMUM,
    CARE_GAP,
    ENDING_SOON,
    ENDING_SOON_DAYS,
    KINDS,
    NO_BUDDY,
    REUNIFICATION,
    Signal,
    _add_months_sql,
)
from housing.scope import ALL
from residents.models import Household, Placement, Resident


class _AddMonths(Func):
    """`figures.signals._add_months_sql` as an ORM expression, for the ORM rules below."""

    output_field = DateField()

    def __init__(self, expression, months):
        super().__init__(expression)
        self.months = int(months)

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        repeated = (*params, *params) if connection.vendor == "sqlite" else params
        return _add_months_sql(sql, self.months, connection.vendor), repeated


# The rule of each kind as the ORM said it before the signals became one SQL query over one pass of
# the placements (figures.signals._QUERIES): kept here as the independent statement the SQL must
# agree with.


def _placements(households, today):
    return Placement.objects.filter(
        resident__household__in=households.values("pk"), kind__in=Placement.TEMPORARY_KINDS
    ).active_on(today)


def _per_household(placements, date_expression, count=None):
    """Group placements per household, in the row shape every kind's query returns: (hh_id, date, n).

    `n` is the number of residents concerned, or `count` for household-level signals."""
    n = Count("resident", distinct=True) if count is None else Value(count, output_field=IntegerField())
    return placements.values(hh_id=F("resident__household")).annotate(n=n, date=date_expression).order_by()


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
    # "limit" is start + 12 months as add_months() computes it, so "end > limit" is exactly
    # Placement.exceeds_maximum() and "limit < today" still running beyond 12 months.
    placements = (
        _placements(households, today)
        .annotate(
            ends=Coalesce("end_date", "planned_end"),
            limit=_AddMonths("start_date", Placement.MAX_TEMPORARY_MONTHS),
        )
        .filter(Q(ends__gt=F("limit")) | Q(limit__lt=today))
        # A recorded extension reason is the answer to this signal: the stay is known and explained.
        .filter(extension_reason="")
    )
    return _per_household(placements, Min("limit"))


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
    # Grouping the active placements per household gives "has an active placement" and the earliest
    # start in one pass; the same households as figures.households_without_buddy_queryset()
    # (tested), without a correlated subquery per household for the date.
    matched = BuddyMatch.objects.active_on(today).filter(household=OuterRef("resident__household"))
    placements = (
        Placement.objects.filter(resident__household__in=households.values("pk"))
        .active_on(today)
        .exclude(Exists(matched))
    )
    return _per_household(placements, Min("start_date"), count=1)


ORM_QUERIES = {
    CARE_GAP: _care_gap,
    ENDING_SOON: _ending_soon,
    BEYOND_MAXIMUM: _beyond_maximum,
    REUNIFICATION: _reunification,
    NO_BUDDY: _no_buddy,
}


def old_open_signals(who, kinds=None, *, today, municipality_ids=ALL):
    households = signals._households(who, municipality_ids)
    found = []
    for kind in kinds or KINDS:
        rows = list(ORM_QUERIES[kind](households, today))
        linked = Household.objects.select_related("municipality").in_bulk([row["hh_id"] for row in rows])
        for row in rows:
            household = linked[row["hh_id"]]
            date = row["date"]
            found.append(
                Signal(
                    kind=kind,
                    household_id=household.pk,
                    household_reference=household.reference,
                    municipality_id=household.municipality_id,
                    municipality_code=household.municipality.cbs_code,
                    municipality_name=household.municipality.name,
                    date=date,
                    count=row["n"],
                )
            )
    found.sort(key=lambda s: (s.date or dt.date.max, KINDS.index(s.kind), s.household_reference))
    return found
