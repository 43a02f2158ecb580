"""Each SPEC §7 signal appears, and disappears once the record is fixed. Today is 2026-10-15."""

import datetime as dt

import pytest

from residents.models import Placement, Resident
from tests.factories import (
    UTRECHT,
    BuddyMatchFactory,
    HouseholdFactory,
    PlacementFactory,
    PropertyFactory,
    ResidentFactory,
    municipality,
)
from thuisgevers import signals
from thuisgevers.signals import BEYOND_MAXIMUM, CARE_GAP, ENDING_SOON, NO_BUDDY, REUNIFICATION

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
        extension_reason="Nareis duurt langer",
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
        resident=resident, kind="har", start_date=start, planned_end=end, extension_reason="Nareis"
    )
    found = signals.open_signals(staff_groningen, [BEYOND_MAXIMUM], today=start)
    assert bool(found) == placement.exceeds_maximum()


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
    with django_assert_num_queries(5):
        assert len(signals.open_signals(staff_groningen, today=TODAY)) == 5
    for _ in range(5):
        add_household()
    with django_assert_num_queries(5):
        assert len(signals.open_signals(staff_groningen, today=TODAY)) == 30
    with django_assert_num_queries(5):
        assert sum(signals.signal_counts(staff_groningen, today=TODAY).values()) == 30
