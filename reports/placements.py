"""The placements export (SPEC §8): one row per resident's placement, pseudonymous references only.

Rows are read with one query on a plain database cursor (`chunked_cursor`: a server-side cursor on
PostgreSQL, chunked fetches on SQLite), `BATCH_SIZE` rows at a time, so memory does not grow with the
number of placements. The ORM only compiles the query: its per-row conversion is skipped, the rows
are the database driver's tuples (text, dates, None).

Access logging (SPEC §5, NEN 7513): the data subject of a row is the resident. Before the first row
leaves the server, one `INSERT … SELECT` logs every resident of the export once, in the transaction
that opens the cursor on the rows (see `logged_batches`; on PostgreSQL the export's join runs once,
into a temporary table that the log and the cursor read). A
download that the client aborts half-way is therefore logged for all its rows, not only for those
it received: the log errs on the side of accountability and never lags behind what was sent.

CSV (`csv_batches`) hands `exports.csv_batch_response` the fetched batches as they are, with no
Python per row: dates and None are written by the csv module as ISO dates and empty cells, and the
free text that users type (property name, extension reason) is neutralised by the database
(`exports.neutralised`, the rule of `neutralise`); references, codes and choice values cannot
start with a formula character. The output is byte for byte what the generic `csv_lines` writes
for the same rows (tested). XLSX takes the typed rows of `logged_rows`.
"""

import itertools

from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction

from accesslog.log import log_access_query, log_access_sql
from reports.exports import neutralised
from residents.models import Placement, Resident

HEADER = (
    "huishouden",
    "bewoner",
    "categorie",
    "gemeentecode",
    "woonlocatie",
    "locatie_gemeentecode",
    "soort",
    "start",
    "geplande_einde",
    "einde",
    "verlengingsreden",
    "uitstroom",
)
BATCH_SIZE = 2000
PURPOSE = "report_placements"
_tables = itertools.count()  # a name per materialised export, as one transaction may hold two

_FIELDS = (
    "resident__household__reference",
    "resident__reference",
    "resident__household__category",
    "resident__household__municipality__cbs_code",
    "property__name",
    "property__municipality__cbs_code",
    "kind",
    "start_date",
    "planned_end",
    "end_date",
    "extension_reason",
    "outflow",
    "resident_id",  # for the access log; not exported
)
FREE_TEXT = ("property__name", "extension_reason")  # typed by users: neutralised in the CSV


def placements_queryset(user, selection):
    """Placements the user may see that share at least one day with the period.

    With a municipality or region filter, a placement is in when its household is linked to one of
    those municipalities or its property lies in one (the same rule as `Household.visible_to`). The
    two ways in are a union of placement ids: each side reads its own indexes, where an OR across
    the household and property joins made PostgreSQL join every placement first.
    """
    period = selection.period
    qs = Placement.objects.visible_to(user).overlapping(period.start, period.next_start)
    if selection.filtered:
        ids = selection.municipality_ids
        linked = Placement.objects.filter(resident__household__municipality__in=ids)
        located = Placement.objects.filter(property__municipality__in=ids)
        qs = qs.filter(pk__in=linked.order_by().values("pk").union(located.order_by().values("pk")))
    return qs.order_by(
        "resident__household__municipality__cbs_code",
        "resident__household__reference",
        "resident__reference",
        "start_date",
        "pk",
    ).values_list(*_FIELDS)


def logged_batches(request, queryset, *, batch_size=BATCH_SIZE, resident_id=True):
    """Yield lists of rows of `placements_queryset` (resident id last), after logging every resident.

    One transaction logs the residents and opens the cursor on the rows, so the log is committed
    before the first row is fetched and names exactly the residents whose rows are sent. The rows
    are then fetched `batch_size` at a time. With `resident_id=False` the rows leave the resident
    id out (on PostgreSQL the cursor does not select it).
    """
    connection = connections[queryset.db]
    try:
        sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:
        return
    # Created in autocommit mode, this is a WITH HOLD cursor on PostgreSQL: it outlives the
    # transaction below, which computes all its rows when it commits.
    cursor = connection.chunked_cursor()
    try:
        with transaction.atomic(using=queryset.db):
            if connection.vendor == "postgresql":
                _log_and_open_materialised(request, queryset, cursor, sql, params, resident_id)
            else:
                _log_and_open(request, queryset, cursor, sql, params)
        keep_all = resident_id or connection.vendor == "postgresql"
        while batch := cursor.fetchmany(batch_size):
            yield batch if keep_all else [row[:-1] for row in batch]
    finally:
        cursor.close()


def _log_and_open_materialised(request, queryset, cursor, sql, params, with_resident_id):
    """PostgreSQL: the export's join runs once. Its rows, in export order, go into a temporary table
    of this transaction; the log names the residents of that table (one INSERT … SELECT) and the
    cursor reads the same table, so log and rows are one snapshot whatever the isolation level. At
    commit the held cursor keeps its rows and the table is dropped.

    The cursor reads the table without ORDER BY: a temporary table just filled by one statement
    and never changed is read back in the order it was written (a sequential scan of local buffers
    is never parallel or synchronised with another scan); tests compare the output with the ordered
    query's.
    """
    connection = connections[queryset.db]
    quote = connection.ops.quote_name
    table = quote(f"export_rows_{next(_tables)}")
    # values_list() names each column after its field (placements_queryset ends with resident_id).
    resident_id, reference = quote("resident_id"), quote("resident__reference")
    # `_fields`: the names given to values_list(), which are the columns' names.
    columns = "*" if with_resident_id else ", ".join(quote(name) for name in queryset._fields[:-1])
    with connection.cursor() as session:
        session.execute(f"CREATE TEMPORARY TABLE {table} ON COMMIT DROP AS {sql}", params)
    log_access_sql(
        request,
        "export",
        Resident,
        f"SELECT DISTINCT {resident_id}, {reference} FROM {table} ORDER BY {resident_id}",  # noqa: S608
        purpose=PURPOSE,
    )
    cursor.execute(f"SELECT {columns} FROM {table}")  # noqa: S608


def _log_and_open(request, queryset, cursor, sql, params):
    """Elsewhere (SQLite) the log finds the residents with the export's own join; a SQLite
    transaction reads one snapshot, so both statements see the same placements."""
    residents = Resident.objects.filter(pk__in=queryset.values("resident_id"))
    log_access_query(request, "export", residents, purpose=PURPOSE)
    cursor.execute(sql, params)


def logged_rows(request, queryset, *, batch_size=BATCH_SIZE):
    """Yield export rows (typed values, without the resident id); see `logged_batches`."""
    for batch in logged_batches(request, queryset, batch_size=batch_size):
        for row in batch:
            yield row[:-1]


def _csv_name(field):
    return "csv_" + field.replace("__", "_")


def csv_batches(request, queryset, *, batch_size=BATCH_SIZE):
    """Yield lists of CSV rows (see the module docstring); see `logged_batches`."""
    cells = {_csv_name(name): neutralised(name) for name in FREE_TEXT}
    fields = [_csv_name(name) if name in FREE_TEXT else name for name in _FIELDS]
    queryset = queryset.annotate(**cells).values_list(*fields)
    yield from logged_batches(request, queryset, batch_size=batch_size, resident_id=False)
