"""Rows of the quota, region and signals reports (SPEC §8).

The numbers come from `figures.figures` and the open signals from `figures.signals`, the
same modules the dashboard uses, so an export always agrees with the screen. This module only
turns their results into rows in the stable column order of the Dutch headers.

The signals report is personal data: its rows are streamed in batches from one query (memory stays
flat) and each batch's households are written to the access log before the batch leaves
(`signal_batches`); CSV goes batch by batch through `exports.csv_batch_response`, XLSX row by row.
"""

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accesslog.log import log_access_query
from figures import figures, signals, wording
from reports.exports import neutralise
from residents.models import Household

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
# taakstelling is the quota the figures use (the agreed one after an art. 29(2) redistribution);
# wettelijke_taakstelling the art. 29 quota beside it (empty when the quota was entered by hand).
REGION_HEADER = (
    "gemeentecode",
    "gemeente",
    "taakstelling",
    "aandeel",
    "bijdrage",
    "afwijking",
    "wettelijke_taakstelling",
)
REGION_PERCENT_COLUMNS = (3, 4, 5)
SUPERVISION_HEADER = (
    "gemeentecode",
    "gemeente",
    "provincie",
    "peildatum",
    "periode",
    "taakstelling",
    "achterstand_vorige_periode",
    "gerealiseerd",
    "positie",
    "gemist",
    "achtereenvolgend_gemist",
    "escalatiestap",
)
SIGNALS_HEADER = ("soort", "signaal", "huishouden", "gemeentecode", "gemeente", "datum", "aantal_bewoners")
SIGNALS_PURPOSE = "report_signals"
LOG_BATCH = 2000


def about_rows(title, period, *, definitions=True, scope=""):
    """The "Toelichting" sheet of an XLSX export: what it is, its period and reference date, when it
    was made and (for the figure reports) the definitions of the figures (figures.wording)."""
    rows = [
        (_("Report"), title),
        (_("Period"), f"{capfirst(period.label)} ({period})"),
        (_("Reference date"), period.reference_date()),
        (_("Made on"), timezone.localtime().replace(tzinfo=None, microsecond=0)),
    ]
    if scope:
        rows.append((_("Municipalities"), scope))
    if definitions:
        rows.append(("", ""))
        rows.append((_("What the figures mean"), ""))
        rows.extend(wording.definitions())
    return rows


def quota_rows(selection):
    for row in figures.municipality_figures(selection.period, selection.municipality_ids):
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
            member.statutory_target,
        )


def supervision_rows(rows):
    """One row per municipality and past checkpoint (newest first), from figures.supervision."""
    for row in rows:
        for checkpoint in row.checkpoints:
            f = checkpoint.figures
            yield (
                row.cbs_code,
                row.name,
                row.province,
                checkpoint.day.isoformat(),
                str(checkpoint.period),
                f.target if f else None,
                f.carried_over if f else None,
                f.realised if f else None,
                checkpoint.position,
                ("ja" if checkpoint.missed else "nee") if f else None,
                row.consecutive_misses,
                row.step or "",
            )


def signal_batches(request, selection, *, batch_size=LOG_BATCH):
    """Lists of the open signals for the signals report, in display order.

    Signals open on the period's reference date (today for the current period), for the households
    the user may see; narrowed to households linked to the chosen municipality or region. Read from
    one query (`signals.signal_query`) `batch_size` at a time; before a batch is handed out, its
    households not logged yet are written to the access log in one INSERT … SELECT — so every
    household exported is logged once, and never after a row showing it was sent."""
    found = signals.signal_query(
        request.user, today=selection.period.reference_date(), municipality_ids=selection.chosen_ids
    )
    logged = set()  # household ids: a few MB at national scale, where the rows would be far more
    for batch in found.batches(batch_size):
        _log_households(request, batch, logged)
        yield batch


def _log_households(request, batch, logged):
    new = {signal.household_id for signal in batch} - logged
    if new:
        log_access_query(request, "export", Household.objects.filter(pk__in=new), purpose=SIGNALS_PURPOSE)
        logged |= new


def _labels():
    """The kinds' labels in the request's language, translated once per export."""
    return {kind: neutralise(str(label)) for kind, label in signals.KIND_LABELS.items()}


def _signal_row(signal, labels, municipality_name):
    return (
        signal.kind,
        labels[signal.kind],
        signal.household_reference,
        signal.municipality_code,
        municipality_name,
        signal.date,
        signal.count,
    )


def signal_rows(request, selection, *, batch_size=LOG_BATCH):
    """Rows of the signals report (typed: dates and ints), logged batch by batch."""
    labels = _labels()
    for batch in signal_batches(request, selection, batch_size=batch_size):
        for signal in batch:
            yield _signal_row(signal, labels, signal.municipality_name)


def signal_csv_batches(request, selection, *, batch_size=LOG_BATCH):
    """Lists of CSV rows for `exports.csv_batch_response`, logged batch by batch: the cells are
    those `signal_rows` gives, with the one free text (the municipality name) neutralised."""
    labels = _labels()
    for batch in signal_batches(request, selection, batch_size=batch_size):
        yield [_signal_row(signal, labels, neutralise(signal.municipality_name)) for signal in batch]
