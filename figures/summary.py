"""The per-resident summary the SPEC §6 figures are counted from, kept up to date by the database.

Computing the figures from the placements means grouping every placement by resident (each
resident's first counting start, temporary on the reference date) before grouping by municipality:
~250 ms for the 143,000 placements of the national data, on every page right after a change. The
summary keeps what that first grouping yields, per resident, in two narrow tables:

- ``ResidentFigure``: one row per resident with at least one placement: the household's
  municipality and the first start date of each placement kind (``first_har``, ``first_transit``,
  ``first_permanent``), plus the latest of those (``latest_first``, so "first counting start in
  this window" can use an index: the first counting start is never later than it).
- ``TemporaryFigure``: one row per temporary placement (``Placement.TEMPORARY_KINDS``): resident,
  municipality, start, end (``9999-12-31`` while open) and the resident's first starts again.

The first start is kept *per kind*, so the summary does not depend on ``QUOTA_COUNTING_KINDS``: the
figures take the earliest of the counting kinds when they read it (``first_counting_sql``), and a
changed setting needs no rebuild. Whether a resident is temporary on a reference date is not
stored either: the reference date of the current period is today, so that value changes with the
date; the figures count the temporary stretches that cover the date.

**Kept up to date by triggers**, in the transaction of the change, whatever makes it: the services,
the admin, the API, imports, a bulk insert (``COPY`` of the national data), a queryset ``update`` or
SQL typed by an administrator. On PostgreSQL the triggers are per statement with transition
tables (a bulk insert refreshes all its residents in one pass); on SQLite per row. Both run the same
four statements (``refresh_statements``): delete the residents' summary rows, insert them again from
their placements. Triggers fire on:

- a placement inserted, changed or deleted (its resident, before and after);
- a household whose municipality changes (its residents);
- a resident moved to another household.

``rebuild()`` recomputes everything (the migration that created the tables, ``manage.py
rebuild_figure_summary`` after a restore from an old backup); ``differences()`` compares the
tables with a fresh computation, which tests/figures/test_summary.py runs after random changes.
Changing ``Placement.TEMPORARY_KINDS`` or the kinds needs a migration that recreates the triggers
(``install``) and rebuilds.
"""

from django.db import connection, connections, transaction

from residents.models import Household, Placement, Resident

KINDS = tuple(Placement.Kind.values)
OPEN_END = "9999-12-31"  # the end of a placement that has not ended: sorts after every real date

_RESIDENT = "figures_residentfigure"
_TEMPORARY = "figures_temporaryfigure"
_PLACEMENT = Placement._meta.db_table
_HOUSEHOLD = Household._meta.db_table
_RESIDENT_TABLE = Resident._meta.db_table


def _quoted(values):
    return ", ".join(f"'{value}'" for value in values)  # code constants (kind names), never input


def least_sql(columns):
    """Portable SQL for the earliest non-null of `columns` (NULL if all are): PostgreSQL's LEAST
    ignores NULLs, SQLite's MIN(a, b) does not, so this is spelled out."""
    first, *rest = columns
    if not rest:
        return first
    other = least_sql(rest)
    return (
        f"(CASE WHEN {first} IS NULL THEN {other} "
        f"WHEN {other} IS NULL OR {first} < {other} THEN {first} ELSE {other} END)"
    )


def greatest_sql(columns):
    """Portable SQL for the latest non-null of `columns`."""
    first, *rest = columns
    if not rest:
        return first
    other = greatest_sql(rest)
    return (
        f"(CASE WHEN {first} IS NULL THEN {other} "
        f"WHEN {other} IS NULL OR {first} > {other} THEN {first} ELSE {other} END)"
    )


def first_counting_sql(counting_kinds, alias=""):
    """SQL for a summary row's first counting start, given the counting kinds (the setting)."""
    prefix = f"{alias}." if alias else ""
    kinds = [str(kind) for kind in counting_kinds if str(kind) in KINDS]
    if not kinds:
        return "NULL"
    return least_sql([f"{prefix}first_{kind}" for kind in kinds])


def refresh_statements(residents=None):
    """The four statements that bring the summary of `residents` (SQL yielding resident ids, for
    ``resident_id IN (…)``; None: every resident) in line with their placements."""
    only = f" WHERE resident_id IN ({residents})" if residents else ""
    only_r = f" WHERE r.id IN ({residents})" if residents else ""
    only_p = f" AND p.resident_id IN ({residents})" if residents else ""
    firsts = ", ".join(f"first_{kind}" for kind in KINDS)
    per_kind = ", ".join(
        f"MIN(CASE WHEN p.kind = '{kind}' THEN p.start_date END) AS first_{kind}" for kind in KINDS
    )
    latest = greatest_sql([f"first_{kind}" for kind in KINDS])
    return [
        f"DELETE FROM {_TEMPORARY}{only}",  # noqa: S608 - table names and code constants only
        f"DELETE FROM {_RESIDENT}{only}",  # noqa: S608
        f"INSERT INTO {_RESIDENT} (resident_id, municipality_id, {firsts}, latest_first) "  # noqa: S608
        f"SELECT resident_id, municipality_id, {firsts}, {latest} FROM ("
        f"SELECT r.id AS resident_id, h.municipality_id AS municipality_id, {per_kind} "
        f"FROM {_RESIDENT_TABLE} r JOIN {_HOUSEHOLD} h ON h.id = r.household_id "
        f"JOIN {_PLACEMENT} p ON p.resident_id = r.id{only_r} "
        f"GROUP BY r.id, h.municipality_id) per_resident",
        f"INSERT INTO {_TEMPORARY} "  # noqa: S608
        f"(placement_id, resident_id, municipality_id, start_date, end_until, {firsts}) "
        f"SELECT p.id, p.resident_id, f.municipality_id, p.start_date, COALESCE(p.end_date, '{OPEN_END}'), "
        + ", ".join(f"f.first_{kind}" for kind in KINDS)
        + f" FROM {_PLACEMENT} p JOIN {_RESIDENT} f ON f.resident_id = p.resident_id "
        f"WHERE p.kind IN ({_quoted(Placement.TEMPORARY_KINDS)}){only_p}",
    ]


# PostgreSQL: one function that refreshes an array of residents, and statement-level triggers that
# hand it the residents a statement touched (transition tables: a COPY of 143,000 placements is one
# refresh). Transition tables cannot be combined with a column list, so the household and resident
# triggers fire on every update and pick out the rows whose municipality or household changed.
# Two transactions refreshing the same resident at once (a household moving municipality while a
# placement of one of its residents is saved) must not both delete the old rows and insert new ones:
# the second would find the first's rows after it commits (a duplicate key) or miss them. So the
# function first locks the residents' rows, in id order; the statements after the lock see what the
# other transaction committed (READ COMMITTED takes a snapshot per statement). NO KEY UPDATE, so a
# placement insert elsewhere (its foreign key takes KEY SHARE on the resident) is not held up.
_PG_REFRESH = (
    "CREATE OR REPLACE FUNCTION figures_refresh_residents(ids bigint[]) RETURNS void AS $$\n"
    "BEGIN\n"
    "    IF cardinality(ids) = 0 THEN RETURN; END IF;  -- e.g. a household saved, municipality unchanged\n"
    f"    PERFORM 1 FROM {_RESIDENT_TABLE} WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;\n"
    + "".join(f"    {statement};\n" for statement in refresh_statements("SELECT unnest(ids)"))
    + "END;\n$$ LANGUAGE plpgsql;\n"
)
_PG_TRIGGER_FUNCTIONS = {
    "figures_placement_changed": """
    IF TG_OP = 'INSERT' THEN
        PERFORM figures_refresh_residents(ARRAY(SELECT DISTINCT resident_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM figures_refresh_residents(ARRAY(SELECT DISTINCT resident_id FROM old_rows));
    ELSE
        PERFORM figures_refresh_residents(
            ARRAY(SELECT resident_id FROM new_rows UNION SELECT resident_id FROM old_rows));
    END IF;""",
    "figures_household_changed": f"""
    PERFORM figures_refresh_residents(ARRAY(
        SELECT r.id FROM {_RESIDENT_TABLE} r JOIN new_rows n ON n.id = r.household_id
        JOIN old_rows o ON o.id = n.id WHERE o.municipality_id IS DISTINCT FROM n.municipality_id));""",  # noqa: S608
    "figures_resident_changed": """
    PERFORM figures_refresh_residents(ARRAY(
        SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE o.household_id IS DISTINCT FROM n.household_id));""",
}
_PG_TRIGGERS = [
    # (trigger, table, event, transition tables, function)
    ("figures_placement_insert", _PLACEMENT, "INSERT", "NEW TABLE AS new_rows", "figures_placement_changed"),
    (
        "figures_placement_update",
        _PLACEMENT,
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "figures_placement_changed",
    ),
    ("figures_placement_delete", _PLACEMENT, "DELETE", "OLD TABLE AS old_rows", "figures_placement_changed"),
    (
        "figures_household_update",
        _HOUSEHOLD,
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "figures_household_changed",
    ),
    (
        "figures_resident_update",
        _RESIDENT_TABLE,
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "figures_resident_changed",
    ),
]

# SQLite: row-level triggers running the same statements for the row's resident(s).
_SQLITE_TRIGGERS = [
    # (trigger, event and table, condition, residents)
    ("figures_placement_insert", f"INSERT ON {_PLACEMENT}", "", "NEW.resident_id"),
    ("figures_placement_update", f"UPDATE ON {_PLACEMENT}", "", "OLD.resident_id, NEW.resident_id"),
    ("figures_placement_delete", f"DELETE ON {_PLACEMENT}", "", "OLD.resident_id"),
    (
        "figures_household_update",
        f"UPDATE OF municipality_id ON {_HOUSEHOLD}",
        "WHEN OLD.municipality_id IS NOT NEW.municipality_id",
        f"SELECT id FROM {_RESIDENT_TABLE} WHERE household_id = NEW.id",  # noqa: S608
    ),
    (
        "figures_resident_update",
        f"UPDATE OF household_id ON {_RESIDENT_TABLE}",
        "WHEN OLD.household_id IS NOT NEW.household_id",
        "NEW.id",
    ),
]


def install_statements(vendor):
    """The statements that create (or replace) the triggers on `vendor`'s database."""
    if vendor == "postgresql":
        statements = [_PG_REFRESH]
        for name, body in _PG_TRIGGER_FUNCTIONS.items():
            statements.append(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$\nBEGIN{body}\n"
                "    RETURN NULL;\nEND;\n$$ LANGUAGE plpgsql;"
            )
        for trigger, table, event, transition, function in _PG_TRIGGERS:
            statements.append(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
            statements.append(
                f"CREATE TRIGGER {trigger} AFTER {event} ON {table} REFERENCING {transition} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )
        return statements
    statements = []
    for trigger, event, condition, residents in _SQLITE_TRIGGERS:
        body = "".join(f"    {statement};\n" for statement in refresh_statements(residents))
        statements.append(f"DROP TRIGGER IF EXISTS {trigger}")
        statements.append(
            f"CREATE TRIGGER {trigger} AFTER {event} FOR EACH ROW {condition}\nBEGIN\n{body}END"
        )
    return statements


def uninstall_statements(vendor):
    if vendor == "postgresql":
        statements = [f"DROP TRIGGER IF EXISTS {trigger} ON {table}" for trigger, table, *_ in _PG_TRIGGERS]
        statements += [f"DROP FUNCTION IF EXISTS {name}()" for name in _PG_TRIGGER_FUNCTIONS]
        return [*statements, "DROP FUNCTION IF EXISTS figures_refresh_residents(bigint[])"]
    return [f"DROP TRIGGER IF EXISTS {trigger}" for trigger, *_ in _SQLITE_TRIGGERS]


def install(schema_editor):
    """Create the triggers (migrations)."""
    for statement in install_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


def uninstall(schema_editor):
    for statement in uninstall_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


def rebuild(using=None):
    """Recompute the whole summary from the placements. 4 statements; ~2 s for the national data."""
    with connections[using or "default"].cursor() as cursor:
        for statement in refresh_statements():
            cursor.execute(statement)


_COLUMNS = {
    _RESIDENT: ("resident_id", "municipality_id", *(f"first_{kind}" for kind in KINDS), "latest_first"),
    _TEMPORARY: (
        "placement_id",
        "resident_id",
        "municipality_id",
        "start_date",
        "end_until",
        *(f"first_{kind}" for kind in KINDS),
    ),
}


def _contents(cursor, table):
    columns = _COLUMNS[table]
    cursor.execute(f"SELECT {', '.join(columns)} FROM {table}")  # noqa: S608 - constants only
    return {tuple(str(value) if value is not None else None for value in row) for row in cursor.fetchall()}


def differences():
    """Rows in which the stored summary differs from one computed afresh now: {table: (stored
    only, fresh only)} for the tables that differ; empty when it is up to date. Computes the fresh
    one inside a savepoint that is rolled back, so nothing changes."""
    result = {}
    with connection.cursor() as cursor:
        stored = {table: _contents(cursor, table) for table in _COLUMNS}
        with transaction.atomic():
            rebuild()
            fresh = {table: _contents(cursor, table) for table in _COLUMNS}
            transaction.set_rollback(True)
    for table in _COLUMNS:
        if stored[table] != fresh[table]:
            result[table] = (stored[table] - fresh[table], fresh[table] - stored[table])
    return result
