"""The 12-month forecast (issue 16): what is coming per month, and where each municipality will stand
at the next two checkpoints at the present pace.

`forecast(municipality_ids, *, today)` computes, for each municipality of the selection (ALL, or an
iterable of ids: one municipality, a region's members, a user's scope) and for each of the next
`FORECAST_MONTHS` months, the current month first:

- `temporary_ending` — persons of households linked to the municipality whose temporary stay (a
  `har` or `transit` placement) is expected to end in the month: on its end date when one is
  recorded, otherwise on its planned end. They need a next home. Stays already past their planned
  end without an end date are not in any month (they are signals, SPEC §7).
- `places_coming` — places (capacity) of *approved* properties located in the municipality whose
  `available_from` falls in the month. Offered properties and those being assessed are not counted:
  they may never come; approved ones without a date, or with a date before today, are available now
  and are in the capacity figures instead.
- `planned_persons` — persons of households linked to the municipality with a placement (any kind)
  planned to start in the month: the homes, temporary or permanent, already arranged.
- `reunification` — family members expected to arrive in the month: `reunification_expected_members`
  of the (not anonymised) households linked to the municipality whose reunification is expected on a
  day of the month and has not arrived.

The current month covers today up to its last day (placements planned to start: from tomorrow, as
one starting today already counts as realised); every later month is a whole calendar month.
Persons count for the municipality their household is linked to, places for the municipality they
lie in, as in the other figures (docs/figures.md).

Checkpoints. The next two checkpoints after today — 1 January and 1 July, the first day after a
half-year (figures/supervision.py) — are projected against the quota of the half-year ending there:

- *realised so far*: the SPEC §6 `realised` of the current period on today (figures.figures);
- *the present pace*: the persons counted per SPEC §6 (first counting placement, kind in
  `QUOTA_COUNTING_KINDS`) in the last `PACE_MONTHS` full calendar months before the current month,
  divided by `PACE_MONTHS` — persons per month;
- *expected* in each remaining month of a period: the persons whose first counting placement is
  already planned to start in it, or the pace if that is more (the pace for the current month in
  proportion to its days after today). A planned placement is therefore never added on top of the
  pace in its own month: the pace is what usually happens, and what is planned counts when it is
  more.
- *projected realised* = realised so far + the expected persons of the period's remaining months,
  rounded half up to whole persons; *position* = projected realised − task (quota plus carried
  over): negative is a shortfall, as at the supervision checkpoints.
- For the second checkpoint the carried-over figure is the projected result of the current period
  (its task minus its projected realised), the rule `housing.quota.compute_quotas` applies — unless
  the next period's quota carries an overridden figure with a reason, which is kept. Without a quota
  for a period its checkpoint has no position.

Query count: 8, whatever the number of municipalities (aggregate queries, conditional sums per
month; no query per municipality or month). The forecast holds aggregates only, no personal data.
The policy is also described in docs/figures.md; tests/figures/test_forecast.py pins it on a
hand-computed fixture.
"""

import calendar
import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils import timezone

from figures import summary, wording
from figures.figures import municipality_figures
from figures.models import ResidentFigure
from housing.models import Property, Quota
from housing.periods import Period
from housing.scope import ALL
from residents.models import Household, Placement, add_months

__all__ = [
    "FORECAST_MONTHS",
    "PACE_MONTHS",
    "CheckpointProjection",
    "Forecast",
    "ForecastMonth",
    "MunicipalityForecast",
    "forecast",
]

FORECAST_MONTHS = 12
PACE_MONTHS = 6  # full months before the current one that make up the present pace


@dataclass
class ForecastMonth:
    month: dt.date  # first day of the calendar month
    start: dt.date  # first day the month's figures cover: today for the current month
    end: dt.date  # last day of the month
    temporary_ending: int = 0
    places_coming: int = 0
    planned_persons: int = 0
    reunification: int = 0

    @property
    def homes_coming(self):
        """Places becoming available plus persons with a placement planned: the homes in sight."""
        return self.places_coming + self.planned_persons

    def add(self, other):
        self.temporary_ending += other.temporary_ending
        self.places_coming += other.places_coming
        self.planned_persons += other.planned_persons
        self.reunification += other.reunification


@dataclass
class CheckpointProjection:
    """The projected position of one municipality (or a total) at one checkpoint."""

    day: dt.date  # the checkpoint: 1 January or 1 July
    period: Period  # the half-year that ends the day before
    name: str = ""
    has_quota: bool = False
    target: int = 0
    carried_over: int = 0
    realised: int = 0  # realised so far (SPEC §6, today); 0 for a period not yet begun
    planned: int = 0  # persons whose first counting placement is planned in the period after today
    expected: int = 0  # expected more until the checkpoint (planned or the pace, month by month)
    # Only on totals: the number of municipalities with a quota, those projected short, and the sum
    # of their shortfalls (a lead in one municipality does not cancel a shortfall in another).
    municipalities: int | None = None
    short: int | None = None
    _shortfall_sum: int | None = field(default=None, repr=False)

    @property
    def task(self):
        return self.target + self.carried_over

    @property
    def projected(self):
        return self.realised + self.expected

    @property
    def position(self):
        """Projected realised minus task: negative a shortfall, positive a lead; None without quota."""
        return self.projected - self.task if self.has_quota else None

    @property
    def shortfall(self):
        if self._shortfall_sum is not None:
            return self._shortfall_sum
        return max(0, -self.position) if self.has_quota else 0

    @property
    def is_total(self):
        return self.municipalities is not None

    @property
    def sentence(self):
        """ "At the present pace Groningen is 40 persons short on 1 July 2027." (figures.wording)"""
        if self.is_total:
            return wording.forecast_total_sentence(self)
        return wording.forecast_sentence(self)


@dataclass
class MunicipalityForecast:
    municipality_id: int
    cbs_code: str
    name: str
    province: str
    pace: Fraction  # persons counted per month over the last PACE_MONTHS full months
    months: list  # ForecastMonth, the current month first
    checkpoints: list  # CheckpointProjection, the next checkpoint first

    @property
    def pace_per_month(self):
        return float(self.pace)


@dataclass
class Forecast:
    today: dt.date
    pace_months: tuple  # (first day, last day) of the months the pace is taken from
    municipalities: list  # MunicipalityForecast, ordered by name
    months: list  # ForecastMonth totals of the selection
    checkpoints: list  # CheckpointProjection totals of the selection

    @property
    def single(self):
        """The one municipality of a one-municipality selection, else None."""
        return self.municipalities[0] if len(self.municipalities) == 1 else None

    @property
    def pace(self):
        """The selection's present pace: the sum of its municipalities' (persons a month)."""
        return sum((m.pace for m in self.municipalities), Fraction(0))

    @property
    def pace_per_month(self):
        return float(self.pace)

    @property
    def pace_month_count(self):
        return PACE_MONTHS

    def furthest_short(self, index=0, count=10):
        """The `count` municipalities with the largest projected shortfall at checkpoint `index`."""
        rows = [m for m in self.municipalities if m.checkpoints[index].shortfall > 0]
        rows.sort(key=lambda m: (-m.checkpoints[index].shortfall, m.name))
        return rows[:count]


def _month_windows(today, months):
    first = dt.date(today.year, today.month, 1)
    windows = []
    for index in range(months):
        month = add_months(first, index)
        end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
        windows.append((month, today if index == 0 else month, end))
    return windows


def _round_half_up(value):
    return int(value + Fraction(1, 2)) if value >= 0 else -int(-value + Fraction(1, 2))


def _ids(municipality_ids):
    if municipality_ids is ALL:
        return ALL
    return sorted(set(municipality_ids))


def _restrict(queryset, path, ids):
    return queryset if ids is ALL else queryset.filter(**{f"{path}__in": ids})


def _first_counting_starts(ids, windows, pace_window, today):
    """One grouped query: {municipality id: (pace count, [planned first counting starts per month])}.

    Read from the per-resident summary (figures/summary.py), like the §6 figures: each resident's
    first counting start is the earliest of the counting kinds' first starts, and only residents
    whose latest first start lies in the pace window or later can have it there (the index).
    Portable SQL: SQLite runs the same statement.
    """
    if not settings.QUOTA_COUNTING_KINDS:
        return {}
    first = summary.first_counting_sql(settings.QUOTA_COUNTING_KINDS)
    params = []
    columns = [f"SUM(CASE WHEN {first} >= %s AND {first} <= %s THEN 1 ELSE 0 END)"]
    params.extend(pace_window)
    for index, (_month, start, end) in enumerate(windows):
        lower = ">" if index == 0 else ">="  # a placement starting today counts as realised already
        columns.append(f"SUM(CASE WHEN {first} {lower} %s AND {first} <= %s THEN 1 ELSE 0 END)")
        params.extend([start, end])
    where = ["latest_first >= %s"]
    params.append(pace_window[0])
    if ids is not ALL:
        if not ids:
            return {}
        where.append(f"municipality_id IN ({', '.join(['%s'] * len(ids))})")
        params.extend(ids)
    sql = (
        f"SELECT municipality_id, {', '.join(columns)} FROM {ResidentFigure._meta.db_table} "  # noqa: S608
        f"WHERE {' AND '.join(where)} GROUP BY municipality_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {m: (int(pace or 0), [int(v or 0) for v in months]) for m, pace, *months in rows}


def _ends_between(first, last):
    """Temporary placements expected to end from `first` to `last`: on their end date when one is
    recorded, otherwise on their planned end. Written without COALESCE, so PostgreSQL estimates
    the rows from the columns' statistics (with it, it expected 1% and chose nested loops)."""
    return Q(kind__in=Placement.TEMPORARY_KINDS) & (
        Q(end_date__isnull=True, planned_end__gte=first, planned_end__lte=last)
        | Q(end_date__gte=first, end_date__lte=last)
    )


def _placement_months(ids, windows, today):
    """{municipality id: ([persons ending a temporary stay], [persons with a placement starting])}
    per month, by the household's linked municipality. 1 query."""
    horizon = windows[-1][2]
    placements = _restrict(Placement.objects.all(), "resident__household__municipality", ids)
    placements = placements.filter(
        _ends_between(today, horizon) | Q(start_date__gt=today, start_date__lte=horizon)
    )
    aggregates = {}
    for index, (_month, start, end) in enumerate(windows):
        ending = _ends_between(start, end)
        starting = Q(start_date__gt=today, start_date__gte=start, start_date__lte=end)
        aggregates[f"end{index}"] = Count("resident", filter=ending, distinct=True)
        aggregates[f"start{index}"] = Count("resident", filter=starting, distinct=True)
    rows = placements.values("resident__household__municipality").annotate(**aggregates).order_by()
    result = {}
    for row in rows:
        result[row["resident__household__municipality"]] = (
            [row[f"end{i}"] for i in range(len(windows))],
            [row[f"start{i}"] for i in range(len(windows))],
        )
    return result


def _property_months(ids, windows, today):
    """{municipality id: [places of approved properties becoming available]} per month, by the
    property's location. 1 query."""
    properties = _restrict(Property.objects.all(), "municipality", ids).filter(
        status=Property.Status.APPROVED, available_from__gte=today, available_from__lte=windows[-1][2]
    )
    aggregates = {
        f"p{index}": Sum("capacity", filter=Q(available_from__gte=start, available_from__lte=end))
        for index, (_month, start, end) in enumerate(windows)
    }
    rows = properties.values("municipality").annotate(**aggregates).order_by()
    return {row["municipality"]: [row[f"p{i}"] or 0 for i in range(len(windows))] for row in rows}


def _reunification_months(ids, windows, today):
    """{municipality id: [family members expected to arrive]} per month. 1 query."""
    households = _restrict(Household.objects.active(), "municipality", ids).filter(
        reunification_expected_members__gt=0,
        reunification_arrived_on__isnull=True,
        reunification_expected_on__gte=today,
        reunification_expected_on__lte=windows[-1][2],
    )
    aggregates = {
        f"r{index}": Sum(
            "reunification_expected_members",
            filter=Q(reunification_expected_on__gte=start, reunification_expected_on__lte=end),
        )
        for index, (_month, start, end) in enumerate(windows)
    }
    rows = households.values("municipality").annotate(**aggregates).order_by()
    return {row["municipality"]: [row[f"r{i}"] or 0 for i in range(len(windows))] for row in rows}


def _expected(pace, planned, windows, today, period):
    """The expected persons of `period`'s months in the window: per month what is planned or the
    pace, if that is more (the current month's pace in proportion to its days after today)."""
    total = Fraction(0)
    for (month, _start, end), planned_here in zip(windows, planned, strict=True):
        if not period.start <= month <= period.end:
            continue
        share = Fraction(1)
        if month <= today <= end:
            share = Fraction((end - today).days, end.day)
        total += max(Fraction(planned_here), pace * share)
    return _round_half_up(total)


def forecast(municipality_ids=ALL, *, today=None, months=FORECAST_MONTHS):
    """The forecast of the selection; see the module docstring. 8 queries."""
    today = today or timezone.localdate()
    ids = _ids(municipality_ids)
    windows = _month_windows(today, months)
    first = windows[0][0]
    pace_window = (add_months(first, -PACE_MONTHS), first - dt.timedelta(days=1))
    current = Period.containing(today)
    following = current.next()

    rows = municipality_figures(current, ids, today=today, include_empty=True)  # 3 queries
    next_quotas = {
        q["municipality_id"]: q
        for q in _restrict(Quota.objects.for_period(following), "municipality", ids).values(
            "municipality_id", "target", "carried_over", "carried_over_reason"
        )
    }
    counted = _first_counting_starts(ids, windows, pace_window, today)
    placements = _placement_months(ids, windows, today)
    properties = _property_months(ids, windows, today)
    reunification = _reunification_months(ids, windows, today)

    empty = [0] * len(windows)
    result = []
    for row in rows:
        pk = row.municipality_id
        pace_count, planned_first = counted.get(pk, (0, empty))
        pace = Fraction(pace_count, PACE_MONTHS)
        ending, starting = placements.get(pk, (empty, empty))
        places = properties.get(pk, empty)
        arriving = reunification.get(pk, empty)
        month_rows = [
            ForecastMonth(
                month=month,
                start=start,
                end=end,
                temporary_ending=ending[i],
                places_coming=places[i],
                planned_persons=starting[i],
                reunification=arriving[i],
            )
            for i, (month, start, end) in enumerate(windows)
        ]
        first_checkpoint = CheckpointProjection(
            day=current.next_start,
            period=current,
            name=row.name,
            has_quota=row.has_quota,
            target=row.target,
            carried_over=row.carried_over,
            realised=row.realised,
            planned=_planned_in(planned_first, windows, current),
            expected=_expected(pace, planned_first, windows, today, current),
        )
        quota = next_quotas.get(pk)
        if quota is not None and quota["carried_over_reason"]:
            carried = quota["carried_over"]
        elif row.has_quota:
            carried = first_checkpoint.task - first_checkpoint.projected
        else:
            carried = 0
        second_checkpoint = CheckpointProjection(
            day=following.next_start,
            period=following,
            name=row.name,
            has_quota=quota is not None,
            target=quota["target"] if quota else 0,
            carried_over=carried if quota else 0,
            realised=0,
            planned=_planned_in(planned_first, windows, following),
            expected=_expected(pace, planned_first, windows, today, following),
        )
        result.append(
            MunicipalityForecast(
                municipality_id=pk,
                cbs_code=row.cbs_code,
                name=row.name,
                province=row.province,
                pace=pace,
                months=month_rows,
                checkpoints=[first_checkpoint, second_checkpoint],
            )
        )
    return Forecast(
        today=today,
        pace_months=pace_window,
        municipalities=result,
        months=_month_totals(result, windows),
        checkpoints=[
            _checkpoint_total(result, index, period) for index, period in enumerate((current, following))
        ],
    )


def _planned_in(planned, windows, period):
    return sum(
        n for (month, _s, _e), n in zip(windows, planned, strict=True) if period.start <= month <= period.end
    )


def _month_totals(rows, windows):
    totals = [ForecastMonth(month=month, start=start, end=end) for month, start, end in windows]
    for row in rows:
        for total, month in zip(totals, row.months, strict=True):
            total.add(month)
    return totals


def _checkpoint_total(rows, index, period):
    """The checkpoint `index` (of `period`) summed over the municipalities with a quota for it."""
    counted = [r.checkpoints[index] for r in rows if r.checkpoints[index].has_quota]
    return CheckpointProjection(
        day=period.next_start,
        period=period,
        has_quota=bool(counted),
        target=sum(c.target for c in counted),
        carried_over=sum(c.carried_over for c in counted),
        realised=sum(c.realised for c in counted),
        planned=sum(c.planned for c in counted),
        expected=sum(c.expected for c in counted),
        municipalities=len(counted),
        short=sum(1 for c in counted if c.shortfall > 0),
        _shortfall_sum=sum(c.shortfall for c in counted),
    )
