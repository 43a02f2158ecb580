"""Open *signals* of SPEC §7: situations someone has to act on.

These are product signals ("signalen"), computed on demand by queries — NOT Django's
``django.dispatch`` signals; nothing here is sent or received. Computed here, and only here, so the
signals page, the dashboard counts and /reports/signals.csv agree.

The public API (``signal_query``, ``open_signals``, ``signal_counts``, query counts) and the rule of
each kind are in docs/signals.md.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import NotSupportedError, connections
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buddies.models import BuddyMatch
from housing.models import Municipality, Property
from housing.scope import ALL
from residents.models import Household, Placement, Resident, SignalState

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
CHUNK_SIZE = 2000
_MAX_OFFSET = 2**31 - 1  # LIMIT/OFFSET stay in range on every database
OPEN, HANDLED, SNOOZED = SignalState.State.values
STATES = (OPEN, HANDLED, SNOOZED)


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
    state: str = "open"  # SignalState.State: open, handled or snoozed

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


def _add_months_sql(sql, months, vendor):
    """`sql` (a date) plus whole months, as ``add_months()`` computes it; the one place of this
    arithmetic in SQL."""
    months = int(months)  # inlined in the SQL: an int of ours, never user input
    if vendor == "postgresql":  # date + interval clamps to the end of the month
        return f"CAST(({sql}) + INTERVAL '{months} months' AS date)"
    if vendor == "sqlite":
        # date(d, '+N months') overflows into the next month (29 February → 1 March); the last day
        # of the target month clamps it. ISO date strings compare as dates.
        month_end = f"date({sql}, 'start of month', '+{months + 1} months', '-1 day')"
        return f"MIN(date({sql}, '+{months} months'), {month_end})"
    raise NotSupportedError(f"signals: no month arithmetic for {vendor}")


def _active_placements(households, today):
    """Every placement active on `today` of the households in scope, with what the kinds read: the
    one pass over the placements that every kind shares (the CTE `active_placement`).

    Only the facts the kinds use, as narrow as they can be: PostgreSQL writes the 90,516 rows of the
    national data to a temporary file (more than `work_mem`) and every kind reads them back, so each
    column costs (dropping the unused id alone took ~13% off the page's query, interleaved on the
    bench data). `ends` is the end date, or else the planned end; `no_gp` and `extended` say whether
    the GP practice is empty and whether an extension reason is recorded."""
    return (
        Placement.objects.filter(resident__household__in=households.values("pk"))
        .active_on(today)
        .values(
            "resident",
            "property",
            "kind",
            "start_date",
            ends=Coalesce("end_date", "planned_end"),
            extended=ExpressionWrapper(~Q(extension_reason=""), output_field=BooleanField()),
            hh_id=F("resident__household"),
            no_gp=ExpressionWrapper(Q(resident__gp_practice=""), output_field=BooleanField()),
            insurance=F("resident__health_insurance"),
        )
        .order_by()
    )


class _Sql:
    """Table and column names of the models the kinds read, quoted for `connection`."""

    def __init__(self, connection):
        self.vendor = connection.vendor
        self.quote = connection.ops.quote_name
        self.adapt = connection.ops.adapt_datefield_value

    def table(self, model):
        return self.quote(model._meta.db_table)

    def column(self, model, name):
        return self.quote(model._meta.get_field(name).column)


_TEMPORARY = "a.kind IN ({})".format(", ".join(f"'{kind}'" for kind in Placement.TEMPORARY_KINDS))


def _care_gap(sql, today):
    insured = Resident.Insurance.INSURED
    return (
        "SELECT a.hh_id AS hh_id, MIN(a.start_date) AS date, COUNT(DISTINCT a.resident) AS n "  # noqa: S608 - names from model meta and our constants; values are parameters
        f"FROM active_placement a WHERE {_TEMPORARY} AND (a.no_gp OR a.insurance <> '{insured}') "
        "GROUP BY a.hh_id",
        [],
    )


def _ending_soon(sql, today):
    placement, resident, start = (
        sql.table(Placement),
        sql.column(Placement, "resident"),
        sql.column(Placement, "start_date"),
    )
    return (
        "SELECT a.hh_id AS hh_id, MIN(a.ends) AS date, "  # noqa: S608 - names from model meta and our constants; values are parameters
        "COUNT(DISTINCT a.resident) AS n FROM active_placement a "
        f"WHERE {_TEMPORARY} AND a.ends <= %s "
        f"AND NOT EXISTS (SELECT 1 FROM {placement} later WHERE later.{resident} = a.resident "
        f"AND later.{start} > a.start_date) GROUP BY a.hh_id",
        [sql.adapt(today + dt.timedelta(days=ENDING_SOON_DAYS))],
    )


def _beyond_maximum(sql, today):
    # "limit" is start + 12 months as add_months() computes it, so "end > limit" is exactly
    # Placement.exceeds_maximum() and "limit < today" still running beyond 12 months. A recorded
    # extension reason is the answer to this signal: the stay is known and explained.
    limit = _add_months_sql("a.start_date", Placement.MAX_TEMPORARY_MONTHS, sql.vendor)
    return (
        f"SELECT a.hh_id AS hh_id, MIN({limit}) AS date, COUNT(DISTINCT a.resident) AS n "  # noqa: S608 - names from model meta and our constants; values are parameters
        f"FROM active_placement a WHERE {_TEMPORARY} AND NOT a.extended "
        f"AND (a.ends > {limit} OR {limit} < %s) GROUP BY a.hh_id",
        [sql.adapt(today)],
    )


def _reunification(sql, today):
    # Pending members more than the property's free places today (every placement there counts,
    # also of households outside the scope). The household's columns are read here only: in the
    # shared pass they cost a join of every placement for the few households expecting members.
    placement, prop, household = sql.table(Placement), sql.table(Property), sql.table(Household)
    at, start, end = (sql.column(Placement, name) for name in ("property", "start_date", "end_date"))
    expected, arrived, expected_on, applied_on = (
        sql.column(Household, name)
        for name in (
            "reunification_expected_members",
            "reunification_arrived_on",
            "reunification_expected_on",
            "reunification_applied_on",
        )
    )
    return (
        f"SELECT a.hh_id AS hh_id, MIN(COALESCE(h.{expected_on}, h.{applied_on})) AS date, "  # noqa: S608
        "COUNT(DISTINCT a.resident) AS n FROM active_placement a "
        f"JOIN {household} h ON h.{sql.quote(Household._meta.pk.column)} = a.hh_id "
        f"JOIN {prop} p ON p.{sql.quote(Property._meta.pk.column)} = a.property "
        f"WHERE h.{expected} > 0 AND h.{arrived} IS NULL "
        f"AND h.{expected} > p.{sql.column(Property, 'capacity')} - (SELECT COUNT(*) FROM {placement} o "
        f"WHERE o.{at} = a.property AND o.{start} <= %s AND (o.{end} IS NULL OR o.{end} > %s)) "
        "GROUP BY a.hh_id",
        [sql.adapt(today), sql.adapt(today)],
    )


def _no_buddy(sql, today):
    # Grouping the active placements per household gives "has an active placement" and the earliest
    # start in one pass; the same households as figures.households_without_buddy_queryset() (tested).
    match = sql.table(BuddyMatch)
    household, start, end = (sql.column(BuddyMatch, name) for name in ("household", "start_date", "end_date"))
    return (
        "SELECT a.hh_id AS hh_id, MIN(a.start_date) AS date, 1 AS n FROM active_placement a "  # noqa: S608 - names from model meta and our constants; values are parameters
        f"WHERE NOT EXISTS (SELECT 1 FROM {match} b WHERE b.{household} = a.hh_id AND b.{start} <= %s "
        f"AND (b.{end} IS NULL OR b.{end} > %s)) GROUP BY a.hh_id",
        [sql.adapt(today), sql.adapt(today)],
    )


# Each kind: (sql names, today) → (SELECT hh_id, date, n FROM active_placement …, params). The rule of
# each kind lives here only; docs/signals.md says it in words.
_QUERIES = {
    CARE_GAP: _care_gap,
    ENDING_SOON: _ending_soon,
    BEYOND_MAXIMUM: _beyond_maximum,
    REUNIFICATION: _reunification,
    NO_BUDDY: _no_buddy,
}


def _as_date(value):
    """SQLite returns dates from raw SQL as ISO text; PostgreSQL as dates."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


class SignalQuery:
    """The open signals of some kinds for some households, in display order, evaluated in SQL.

    Built by `signal_query()`; see the module docstring. Nothing is fetched until it is sliced,
    iterated or counted; the counts per kind are kept once known.
    """

    def __init__(self, households, kinds, today, *, states=(OPEN,), descending=False):
        self.kinds = tuple(kinds)
        self.today = today
        self.states = tuple(state for state in STATES if state in states)  # ours: safe to inline
        self.descending = descending
        self._households = households
        self._counts = None
        self._window = None  # (start, stop, rows) of the last page fetched

    # --- SQL -----------------------------------------------------------------------------------

    @property
    def _connection(self):
        return connections[self._households.db]

    def _union(self):
        """`WITH all_signal AS (…), open_signal AS (…) `: every kind's rows (kind_order, hh_id, date,
        n, state), UNION ALL, each with the state someone gave it (SignalState); `open_signal` keeps
        the rows whose state is one of `self.states` (by default: open only).

        A handled state counts while the signal still has the date it was handled with; a snoozed
        one until the day it was snoozed to. Returns (sql, params), or None when no kind can have
        rows (no households in scope)."""
        connection = self._connection
        quote = connection.ops.quote_name
        state_meta = SignalState._meta
        state_table = quote(state_meta.db_table)
        names = _Sql(connection)
        today = names.adapt(self.today)
        try:
            active_sql, params = (
                _active_placements(self._households, self.today)
                .query.get_compiler(connection=connection)
                .as_sql()
            )
        except EmptyResultSet:  # e.g. pk__in=[]: no households, no signals
            return None
        params = list(params)
        parts = []
        for kind in self.kinds:
            sql, part_params = _QUERIES[kind](names, self.today)
            order = KINDS.index(kind)  # an int of ours: safe to inline
            parts.append(
                f"SELECT {order} AS kind_order, part.hh_id AS hh_id, part.date AS date, part.n AS n, "  # noqa: S608
                f"CASE WHEN st.state = '{HANDLED}' AND (st.signal_date = part.date "
                f"OR (st.signal_date IS NULL AND part.date IS NULL)) THEN '{HANDLED}' "
                f"WHEN st.state = '{SNOOZED}' AND st.snoozed_until > %s THEN '{SNOOZED}' "
                f"ELSE '{OPEN}' END AS state "
                f"FROM ({sql}) part LEFT JOIN {state_table} st "
                f"ON st.{quote(state_meta.get_field('household').column)} = part.hh_id AND st.kind = %s"
            )
            params.extend([today, *part_params, kind])
        if not parts:
            return None
        wanted = ", ".join(f"'{state}'" for state in self.states) or "NULL"
        return (
            f"WITH active_placement AS ({active_sql}), "  # noqa: S608
            f"all_signal AS ({' UNION ALL '.join(parts)}), "
            f"open_signal AS (SELECT * FROM all_signal WHERE state IN ({wanted})) ",
            params,
        )

    def _order_keys(self, alias):
        """The display order without its last key, the household reference: date (oldest first, or
        newest with `descending`; undated last), kind."""
        return [
            f"CASE WHEN {alias}.date IS NULL THEN 1 ELSE 0 END",
            f"{alias}.date DESC" if self.descending else f"{alias}.date",
            f"{alias}.kind_order",
        ]

    def _order_by(self, alias, first=""):
        """Date (oldest first, or newest with `descending`; undated last), kind, household reference
        (in byte order, as Python sorts text)."""
        reference = f"{alias}.hh_ref"
        if self._connection.vendor == "postgresql":
            reference += ' COLLATE "C"'
        keys = [*self._order_keys(alias), reference]
        return "ORDER BY " + ", ".join([first, *keys] if first else keys)

    def _ordered(self, *, sliced=False):
        """SELECT of every signal with its household and municipality, in display order; `sliced`:
        only the rows of `LIMIT %s OFFSET %s` (three more parameters: `stop`, the limit and the
        offset), sorted and cut before the municipality is looked up.

        Sliced, the household (whose reference is the last sort key) is read only for the signals
        that can be among the first `stop`: those ranked `stop` or better by date and kind alone
        (`RANK()` keeps the ties, so the cut loses no row the full order would show), not for every
        signal in scope (56,274 lookups at national scale). The municipality's code and name are
        scalar subqueries on its primary key: joined, PostgreSQL underestimated the signals (a CTE
        grouped into a CASE) and looped over all 342 municipalities for every signal (0.6 s of a
        0.7 s page, `make bench`)."""
        quote = self._connection.ops.quote_name
        household, municipality = Household._meta, Municipality._meta

        def column(meta, name):
            return quote(meta.get_field(name).column)

        source = "open_signal"
        if sliced:
            source = (
                f"(SELECT * FROM (SELECT t.*, RANK() OVER (ORDER BY {', '.join(self._order_keys('t'))}) "  # noqa: S608
                "AS place FROM open_signal t) ranked WHERE ranked.place <= %s)"
            )
        signals = (
            "SELECT s.kind_order, s.date, s.n, s.hh_id, s.state, "  # noqa: S608
            f"h.{column(household, 'reference')} AS hh_ref, h.{column(household, 'municipality')} AS m_id "
            f"FROM {source} s "
            f"JOIN {quote(household.db_table)} h ON h.{quote(household.pk.column)} = s.hh_id"
        )
        if sliced:
            signals = f"SELECT * FROM ({signals}) c {self._order_by('c')} LIMIT %s OFFSET %s"  # noqa: S608
        table, pk = quote(municipality.db_table), quote(municipality.pk.column)
        code, name = column(municipality, "cbs_code"), column(municipality, "name")
        return (
            "SELECT o.kind_order, o.date, o.n, o.hh_id, o.state, o.hh_ref, o.m_id, "  # noqa: S608
            f"(SELECT m.{code} FROM {table} m WHERE m.{pk} = o.m_id) AS m_code, "
            f"(SELECT m.{name} FROM {table} m WHERE m.{pk} = o.m_id) AS m_name "
            f"FROM ({signals}) o {self._order_by('o')}"
        )

    def _signal(self, row):
        order, date, n, hh_id, state, reference, m_id, m_code, m_name = row
        return Signal(
            kind=KINDS[order],
            household_id=hh_id,
            household_reference=reference,
            municipality_id=m_id,
            municipality_code=m_code,
            municipality_name=m_name,
            date=_as_date(date),
            count=n,
            state=state,
        )

    def _execute(self, sql, params):
        with self._connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    # --- use -----------------------------------------------------------------------------------

    def counts(self):
        """{kind: number of open signals} for the requested kinds, zeros included. One query."""
        if self._counts is None:
            union = self._union()
            rows = []
            if union is not None:
                sql = f"{union[0]}SELECT kind_order, COUNT(*) FROM open_signal GROUP BY kind_order"  # noqa: S608
                rows = self._execute(sql, union[1])
            self._set_counts(rows)
        return dict(self._counts)

    def _set_counts(self, rows):
        found = {KINDS[order]: n for order, n in rows}
        self._counts = {kind: found.get(kind, 0) for kind in self.kinds}

    def count(self):
        return sum(self.counts().values())

    def __getitem__(self, key):
        if isinstance(key, int):
            if key < 0:
                raise IndexError("negative indexing is not supported")
            found = self[key : key + 1]
            if not found:
                raise IndexError(key)
            return found[0]
        start, stop = key.start or 0, key.stop
        if key.step not in (None, 1) or start < 0 or (stop is not None and stop < 0):
            raise ValueError("only forward slices without a step are supported")
        if stop is None:
            return list(self)[start:]
        if self._window and self._window[0] <= start and stop <= self._window[1]:
            window_start, _stop, rows = self._window
            return rows[start - window_start : stop - window_start]
        union = self._union()
        if union is None or stop <= start:
            return []
        sql = f"{union[0]}{self._ordered(sliced=True)}"
        return [self._signal(row) for row in self._execute(sql, (*union[1], stop, stop - start, start))]

    def _fetch_page_and_counts(self, start, stop):
        """One query for the signals [start:stop] and the counts per kind; both are kept."""
        union = self._union()
        if union is None:
            self._set_counts([])
            self._window = (start, stop, [])
            return
        sql = (
            f"{union[0]}SELECT * FROM ("  # noqa: S608
            f"SELECT 0 AS counted, p.* FROM ({self._ordered(sliced=True)}) p UNION ALL "
            "SELECT 1, kind_order, NULL, COUNT(*), NULL, NULL, NULL, NULL, NULL, NULL FROM open_signal "
            f"GROUP BY kind_order) r {self._order_by('r', first='r.counted')}"
        )
        rows = self._execute(sql, (*union[1], stop, stop - start, start))
        self._set_counts([(row[1], row[3]) for row in rows if row[0] == 1])
        self._window = (start, stop, [self._signal(row[1:]) for row in rows if row[0] == 0])

    def prefetch(self, start, stop):
        """Fetch the signals [start:stop] and the counts in one query, for a paginator that counts
        and then slices (the API's); an offset too large for SQL fetches nothing here."""
        if 0 <= start < stop and stop <= _MAX_OFFSET:
            self._fetch_page_and_counts(start, stop)

    def page(self, number, per_page):
        """Page `number` as Django's `Paginator.get_page` gives it (not a whole number → page 1,
        beyond the end → the last page). The rows of the page asked for and the counts come from one
        query, fetched before the Paginator asks; only an out-of-range number costs another."""
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = 1
        if wanted >= 1 and wanted * per_page <= _MAX_OFFSET:  # larger: no page of signals, the last
            self._fetch_page_and_counts((wanted - 1) * per_page, wanted * per_page)
        return Paginator(self, per_page).get_page(number)

    def batches(self, chunk_size=CHUNK_SIZE):
        """Every signal in order, as lists of (at most) `chunk_size`, each one fetch from one
        server-side cursor (as `QuerySet.iterator()`, which also honours DISABLE_SERVER_SIDE_CURSORS)."""
        union = self._union()
        if union is None:
            return
        connection = self._connection
        if connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
            cursor = connection.cursor()
        else:
            cursor = connection.chunked_cursor()
        with cursor:
            cursor.execute(f"{union[0]}{self._ordered()}", union[1])
            while rows := cursor.fetchmany(chunk_size):
                yield [self._signal(row) for row in rows]

    def iterator(self, chunk_size=CHUNK_SIZE):
        """Every signal in order, `chunk_size` rows at a time (see `batches`)."""
        for batch in self.batches(chunk_size):
            yield from batch

    def __iter__(self):
        return self.iterator()


def signal_query(who, kinds=None, *, today=None, municipality_ids=ALL, states=(OPEN,), descending=False):
    """The signals of `kinds` (default: all) for `who` whose state is one of `states` (default: the
    open ones), lazily; see the module docstring."""
    today = today or timezone.localdate()
    return SignalQuery(
        _households(who, municipality_ids), kinds or KINDS, today, states=states, descending=descending
    )


def open_signals(who, kinds=None, *, today=None, municipality_ids=ALL):
    """Every open signal of `kinds` (default: all) for `who` as one list; see the module docstring."""
    return list(signal_query(who, kinds, today=today, municipality_ids=municipality_ids))


def signal_counts(who, *, today=None, municipality_ids=ALL):
    """{kind: number of open signals} for every kind (handled and snoozed ones left out). One query."""
    return signal_query(who, today=today, municipality_ids=municipality_ids).counts()


def signal_of(household, kind, *, today=None):
    """The signal of `kind` for `household` as it stands today, or None when it has none (whatever
    its state). Its date is what a *handled* state is recorded with."""
    if kind not in _QUERIES:
        return None
    today = today or timezone.localdate()
    households = Household.objects.filter(pk=household.pk).active()
    found = SignalQuery(households, [kind], today, states=STATES)[:1]
    return found[0] if found else None
