"""The placements export (SPEC §8): one row per resident's placement, pseudonymous references only.

Rows come from one `values_list` query read with `.iterator()` (a server-side cursor on PostgreSQL,
chunked fetches on SQLite), so memory does not grow with the number of placements.

Access logging (SPEC §5, NEN 7513): the data subject of a row is the resident. Rows are sent in
batches of `LOG_BATCH` rows; before a batch leaves the server, one bulk insert logs its residents
(each resident once per batch; rows are ordered by resident, so a resident with several placements
is logged once). A download that the client aborts half-way is thus logged for exactly the rows
that were produced, and the log never lags behind what was sent.
"""

from django.db.models import Q

from accesslog.log import log_access
from residents.models import Placement

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
LOG_BATCH = 2000
CHUNK_SIZE = 2000
PURPOSE = "report_placements"
RESIDENT_LABEL = "residents.resident"

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


def placements_queryset(user, report_scope):
    """Placements the user may see that share at least one day with the period.

    With a municipality or region filter, a placement is in when its household is linked to one of
    those municipalities or its property lies in one (the same rule as `Household.visible_to`).
    """
    period = report_scope.period
    qs = Placement.objects.visible_to(user).overlapping(period.start, period.next_start)
    if report_scope.filtered:
        ids = report_scope.municipalities.values("pk")
        qs = qs.filter(Q(resident__household__municipality__in=ids) | Q(property__municipality__in=ids))
    return qs.order_by(
        "resident__household__municipality__cbs_code",
        "resident__household__reference",
        "resident__reference",
        "start_date",
        "pk",
    ).values_list(*_FIELDS)


def logged_rows(request, queryset, *, log_batch=LOG_BATCH, chunk_size=CHUNK_SIZE):
    """Yield export rows, logging each batch's residents before the batch is handed out."""
    batch = []
    for row in queryset.iterator(chunk_size=chunk_size):
        batch.append(row)
        if len(batch) >= log_batch:
            yield from _flush(request, batch)
            batch = []
    if batch:
        yield from _flush(request, batch)


def _flush(request, batch):
    log_access(
        request,
        "export",
        ((RESIDENT_LABEL, row[-1], row[1]) for row in batch),
        purpose=PURPOSE,
    )
    for row in batch:
        yield row[:-1]
