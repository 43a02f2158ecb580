"""Rows of the forecast exports (issue 16): the 12-month forecast and the projected checkpoints.

The numbers come from `figures.forecast`, the same computation the dashboard and the municipality
page show, so an export agrees with the screen. The forecast holds aggregates only (persons, places
and family members counted per municipality and month), no personal data: like the quota report it
is a figures export and is not written to the access log.
"""

from decimal import Decimal

from figures.forecast import forecast

MONTHS_HEADER = (
    "gemeentecode",
    "gemeente",
    "maand",
    "vanaf",
    "tot_en_met",
    "tijdelijk_verblijf_eindigt",
    "plekken_beschikbaar",
    "plaatsingen_gepland",
    "nareis_verwacht",
)
CHECKPOINTS_HEADER = (
    "gemeentecode",
    "gemeente",
    "peildatum",
    "periode",
    "taakstelling",
    "achterstand_vorige_periode",
    "gerealiseerd_tot_nu",
    "tempo_per_maand",
    "verwacht_tot_peildatum",
    "verwacht_gerealiseerd",
    "positie",
    "tekort",
    "toelichting",
)


def selection_forecast(selection, today=None):
    """The forecast of the selection's municipalities (8 queries)."""
    return forecast(selection.municipality_ids, today=today)


def month_rows(result):
    """One row per municipality and month, the current month first."""
    for row in result.municipalities:
        for month in row.months:
            yield (
                row.cbs_code,
                row.name,
                month.month.strftime("%Y-%m"),
                month.start,
                month.end,
                month.temporary_ending,
                month.places_coming,
                month.planned_persons,
                month.reunification,
            )


def checkpoint_rows(result):
    """One row per municipality and checkpoint; the figures are empty without a quota."""
    for row in result.municipalities:
        for checkpoint in row.checkpoints:
            quota = checkpoint.has_quota
            yield (
                row.cbs_code,
                row.name,
                checkpoint.day,
                str(checkpoint.period),
                checkpoint.target if quota else None,
                checkpoint.carried_over if quota else None,
                checkpoint.realised if quota else None,
                _decimal(row.pace),
                checkpoint.expected if quota else None,
                checkpoint.projected if quota else None,
                checkpoint.position,
                checkpoint.shortfall if quota else None,
                checkpoint.sentence,
            )


def _decimal(fraction):
    """A Fraction as a Decimal of two places (a CSV cell "0,5", a number in XLSX)."""
    return (Decimal(fraction.numerator) / Decimal(fraction.denominator)).quantize(Decimal("0.01"))
