"""The figures of SPEC §6 — the one place that computes them.

The dashboard, the municipality and region pages and the reports all read their numbers from here,
so every screen and export agrees. Every function runs a small, fixed number of aggregate queries,
whatever the number of municipalities or rows (conditional aggregation, no query per row).

The public API (signatures, query counts) and how SPEC §6 is interpreted (what counts as realised,
temporary, remaining, a region's share) are in docs/figures.md; tests/figures/test_figures.py pins
the interpretation.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from buddies.models import BuddyMatch
from figures import summary, wording
from figures.models import ResidentFigure, TemporaryFigure
from housing.models import IntentAgreement, Municipality, Property, Quota
from housing.periods import Period, active_on
from housing.scope import ALL
from residents.models import Household, Placement, add_months

__all__ = [
    "ALL",
    "AgreementProgress",
    "CapacityFigures",
    "MunicipalityFigures",
    "RegionFigures",
    "RegionMemberFigures",
    "StatusCapacity",
    "TrendMonth",
    "agreement_progress",
    "capacity_figures",
    "furthest_behind",
    "carried_over_into",
    "figures_for_periods",
    "households_without_buddy",
    "municipality_figures",
    "municipality_history",
    "national_number",
    "occupancy_forecast",
    "occupancy_trend",
    "province_totals",
    "region_figures",
    "totals",
]


def _percent(part, whole):
    if not whole:
        return 0
    return max(0, min(100, round(100 * part / whole)))


@dataclass
class MunicipalityFigures:
    """The SPEC §6 figures of one municipality (or a total) for one period."""

    municipality_id: int | None
    cbs_code: str
    name: str
    province: str
    period: Period
    has_quota: bool = False
    target: int = 0
    carried_over: int = 0
    realised: int = 0
    temporary: int = 0
    temporary_counted: int = 0
    realised_temporary: int = 0  # realised in this period and still temporary on the reference date
    statutory_target: int | None = (
        None  # art. 29 quota when computed; differs from target after redistribution
    )
    population_year: int | None = None  # the 1 January population the quota was computed from
    # Only on totals: the sum of the members' remaining (see totals()).
    _remaining_sum: int | None = field(default=None, repr=False)

    @property
    def task(self):
        """What had to be housed this period: target + carried_over (may be negative)."""
        return self.target + self.carried_over

    @property
    def redistributed(self):
        """The quota is an agreed one (art. 29(2)) that differs from the statutory one."""
        return self.statutory_target is not None and self.statutory_target != self.target

    @property
    def population_outdated(self):
        """The quota was computed from an older population than the law prescribes (1 January of
        the year before the period's year): an estimate, and every screen that shows it says so."""
        return self.population_year is not None and self.population_year != self.period.year - 1

    @property
    def remaining(self):
        if self._remaining_sum is not None:
            return self._remaining_sum
        return max(0, self.task - self.realised)

    @property
    def actual_task(self):
        return self.remaining + self.temporary_counted

    @property
    def is_total(self):
        """A sum of municipalities: remaining and actual task are summed per municipality."""
        return self._remaining_sum is not None

    @property
    def carried_over_abs(self):
        return abs(self.carried_over)

    @property
    def carried_over_text(self):
        return wording.carried_over_text(self.carried_over)

    @property
    def task_text(self):
        return wording.task_text(self)

    @property
    def sentence(self):
        """The one progress sentence every page and document shows (figures.wording)."""
        return wording.progress_sentence(self)

    @property
    def realised_housed(self):
        """Realised in this period and no longer temporary on the reference date (in a home, or
        moved on): the solid part of a progress bar; ``realised_temporary`` is the hatched part."""
        return self.realised - self.realised_temporary

    @property
    def realised_percent(self):
        """Realised as a percentage of the task (0–100; 100 when the task is 0 or less)."""
        return 100 if self.task <= 0 else _percent(self.realised, self.task)

    # Progress bar geometry, for templates: the whole bar is exactly `realised_percent` long (so bar
    # and text agree), split between housed and still temporary in proportion.
    @property
    def bar_housed_percent(self):
        if not self.realised:
            return self.realised_percent
        return round(self.realised_percent * self.realised_housed / self.realised)

    @property
    def bar_temporary_percent(self):
        return self.realised_percent - self.bar_housed_percent


@dataclass
class RegionMemberFigures:
    municipality_id: int
    cbs_code: str
    name: str
    target: int
    placements: int
    share: Decimal | None
    contribution: Decimal | None
    statutory_target: int | None = None
    population_year: int | None = None

    @property
    def redistributed(self):
        return self.statutory_target is not None and self.statutory_target != self.target

    @property
    def deviation(self):
        if self.share is None or self.contribution is None:
            return None
        return self.contribution - self.share


@dataclass
class RegionFigures:
    region: object
    period: Period
    reference_date: dt.date
    members: list
    total_target: int
    total_placements: int
    total_statutory: int | None = None
    redistribution: object = None  # the art. 29(2) agreement of the period, if any

    @property
    def population_year(self):
        """The oldest population year the members' quotas were computed from."""
        return min((m.population_year for m in self.members if m.population_year is not None), default=None)

    @property
    def population_outdated(self):
        year = self.population_year
        return year is not None and year != self.period.year - 1


@dataclass
class StatusCapacity:
    status: str
    label: str
    properties: int = 0
    places: int = 0
    occupied: int = 0
    free: int = 0


@dataclass
class CapacityFigures:
    day: dt.date
    by_status: list  # StatusCapacity per Property.Status, in pipeline order

    # The totals row covers the properties that take people (approved and in use), like its label
    # says; places offered or being assessed are not free places yet.
    @property
    def places_total(self):
        return sum(s.places for s in self.by_status if s.status in Property.OPEN_STATUSES)

    @property
    def occupied_total(self):
        return sum(s.occupied for s in self.by_status if s.status in Property.OPEN_STATUSES)

    @property
    def properties_total(self):
        return sum(s.properties for s in self.by_status if s.status in Property.OPEN_STATUSES)

    @property
    def free_total(self):
        return sum(s.free for s in self.by_status if s.status in Property.OPEN_STATUSES)

    def get(self, status):
        return next(s for s in self.by_status if s.status == status)


@dataclass
class AgreementProgress:
    agreement: IntentAgreement
    committed: int
    placed: int

    @property
    def percent(self):
        return _percent(self.placed, self.committed)


@dataclass
class TrendMonth:
    month: dt.date  # first day of the month
    day: dt.date  # the day occupancy is measured: the month's last day, or today for this month
    occupied: int
    started: int


def _today(today):
    return today or timezone.localdate()


def _restrict(queryset, path, municipality_ids):
    """Filter `queryset` on `path` being in `municipality_ids` (ALL, ids or a queryset of ids)."""
    if municipality_ids is ALL:
        return queryset
    return queryset.filter(**{f"{path}__in": municipality_ids})


def _resident_counts(periods, municipality_ids, today):
    """One grouped query: {(municipality_id, period): (realised, temporary, temporary_counted,
    realised_temporary)}.

    Counted from the per-resident summary (figures/summary.py), which the database keeps up to
    date as placements change: each resident's first start per placement kind, and one row per
    temporary placement. Realised: residents whose first counting start (the earliest of the
    counting kinds' first starts) falls in the period up to the reference date. Temporary: residents
    with a temporary placement covering the reference date; of those, counted ones had their first
    counting start by then, and realised-temporary ones in the period. Portable SQL, so SQLite runs
    the same statement; tests/figures/test_summary.py compares it with a computation straight from
    the placements after random changes.
    """
    if municipality_ids is not ALL and not hasattr(municipality_ids, "query"):
        municipality_ids = list(municipality_ids)
        if not municipality_ids:
            return {}
    if not periods:
        return {}
    first = summary.first_counting_sql(settings.QUOTA_COUNTING_KINDS)
    where, where_params = "", []
    if hasattr(municipality_ids, "query"):
        subquery, where_params = municipality_ids.query.sql_with_params()
        where = f" AND municipality_id IN ({subquery})"
    elif municipality_ids is not ALL:
        where = f" AND municipality_id IN ({', '.join(['%s'] * len(municipality_ids))})"
        where_params = list(municipality_ids)

    windows = []  # (start, end, reference date) per period
    for period in periods:
        ref = period.reference_date(today)
        windows.append((period.start, min(ref, period.end), ref))
    # On PostgreSQL the exclusion constraint placement_resident_no_overlap keeps a resident's
    # placements from sharing a day, so each temporary row covering the reference date is another
    # person and the rows are summed. SQLite has no such constraint (the services keep the rule
    # there): one row per resident first, the largest of its rows' values.
    one_row_per_person = connection.vendor == "postgresql"
    aggregate = "SUM" if one_row_per_person else "MAX"
    realised_columns, realised_params, temporary_columns, temporary_params = [], [], [], []
    for start, end, ref in windows:
        covers = "start_date <= %s AND end_until > %s"
        realised_columns += [
            f"SUM(CASE WHEN {first} >= %s AND {first} <= %s THEN 1 ELSE 0 END)",
            "0",
            "0",
            "0",
        ]
        realised_params += [start, end]
        temporary_columns += [
            "0",
            f"{aggregate}(CASE WHEN {covers} THEN 1 ELSE 0 END)",
            f"{aggregate}(CASE WHEN {covers} AND {first} <= %s THEN 1 ELSE 0 END)",
            f"{aggregate}(CASE WHEN {covers} AND {first} >= %s AND {first} <= %s THEN 1 ELSE 0 END)",
        ]
        temporary_params += [ref, ref, ref, ref, ref, ref, ref, start, end]
    names = [f"c{index}" for index in range(len(realised_columns))]
    sums = ", ".join(f"SUM({name})" for name in names)
    realised = ", ".join(f"{column} AS {name}" for column, name in zip(realised_columns, names, strict=True))
    temporary = ", ".join(
        f"{column} AS {name}" for column, name in zip(temporary_columns, names, strict=True)
    )
    temporary_rows = f"FROM {TemporaryFigure._meta.db_table} WHERE end_until > %s AND start_date <= %s{where}"
    if one_row_per_person:
        temporary_part = f"SELECT municipality_id, {temporary} {temporary_rows} "
    else:
        temporary_part = (
            f"SELECT municipality_id, {sums} FROM (SELECT municipality_id, {temporary} {temporary_rows} "  # noqa: S608
            "GROUP BY municipality_id, resident_id) per_resident "
        )
    sql = (
        f"SELECT municipality_id, {sums} FROM ("  # noqa: S608 - only placeholders interpolated
        f"SELECT municipality_id, {realised} FROM {ResidentFigure._meta.db_table} "
        f"WHERE latest_first >= %s{where} GROUP BY municipality_id "
        f"UNION ALL {temporary_part}GROUP BY municipality_id) parts GROUP BY municipality_id"
    )
    params = [
        *realised_params,
        min(start for start, _end, _ref in windows),
        *where_params,
        *temporary_params,
        min(ref for *_rest, ref in windows),
        max(ref for *_rest, ref in windows),
        *where_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    result = {}
    for municipality_id, *values in rows:
        for index, period in enumerate(periods):
            result[(municipality_id, period)] = tuple(int(v or 0) for v in values[4 * index : 4 * index + 4])
    return result


def municipality_figures(period, municipality_ids=ALL, *, today=None, include_empty=None):
    """SPEC §6 figures per municipality for `period`; see the module docstring. 3 queries."""
    today = _today(today)
    if include_empty is None:
        include_empty = municipality_ids is not ALL
    quotas = {
        q["municipality_id"]: q
        for q in _restrict(Quota.objects.for_period(period), "municipality", municipality_ids).values(
            "municipality_id", "target", "carried_over", "statutory_target", "population_year"
        )
    }
    counts = _resident_counts([period], municipality_ids, today)
    municipalities = Municipality.objects.all()
    if include_empty:
        municipalities = _restrict(municipalities, "pk", municipality_ids)
        if municipality_ids is ALL:
            municipalities = municipalities.filter(Q(active=True) | Q(pk__in=set(quotas)))
    else:
        wanted = set(quotas) | {m for (m, _p), values in counts.items() if any(values)}
        municipalities = municipalities.filter(pk__in=wanted)
    rows = []
    for m in municipalities.values("pk", "cbs_code", "name", "province").order_by("name", "cbs_code"):
        quota = quotas.get(m["pk"])
        realised, temporary, counted, realised_temporary = counts.get((m["pk"], period), (0, 0, 0, 0))
        rows.append(
            MunicipalityFigures(
                municipality_id=m["pk"],
                cbs_code=m["cbs_code"],
                name=m["name"],
                province=m["province"],
                period=period,
                has_quota=quota is not None,
                target=quota["target"] if quota else 0,
                carried_over=quota["carried_over"] if quota else 0,
                realised=realised,
                temporary=temporary,
                temporary_counted=counted,
                realised_temporary=realised_temporary,
                statutory_target=quota["statutory_target"] if quota else None,
                population_year=quota["population_year"] if quota else None,
            )
        )
    return rows


def carried_over_into(period, municipality_ids=ALL, *, today=None):
    """{municipality id: carried-over figure for `period`}: the previous period's result, task
    minus realised (positive a shortfall, negative a lead), for every municipality that had a quota
    then. What housing.quota.compute_quotas stores unless a figure was overridden with a reason.
    3 queries."""
    previous = period.previous()
    rows = municipality_figures(previous, municipality_ids, today=today, include_empty=False)
    return {r.municipality_id: r.task - r.realised for r in rows if r.has_quota}


def figures_for_periods(periods, municipality_ids, *, today=None):
    """{(municipality id, period): MunicipalityFigures} for the municipalities that had a quota in
    each of `periods` (the province's supervision reads past checkpoints from it). 2 queries,
    whatever the number of periods."""
    today = _today(today)
    periods = list(periods)
    if not periods:
        return {}
    condition = Q()
    for period in periods:
        condition |= Q(year=period.year, half=period.half)
    quotas = _restrict(Quota.objects.filter(condition), "municipality", municipality_ids).values(
        "municipality_id",
        "municipality__cbs_code",
        "municipality__name",
        "municipality__province",
        "year",
        "half",
        "target",
        "carried_over",
        "statutory_target",
        "population_year",
    )
    quotas = list(quotas)
    counts = _resident_counts(periods, municipality_ids, today)
    result = {}
    for q in quotas:
        period = Period(q["year"], q["half"])
        result[(q["municipality_id"], period)] = _quota_figures(
            q["municipality_id"],
            (q["municipality__cbs_code"], q["municipality__name"], q["municipality__province"]),
            period,
            q,
            counts,
        )
    return result


def _quota_figures(municipality_id, names, period, quota, counts):
    """The figures of a municipality with a quota for `period`: `names` is (CBS code, name, province),
    `quota` the quota's values, `counts` the resident counts per (municipality, period)."""
    cbs_code, name, province = names
    realised, temporary, counted, realised_temporary = counts.get((municipality_id, period), (0, 0, 0, 0))
    return MunicipalityFigures(
        municipality_id=municipality_id,
        cbs_code=cbs_code,
        name=name,
        province=province,
        period=period,
        has_quota=True,
        target=quota["target"],
        carried_over=quota["carried_over"],
        realised=realised,
        temporary=temporary,
        temporary_counted=counted,
        realised_temporary=realised_temporary,
        statutory_target=quota["statutory_target"],
        population_year=quota["population_year"],
    )


def totals(rows, period=None):
    """The sum of `rows` as one MunicipalityFigures (municipality_id None). No query."""
    rows = list(rows)
    period = period or (rows[0].period if rows else Period.current())
    return MunicipalityFigures(
        municipality_id=None,
        cbs_code="",
        name="",
        province="",
        period=period,
        has_quota=any(r.has_quota for r in rows),
        target=sum(r.target for r in rows),
        carried_over=sum(r.carried_over for r in rows),
        realised=sum(r.realised for r in rows),
        temporary=sum(r.temporary for r in rows),
        temporary_counted=sum(r.temporary_counted for r in rows),
        realised_temporary=sum(r.realised_temporary for r in rows),
        statutory_target=(
            sum(r.statutory_target for r in rows if r.statutory_target is not None)
            if any(r.statutory_target is not None for r in rows)
            else None
        ),
        # The oldest population year any member's quota was computed from, so a total says when
        # part of it is an estimate.
        population_year=min((r.population_year for r in rows if r.population_year is not None), default=None),
        _remaining_sum=sum(r.remaining for r in rows),
    )


def province_totals(rows, period=None):
    """`rows` summed per province, in province order, each a total (see totals()). No query."""
    by_province = {}
    for row in rows:
        by_province.setdefault(row.province, []).append(row)
    result = []
    for province in sorted(by_province):
        total = totals(by_province[province], period)
        total.name = province
        result.append(total)
    return result


def furthest_behind(rows, count=10):
    """The `count` municipalities with the most still to house (then the lowest share realised),
    the ones a coordinator looks at first. No query."""
    behind = [row for row in rows if row.has_quota and row.remaining > 0]
    behind.sort(key=lambda row: (-row.remaining, row.realised_percent, row.name))
    return behind[:count]


def national_number(period):
    """The national number (vg) recorded for `period`, or None; it says whether it is an example
    figure. 1 query."""
    from housing.models import NationalNumber

    return NationalNumber.objects.filter(year=period.year, half=period.half).first()


def municipality_history(municipality_id, *, today=None):
    """Figures for every period with a quota for the municipality, newest first. 3 queries."""
    today = _today(today)
    municipality = Municipality.objects.values("pk", "cbs_code", "name", "province").get(pk=municipality_id)
    quotas = list(
        Quota.objects.filter(municipality_id=municipality_id).values(
            "year", "half", "target", "carried_over", "statutory_target", "population_year"
        )
    )
    periods = [Period(q["year"], q["half"]) for q in quotas]
    counts = _resident_counts(periods, [municipality_id], today) if periods else {}
    rows = []
    for quota, period in zip(quotas, periods, strict=True):
        rows.append(
            _quota_figures(
                municipality_id,
                (municipality["cbs_code"], municipality["name"], municipality["province"]),
                period,
                quota,
                counts,
            )
        )
    rows.sort(key=lambda r: r.period, reverse=True)
    return rows


def _fraction(part, whole):
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))


def region_figures(region, period=None, *, today=None):
    """Burden sharing in `region` (SPEC §6) on the period's reference date, with the statutory
    quota beside an agreed (redistributed) one and the art. 29(2) agreement. 4 queries."""
    period = period or Period.current()
    ref = period.reference_date(_today(today))
    members = list(region.members.values("pk", "cbs_code", "name").order_by("name"))
    ids = [m["pk"] for m in members]
    quotas = {
        municipality: (target, statutory, year)
        for municipality, target, statutory, year in Quota.objects.for_period(period)
        .filter(municipality__in=ids)
        .values_list("municipality", "target", "statutory_target", "population_year")
    }
    targets = {pk: values[0] for pk, values in quotas.items()}
    placed = dict(
        Placement.objects.active_on(ref)
        .filter(property__municipality__in=ids)
        .values("property__municipality")
        .annotate(n=Count("pk"))
        .values_list("property__municipality", "n")
        .order_by()
    )
    total_target = sum(targets.values())
    total_placements = sum(placed.values())
    rows = [
        RegionMemberFigures(
            municipality_id=m["pk"],
            cbs_code=m["cbs_code"],
            name=m["name"],
            target=targets.get(m["pk"], 0),
            placements=placed.get(m["pk"], 0),
            share=_fraction(targets.get(m["pk"], 0), total_target),
            contribution=_fraction(placed.get(m["pk"], 0), total_placements),
            statutory_target=quotas.get(m["pk"], (0, None, None))[1],
            population_year=quotas.get(m["pk"], (0, None, None))[2],
        )
        for m in members
    ]
    statutory = [r.statutory_target for r in rows if r.statutory_target is not None]
    return RegionFigures(
        region=region,
        period=period,
        reference_date=ref,
        members=rows,
        total_target=total_target,
        total_placements=total_placements,
        total_statutory=sum(statutory) if statutory else None,
        redistribution=region.redistributions.filter(year=period.year, half=period.half).first(),
    )


def capacity_figures(municipality_ids=ALL, day=None):
    """Places per property status on `day`, by property location. 2 queries."""
    day = _today(day)
    properties = _restrict(Property.objects.all(), "municipality", municipality_ids)
    occupied_per_property = (
        Placement.objects.active_on(day)
        .filter(property=OuterRef("pk"))
        .values("property")
        .annotate(n=Count("pk"))
        .values("n")
    )
    by_status = {s: StatusCapacity(status=s, label=label) for s, label in Property.Status.choices}
    for row in properties.values("status").annotate(n=Count("pk"), places=Sum("capacity")).order_by():
        by_status[row["status"]].properties = row["n"]
        by_status[row["status"]].places = row["places"] or 0
    rows = properties.annotate(
        occupied=Coalesce(Subquery(occupied_per_property, output_field=IntegerField()), Value(0))
    ).values_list("status", "capacity", "occupied")
    for status, capacity, occupied in rows.iterator():
        by_status[status].occupied += occupied
        by_status[status].free += max(0, capacity - occupied)
    return CapacityFigures(day=day, by_status=list(by_status.values()))


def agreement_progress(agreements):
    """Placed persons against committed persons per agreement. 1 query (plus `agreements`)."""
    agreements = list(agreements)
    placed = dict(
        Placement.objects.filter(property__agreement__in=[a.pk for a in agreements])
        .values("property__agreement")
        .annotate(n=Count("resident", distinct=True))
        .values_list("property__agreement", "n")
        .order_by()
    )
    return [
        AgreementProgress(agreement=a, committed=a.committed_persons, placed=placed.get(a.pk, 0))
        for a in agreements
    ]


def _month_start(day, back=0):
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def occupancy_trend(municipality_ids=ALL, *, months=12, today=None):
    """Per month (oldest first): places occupied on the month's last day (today for the current
    month) and placements started in the month, in properties located in the municipalities."""
    today = _today(today)
    starts = [_month_start(today, back) for back in range(months - 1, -1, -1)]
    nexts = starts[1:] + [_month_start(today, -1)]
    days = [min(today, n - dt.timedelta(days=1)) for n in nexts]
    placements = _restrict(Placement.objects.all(), "property__municipality", municipality_ids)
    occupied = placements.aggregate(
        **{f"o{i}": Count("pk", filter=active_on(day)) for i, day in enumerate(days)}
    )
    started = placements.filter(start_date__gte=starts[0], start_date__lte=today).aggregate(
        **{
            f"s{i}": Count("pk", filter=Q(start_date__gte=start, start_date__lt=nxt))
            for i, (start, nxt) in enumerate(zip(starts, nexts, strict=True))
        }
    )
    return [
        TrendMonth(month=start, day=day, occupied=occupied[f"o{i}"], started=started[f"s{i}"])
        for i, (start, day) in enumerate(zip(starts, days, strict=True))
    ]


def households_without_buddy(municipality_ids=ALL, *, day=None):
    """Households (linked to the municipalities, not anonymised) with a placement active on `day`
    and no buddy match active on it. 1 query."""
    return households_without_buddy_queryset(municipality_ids, day=day).count()


def households_without_buddy_queryset(municipality_ids=ALL, *, day=None, households=None):
    """The households behind households_without_buddy() (the signals module computes the same set in
    its own query; tests/figures/test_signals.py checks that they agree)."""
    day = _today(day)
    households = households if households is not None else Household.objects.all()
    households = _restrict(households.active(), "municipality", municipality_ids)
    placed = Placement.objects.active_on(day).filter(resident__household=OuterRef("pk"))
    matched = BuddyMatch.objects.active_on(day).filter(household=OuterRef("pk"))
    return households.filter(Exists(placed)).exclude(Exists(matched))


FORECAST_MONTHS = 12


def occupancy_forecast(capacity, placements, *, today=None, months=FORECAST_MONTHS):
    """Expected occupancy of one property today and at each of the next `months` month starts, from
    its `placements` (already loaded, no query): a placement counts until its end day, or its
    planned end when no end is recorded yet. Rows: {"day", "occupied", "free" (never below 0)}."""
    today = _today(today)
    first = dt.date(today.year, today.month, 1)
    rows = []
    for index in range(months + 1):
        day = today if index == 0 else add_months(first, index)
        occupied = sum(
            1
            for p in placements
            if p.start_date <= day
            and ((p.end_date or p.planned_end) is None or (p.end_date or p.planned_end) > day)
        )
        rows.append({"day": day, "occupied": occupied, "free": max(0, capacity - occupied)})
    return rows
