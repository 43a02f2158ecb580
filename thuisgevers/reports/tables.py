"""Rows of the quota, region and signals reports (SPEC §8).

The numbers come from `thuisgevers.figures` and the open signals from `thuisgevers.signals`, the
same modules the dashboard uses, so an export always agrees with the screen. This module only
turns their results into rows in the stable column order of the Dutch headers.
"""

from accesslog.log import log_access
from thuisgevers import figures, signals

QUOTA_HEADER = (
    "gemeentecode",
    "gemeente",
    "periode",
    "taakstelling",
    "achterstand_vorige_periode",
    "gerealiseerd",
    "tijdelijk_gehuisvest",
    "nog_te_huisvesten",
    "werkelijke_opgave",
)
REGION_HEADER = ("gemeentecode", "gemeente", "taakstelling", "aandeel", "bijdrage", "afwijking")
REGION_PERCENT_COLUMNS = (3, 4, 5)
SIGNALS_HEADER = ("soort", "signaal", "huishouden", "gemeentecode", "gemeente", "datum", "aantal_bewoners")
SIGNALS_PURPOSE = "report_signals"
HOUSEHOLD_LABEL = "residents.household"
LOG_BATCH = 2000


def quota_rows(report_scope):
    for row in figures.municipality_figures(report_scope.period, report_scope.municipality_ids):
        yield (
            row.cbs_code,
            row.name,
            str(row.period),
            row.target,
            row.carried_over,
            row.realised,
            row.temporary,
            row.remaining,
            row.actual_task,
        )


def region_rows(region, period):
    for member in figures.region_figures(region, period).members:
        yield (
            member.cbs_code,
            member.name,
            member.target,
            member.share,
            member.contribution,
            member.deviation,
        )


def signal_rows(request, report_scope, *, log_batch=LOG_BATCH):
    """Signals open on the period's reference date (today for the current period), for the
    households the user may see; narrowed to households linked to the chosen municipality or
    region. Streamed in display order from one query (`signals.signal_query`); before each batch of
    `log_batch` rows leaves, its households not logged yet are written to the access log — so every
    household exported is logged once, and never after its row was sent."""
    municipality_ids = report_scope.municipalities.values("pk") if report_scope.filtered else figures.ALL
    found = signals.signal_query(
        request.user, today=report_scope.period.reference_date(), municipality_ids=municipality_ids
    )
    labels = {kind: str(label) for kind, label in signals.KIND_LABELS.items()}  # translated once
    logged = set()  # household ids: a few MB at national scale, where the rows would be far more
    batch = []
    for signal in found.iterator(chunk_size=log_batch):
        batch.append(signal)
        if len(batch) >= log_batch:
            yield from _logged_rows(request, batch, logged, labels)
            batch = []
    if batch:
        yield from _logged_rows(request, batch, logged, labels)


def _logged_rows(request, batch, logged, labels):
    subjects = {}
    for signal in batch:
        if signal.household_id not in logged:
            subjects[signal.household_id] = (HOUSEHOLD_LABEL, signal.household_id, signal.household_reference)
    if subjects:
        log_access(request, "export", subjects.values(), purpose=SIGNALS_PURPOSE)
        logged.update(subjects)
    for signal in batch:
        yield (
            signal.kind,
            labels[signal.kind],
            signal.household_reference,
            signal.municipality_code,
            signal.municipality_name,
            signal.date,
            signal.count,
        )
