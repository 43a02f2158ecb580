"""Half-year periods (SPEC §3)."""

import datetime as dt

import pytest
from django.utils import translation

from housing.periods import Period


def test_parse_reads_year_and_half():
    assert Period.parse("2026-H2") == Period(2026, 2)
    assert Period.parse(" 2027-H1 ") == Period(2027, 1)


@pytest.mark.parametrize("value", ["2026-H3", "2026H2", "26-H1", "", None, "1999-H1", "2026-h2"])
def test_parse_refuses_anything_else_with_a_dutch_message(value):
    with translation.override("nl"), pytest.raises(ValueError, match="2026-H2"):
        Period.parse(value)


def test_first_half_runs_january_to_june():
    period = Period(2026, 1)
    assert (period.start, period.end, period.next_start) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 6, 30),
        dt.date(2026, 7, 1),
    )


def test_second_half_runs_july_to_december():
    period = Period(2026, 2)
    assert (period.start, period.end, period.next_start) == (
        dt.date(2026, 7, 1),
        dt.date(2026, 12, 31),
        dt.date(2027, 1, 1),
    )


def test_containing_finds_the_half_year_of_a_day():
    assert Period.containing(dt.date(2026, 6, 30)) == Period(2026, 1)
    assert Period.containing(dt.date(2026, 7, 1)) == Period(2026, 2)


def test_next_and_previous_cross_the_year():
    assert Period(2026, 2).next() == Period(2027, 1)
    assert Period(2027, 1).previous() == Period(2026, 2)
    assert Period(2026, 1).next() == Period(2026, 2)


def test_reference_date_is_today_for_current_and_last_day_for_past_period():
    today = dt.date(2026, 11, 28)
    assert Period(2026, 2).reference_date(today) == today
    assert Period(2026, 1).reference_date(today) == dt.date(2026, 6, 30)


def test_periods_sort_in_time_and_print_as_code():
    assert sorted([Period(2027, 1), Period(2026, 2), Period(2026, 1)])[0] == Period(2026, 1)
    assert str(Period(2026, 2)) == "2026-H2"
