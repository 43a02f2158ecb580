"""Each SPEC §7 signal appears, and disappears once the record is fixed. Today is 2026-10-15."""

import datetime as dt
from collections import Counter

import pytest
from django.core.paginator import Paginator
from django.db import connection

from figures import figures, signals
from figures.signals import BEYOND_MAXIMUM, CARE_GAP, ENDING_SOON, KINDS, NO_BUDDY, REUNIFICATION
from housing.scope import ALL
from residents.models import Household, Placement, Resident, add_months
from tests.factories import (
    GRONINGEN,
    UTRECHT,
    BuddyMatchFactory,
    HouseholdFactory,
    PlacementFactory,
    PropertyFactory,
    ResidentFactory,
    municipality,
)
from tests.figures.signals_helpers import old_open_signals

TODAY = dt.date(2026, 10, 15)


def insured(**kwargs):
    return {
        "gp_practice": "Huisartsenpraktijk Oost",
        "health_insurance": Resident.Insurance.INSURED,
        **kwargs,
    }


def kinds_of(who, kind, **kwargs):
    return signals.open_signals(who, [kind], today=TODAY, **kwargs)


@pytest.fixture
def household(db):
    return HouseholdFactory()


def test_care_gap_until_gp_and_insurance_are_recorded(household, staff_groningen):
    without_gp = ResidentFactory(household=household, **insured(gp_practice=""))
    applied = ResidentFactory(household=household, **insured(health_insurance=Resident.Insurance.APPLIED))
    fine = ResidentFactory(household=household, **insured())
    for resident in (without_gp, applied, fine):
        PlacementFactory(resident=resident, kind="har", start_date=dt.date(2026, 9, 1))
    (signal,) = kinds_of(staff_groningen, CARE_GAP)
    assert (signal.household_reference, signal.count, signal.date) == (
        household.reference,
        2,
        dt.date(2026, 9, 1),
    )
    assert signal.url == f"/households/{household.pk}/"
    assert signal.municipality_code == "GM0014"

    without_gp.gp_practice = "Huisartsenpraktijk Oost"
    without_gp.save()
    assert kinds_of(staff_groningen, CARE_GAP)[0].count == 1
    applied.health_insurance = Resident.Insurance.INSURED
    applied.save()
    assert kinds_of(staff_groningen, CARE_GAP) == []


def test_care_gap_only_for_active_temporary_placements(household, staff_groningen):
    permanent = ResidentFactory(household=household)
    PlacementFactory(resident=permanent, kind="permanent", start_date=dt.date(2026, 9, 1), planned_end=None)
    ended = ResidentFactory(household=household)
    PlacementFactory(resident=ended, kind="har", start_date=dt.date(2026, 3, 1), end_date=dt.date(2026, 9, 1))
    assert kinds_of(staff_groningen, CARE_GAP) == []


def test_ending_soon_without_next_home_until_a_next_placement_exists(household, staff_groningen):
    resident = ResidentFactory(household=household, **insured())
    har = PlacementFactory(
        resident=resident, kind="har", start_date=dt.date(2026, 5, 1), planned_end=dt.date(2026, 11, 1)
    )
    (signal,) = kinds_of(staff_groningen, ENDING_SOON)
    assert signal.date == dt.date(2026, 11, 1)

    har.end_date = dt.date(2026, 11, 1)  # the move-out day: the signal stays, no next home yet
    har.save()
    assert len(kinds_of(staff_groningen, ENDING_SOON)) == 1
    PlacementFactory(resident=resident, kind="permanent", start_date=dt.date(2026, 11, 1), planned_end=None)
    assert kinds_of(staff_groningen, ENDING_SOON) == []


def test_ending_soon_window_is_eight_weeks_and_includes_overdue(household, staff_groningen):
    far, overdue = ResidentFactory.create_batch(2, household=household, **insured())
    PlacementFactory(  # 57 days ahead: not yet
        resident=far,
        kind="transit",
        start_date=dt.date(2026, 6, 1),
        planned_end=TODAY + dt.timedelta(days=57),
    )
    assert kinds_of(staff_groningen, ENDING_SOON) == []
    PlacementFactory(
        resident=overdue, kind="har", start_date=dt.date(2026, 3, 1), planned_end=dt.date(2026, 9, 1)
    )
    (signal,) = kinds_of(staff_groningen, ENDING_SOON)
    assert (signal.count, signal.date) == (1, dt.date(2026, 9, 1))
    far_placement = Placement.objects.get(resident=far)
    far_placement.planned_end = TODAY + dt.timedelta(days=56)
    far_placement.save()
    assert kinds_of(staff_groningen, ENDING_SOON)[0].count == 2


def test_beyond_twelve_months_planned_until_the_plan_is_shortened(household, staff_groningen):
    resident = ResidentFactory(household=household, **insured())
    placement = PlacementFactory(
        resident=resident,
        kind="har",
        start_date=dt.date(2026, 1, 10),
        planned_end=dt.date(2027, 3, 1),
    )
    (signal,) = kinds_of(staff_groningen, BEYOND_MAXIMUM)
    assert signal.date == dt.date(2027, 1, 10)
    placement.planned_end = dt.date(2027, 1, 10)  # exactly twelve months is allowed
    placement.save()
    assert not placement.exceeds_maximum()
    assert kinds_of(staff_groningen, BEYOND_MAXIMUM) == []


def test_beyond_twelve_months_when_still_living_there(household, staff_groningen):
    resident = ResidentFactory(household=household, **insured())
    placement = PlacementFactory(
        resident=resident, kind="transit", start_date=dt.date(2025, 10, 14), planned_end=dt.date(2026, 4, 14)
    )
    assert len(kinds_of(staff_groningen, BEYOND_MAXIMUM)) == 1
    placement.end_date = dt.date(2026, 10, 1)
    placement.save()
    assert kinds_of(staff_groningen, BEYOND_MAXIMUM) == []


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2028, 2, 29), dt.date(2029, 2, 28)),
        (dt.date(2028, 2, 29), dt.date(2029, 3, 1)),
        (dt.date(2026, 1, 31), dt.date(2027, 1, 31)),
        (dt.date(2026, 1, 31), dt.date(2027, 2, 1)),
        (dt.date(2026, 12, 31), dt.date(2027, 12, 31)),
        (dt.date(2026, 12, 31), dt.date(2028, 1, 1)),
    ],
)
def test_beyond_maximum_in_sql_agrees_with_the_model(household, staff_groningen, start, end):
    resident = ResidentFactory(household=household, **insured())
    placement = PlacementFactory(
        resident=resident, kind="har", start_date=start, planned_end=end, extension_reason=""
    )
    found = signals.open_signals(staff_groningen, [BEYOND_MAXIMUM], today=start)
    assert bool(found) == placement.exceeds_maximum()


def test_beyond_twelve_months_goes_when_an_extension_reason_is_recorded(household, staff_groningen):
    resident = ResidentFactory(household=household, **insured())
    planned = PlacementFactory(
        resident=resident, kind="har", start_date=dt.date(2026, 1, 10), planned_end=dt.date(2027, 3, 1)
    )
    still_there = PlacementFactory(
        resident=ResidentFactory(household=household, **insured()),
        kind="transit",
        start_date=dt.date(2025, 10, 14),
        planned_end=dt.date(2026, 4, 14),
    )
    assert kinds_of(staff_groningen, BEYOND_MAXIMUM)[0].count == 2
    planned.extension_reason = "Nareis duurt langer"
    planned.save()
    assert kinds_of(staff_groningen, BEYOND_MAXIMUM)[0].count == 1
    still_there.extension_reason = "Wacht op een woning in de eigen gemeente"
    still_there.save()
    assert kinds_of(staff_groningen, BEYOND_MAXIMUM) == []


def test_reunification_pending_in_too_small_property(staff_groningen):
    household = HouseholdFactory(
        reunification_expected_members=3, reunification_applied_on=dt.date(2026, 2, 1)
    )
    prop = PropertyFactory(capacity=4)
    for resident in ResidentFactory.create_batch(2, household=household, **insured()):
        PlacementFactory(resident=resident, property=prop, start_date=dt.date(2026, 9, 1))
    (signal,) = kinds_of(staff_groningen, REUNIFICATION)
    assert signal.date == dt.date(2026, 2, 1)  # no expected date: the application date

    prop.capacity = 5  # three free places for three expected members
    prop.save()
    assert kinds_of(staff_groningen, REUNIFICATION) == []
    prop.capacity = 4
    prop.save()
    household.reunification_arrived_on = dt.date(2026, 10, 1)
    household.save()
    assert kinds_of(staff_groningen, REUNIFICATION) == []


def test_household_without_buddy_until_matched(household, staff_groningen):
    resident = ResidentFactory(household=household, **insured())
    PlacementFactory(resident=resident, kind="permanent", start_date=dt.date(2026, 8, 1), planned_end=None)
    (signal,) = kinds_of(staff_groningen, NO_BUDDY)
    assert (signal.household_id, signal.date, signal.count) == (household.pk, dt.date(2026, 8, 1), 1)
    BuddyMatchFactory(household=household, start_date=dt.date(2026, 10, 1))
    assert kinds_of(staff_groningen, NO_BUDDY) == []


def test_signals_follow_scope(household, staff_groningen, staff_utrecht, coordinator):
    PlacementFactory(resident=ResidentFactory(household=household), start_date=dt.date(2026, 9, 1))
    assert signals.open_signals(staff_groningen, today=TODAY)
    assert signals.open_signals(staff_utrecht, today=TODAY) == []
    assert signals.open_signals(coordinator, today=TODAY) == []  # no personal data
    utrecht = municipality(UTRECHT)
    assert signals.open_signals({utrecht.pk}, today=TODAY) == []
    assert signals.open_signals(staff_groningen, today=TODAY, municipality_ids={utrecht.pk}) == []
    counts = signals.signal_counts({household.municipality_id}, today=TODAY)
    assert list(counts) == list(signals.KINDS)
    assert counts == {CARE_GAP: 1, ENDING_SOON: 0, BEYOND_MAXIMUM: 0, REUNIFICATION: 0, NO_BUDDY: 1}


def test_anonymised_households_raise_no_signals(household, staff_groningen):
    PlacementFactory(resident=ResidentFactory(household=household), start_date=dt.date(2026, 9, 1))
    household.anonymised_at = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    household.save()
    assert signals.open_signals(staff_groningen, today=TODAY) == []


def test_signal_queries_do_not_grow_with_households(staff_groningen, django_assert_num_queries):
    def add_household():
        household = HouseholdFactory(reunification_expected_members=5)
        PlacementFactory(
            resident=ResidentFactory(household=household),
            start_date=dt.date(2025, 9, 1),
            planned_end=dt.date(2026, 10, 20),
            extension_reason="Nareis",
        )

    add_household()
    staff_groningen = type(staff_groningen).objects.get(pk=staff_groningen.pk)
    signals.open_signals(staff_groningen, today=TODAY)  # warm the user's role and scope cache
    with django_assert_num_queries(1):  # every kind in one UNION ALL, sorted in SQL
        assert len(signals.open_signals(staff_groningen, today=TODAY)) == 4
    for _ in range(5):
        add_household()
    with django_assert_num_queries(1):
        assert len(signals.open_signals(staff_groningen, today=TODAY)) == 24
    with django_assert_num_queries(1):
        assert sum(signals.signal_counts(staff_groningen, today=TODAY).values()) == 24
    with django_assert_num_queries(1):  # a page and the counts per kind together
        page = signals.signal_query(staff_groningen, today=TODAY).page(2, 20)
        assert (len(page), page.paginator.count, page.paginator.num_pages) == (4, 24, 2)


# --- the SQL version (sorted, cut and counted in the database) against the old list -------------


def _placed(
    household, *, start, kind="har", planned_end=None, prop=None, residents=1, extension_reason="", **resident
):
    for _ in range(residents):
        PlacementFactory(
            resident=ResidentFactory(household=household, **resident),
            kind=kind,
            start_date=start,
            planned_end=planned_end,
            extension_reason=extension_reason,
            **({"property": prop} if prop else {}),
        )
    return household


@pytest.fixture
def every_kind(db):
    """Signals of every kind for Groningen, with ties on date (across and within kinds), an undated
    signal, and households that must stay out (matched, anonymised, another municipality)."""
    small = PropertyFactory(capacity=3)
    sept = dt.date(2026, 9, 1)
    for _ in range(2):  # care gap + no buddy, both dated 1 September
        _placed(HouseholdFactory(), start=sept, planned_end=dt.date(2027, 3, 1))
    _placed(  # ending soon (1 November) + no buddy
        HouseholdFactory(), start=dt.date(2026, 5, 1), planned_end=dt.date(2026, 11, 1), **insured()
    )
    _placed(  # beyond 12 months (dated 1 September 2026) + overdue ending (1 March) + no buddy
        HouseholdFactory(),
        start=dt.date(2025, 9, 1),
        kind="transit",
        planned_end=dt.date(2026, 3, 1),
        **insured(),
    )
    dated = HouseholdFactory(reunification_expected_members=3, reunification_expected_on=dt.date(2026, 12, 1))
    _placed(dated, start=dt.date(2026, 6, 1), kind="permanent", prop=small, residents=2, **insured())
    undated = HouseholdFactory(reunification_expected_members=2)
    _placed(undated, start=dt.date(2026, 6, 1), kind="permanent", prop=small, **insured())
    matched = _placed(
        HouseholdFactory(), start=dt.date(2026, 8, 1), planned_end=dt.date(2027, 2, 1), **insured()
    )
    for household in (dated, undated, matched):
        BuddyMatchFactory(household=household, start_date=dt.date(2026, 6, 1))
    for day in (1, 1, 2, 2, 2, 3):  # no buddy only, several on one day
        _placed(HouseholdFactory(), start=dt.date(2026, 8, day), kind="permanent", **insured())
    _placed(HouseholdFactory(municipality=municipality(UTRECHT)), start=sept, planned_end=dt.date(2027, 3, 1))
    gone = _placed(HouseholdFactory(), start=sept, planned_end=dt.date(2027, 3, 1))
    gone.anonymised_at = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    gone.save()


def _whos(staff_groningen):
    groningen, utrecht = municipality(GRONINGEN), municipality(UTRECHT)
    return [
        (staff_groningen, {}),
        (ALL, {}),
        ({groningen.pk, utrecht.pk}, {}),
        (staff_groningen, {"municipality_ids": [groningen.pk]}),
        (staff_groningen, {"municipality_ids": [utrecht.pk]}),
    ]


def test_the_fixture_covers_every_kind_ties_and_an_undated_signal(every_kind, staff_groningen):
    found = old_open_signals(staff_groningen, today=TODAY)
    assert {s.kind for s in found} == set(KINDS)
    assert found[-1].date is None and found[-1].kind == REUNIFICATION
    by_date = Counter(s.date for s in found)
    assert {s.kind for s in found if s.date == dt.date(2026, 9, 1)} == {CARE_GAP, BEYOND_MAXIMUM, NO_BUDDY}
    assert max(by_date.values()) >= 3
    assert len({(s.kind, s.date) for s in found}) < len(found)  # same kind and date: reference decides


@pytest.mark.parametrize("kinds", [None, *([kind] for kind in KINDS), [NO_BUDDY, CARE_GAP]])
def test_signal_query_equals_the_old_sorted_list_in_every_slice_page_and_stream(
    every_kind, staff_groningen, kinds
):
    for who, narrowing in _whos(staff_groningen):
        expected = old_open_signals(who, kinds, today=TODAY, **narrowing)
        query = signals.signal_query(who, kinds, today=TODAY, **narrowing)
        assert signals.open_signals(who, kinds, today=TODAY, **narrowing) == expected
        assert list(query.iterator(chunk_size=2)) == expected
        batches = list(query.batches(2))
        assert [signal for batch in batches for signal in batch] == expected
        sizes = [min(2, len(expected) - n) for n in range(0, len(expected), 2)]
        assert [len(batch) for batch in batches] == sizes
        wanted = kinds or KINDS
        assert query.counts() == {kind: sum(s.kind == kind for s in expected) for kind in wanted}
        assert query.count() == len(expected)
        for start in range(0, len(expected) + 4, 3):
            assert query[start : start + 3] == expected[start : start + 3]
        if expected:
            assert query[len(expected) - 1] == expected[-1]
        for number in [*range(1, len(expected) // 4 + 3), 0, -1, "abc", None, "2.5"]:
            page = signals.signal_query(who, kinds, today=TODAY, **narrowing).page(number, 4)
            old = Paginator(expected, 4).get_page(number)
            assert (page.number, list(page), page.paginator.count) == (old.number, list(old), len(expected))


def test_newest_first_equals_the_old_list_sorted_newest_first_in_every_slice_and_page(
    every_kind, staff_groningen
):
    """`descending`: dates newest first, undated still last, then kind and reference; the page is
    cut by date and kind before the household is read (its reference decides ties), in this
    order too."""
    expected = sorted(
        old_open_signals(staff_groningen, today=TODAY),
        key=lambda s: (
            s.date is None,
            -(s.date or dt.date.min).toordinal(),
            KINDS.index(s.kind),
            s.household_reference,
        ),
    )
    query = signals.signal_query(staff_groningen, today=TODAY, descending=True)
    assert list(query) == expected
    for size in (1, 2, 3):
        for start in range(0, len(expected) + size, size):
            assert query[start : start + size] == expected[start : start + size]
    for number in range(1, len(expected) // 4 + 2):
        page = signals.signal_query(staff_groningen, today=TODAY, descending=True).page(number, 4)
        assert list(page) == list(Paginator(expected, 4).get_page(number))


def test_page_out_of_range_is_the_last_page_in_two_queries(
    every_kind, staff_groningen, django_assert_num_queries
):
    expected = old_open_signals(ALL, today=TODAY)
    with django_assert_num_queries(2):  # page and counts; then the last page
        page = signals.signal_query(ALL, today=TODAY).page(999, 5)
        assert list(page) == expected[(page.paginator.num_pages - 1) * 5 :]
    with django_assert_num_queries(1):
        assert list(signals.signal_query(ALL, today=TODAY).page("abc", 5)) == expected[:5]
    huge = signals.signal_query(ALL, today=TODAY).page("9" * 30, 5)  # no integer overflow in SQL
    assert list(huge) == expected[(huge.paginator.num_pages - 1) * 5 :]


def test_a_scope_without_households_runs_no_query(every_kind, coordinator, django_assert_num_queries):
    signals.open_signals(coordinator, today=TODAY)  # warm the user's role cache
    query = signals.signal_query(coordinator, today=TODAY)
    with django_assert_num_queries(0):
        page = query.page(1, 50)
        assert (list(page), page.paginator.count, query.counts()) == ([], 0, dict.fromkeys(KINDS, 0))
        assert list(query) == [] and query[0:10] == []


def test_no_buddy_signals_are_the_households_without_buddy_of_the_figures(every_kind):
    for ids in (ALL, {municipality(GRONINGEN).pk}, {municipality(UTRECHT).pk}):
        found = signals.open_signals(ids, [NO_BUDDY], today=TODAY)
        households = figures.households_without_buddy_queryset(ids, day=TODAY)
        assert {s.household_id for s in found} == set(households.values_list("pk", flat=True))
        assert signals.signal_counts(ids, today=TODAY)[NO_BUDDY] == figures.households_without_buddy(
            ids, day=TODAY
        )
        for signal in found:
            starts = Placement.objects.active_on(TODAY).filter(resident__household=signal.household_id)
            assert signal.date == min(starts.values_list("start_date", flat=True))
            assert signal.count == 1


def test_beyond_maximum_from_29_february_is_dated_and_sorted_as_28_february(staff_groningen):
    today = dt.date(2028, 3, 1)
    leap = _placed(
        HouseholdFactory(), start=dt.date(2028, 2, 29), planned_end=dt.date(2029, 3, 1), **insured()
    )
    for expected_on in (dt.date(2029, 3, 1), dt.date(2029, 2, 28)):  # around it, one on the same day
        household = HouseholdFactory(reunification_expected_members=9, reunification_expected_on=expected_on)
        _placed(household, start=dt.date(2028, 1, 1), kind="permanent", **insured())
    for household in Household.objects.all():
        BuddyMatchFactory(household=household, start_date=dt.date(2028, 1, 1))
    expected = [
        (BEYOND_MAXIMUM, dt.date(2029, 2, 28)),  # same day as the next: the kind decides
        (REUNIFICATION, dt.date(2029, 2, 28)),
        (REUNIFICATION, dt.date(2029, 3, 1)),
    ]
    query = signals.signal_query(staff_groningen, today=today)
    assert [(s.kind, s.date) for s in query] == expected
    assert [
        (s.kind, s.date) for s in signals.signal_query(staff_groningen, today=today).page(1, 2)
    ] == expected[:2]
    assert [(s.kind, s.date) for s in query[1:3]] == expected[1:]
    assert query[0].household_id == leap.pk
    assert old_open_signals(staff_groningen, today=today) == list(query)


def test_months_are_added_in_sql_exactly_as_add_months(db):
    days = [dt.date(2027, 12, 1) + dt.timedelta(days=n) for n in range(125)]  # to April 2028, 29 Feb
    days += [dt.date(2026, 1, 31), dt.date(2026, 8, 31), dt.date(2026, 10, 31), dt.date(2024, 2, 29)]
    values = ", ".join(["(%s)"] * len(days))
    for months in (1, 12, 13):
        expression = signals._add_months_sql("d.day", months, connection.vendor)
        with connection.cursor() as cursor:
            cursor.execute(f"WITH d(day) AS (VALUES {values}) SELECT day, {expression} FROM d", days)
            found = [(signals._as_date(day), signals._as_date(shifted)) for day, shifted in cursor.fetchall()]
        assert found == [(day, add_months(day, months)) for day in days], months
