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


def signal_rows(request, report_scope):
    """Signals open on the period's reference date (today for the current period), for the
    households the user may see; narrowed to households linked to the chosen municipality or
    region. The households are written to the access log before the first row leaves."""
    municipality_ids = report_scope.municipalities.values("pk") if report_scope.filtered else figures.ALL
    open_now = signals.open_signals(
        request.user, today=report_scope.period.reference_date(), municipality_ids=municipality_ids
    )
    log_access(
        request,
        "export",
        ((HOUSEHOLD_LABEL, s.household_id, s.household_reference) for s in open_now),
        purpose=SIGNALS_PURPOSE,
    )
    for signal in open_now:
        yield (
            signal.kind,
            str(signal.label),
            signal.household_reference,
            signal.municipality_code,
            signal.municipality_name,
            signal.date,
            signal.count,
        )
