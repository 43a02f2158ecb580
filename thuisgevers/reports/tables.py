"""Rows of the quota, region and signals reports (SPEC §8).

The numbers come from `thuisgevers.figures` and the open signals from `thuisgevers.signals`, the
same modules the dashboard uses, so an export always agrees with the screen. This module only
turns their results into rows in the stable column order of the Dutch headers.
"""

from thuisgevers import figures

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
SIGNALS_HEADER = ("soort", "signaal", "huishouden", "gemeentecode", "gemeente", "datum", "toelichting")


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
    raise NotImplementedError
