"""Whole-household services: follow-on placements, move, end, extend, residents added and removed."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from residents import services
from residents.models import Placement, Resident
from tests.factories import HouseholdFactory, PlacementFactory, PropertyFactory, ResidentFactory

pytestmark = pytest.mark.django_db

JULY = dt.date(2026, 7, 1)
JANUARY = dt.date(2027, 1, 1)


def placed_household(size=2, **placement):
    household = HouseholdFactory()
    prop = PropertyFactory(capacity=10)
    for resident in ResidentFactory.create_batch(size, household=household):
        PlacementFactory(resident=resident, property=prop, **placement)
    return household


def test_next_home_starting_on_the_planned_end_follows_on_and_ends_the_current_stay():
    household = placed_household(start_date=JULY, planned_end=JANUARY)
    home = PropertyFactory(capacity=4, municipality=household.municipality)
    placed = services.place_household(
        household=household, property=home, kind=Placement.Kind.PERMANENT, start_date=JANUARY
    )
    assert len(placed) == 2 and len(placed.ended) == 2
    for previous in placed.ended:
        previous.refresh_from_db()
        assert previous.end_date == JANUARY
        assert previous.outflow == Placement.Outflow.PERMANENT_HERE


def test_next_home_before_the_planned_end_is_still_an_overlap_naming_the_resident():
    household = placed_household(size=1, start_date=JULY, planned_end=JANUARY)
    resident = household.residents.get()
    with pytest.raises(ValidationError) as error:
        services.place_household(
            household=household, property=PropertyFactory(), kind="permanent", start_date=dt.date(2026, 12, 1)
        )
    assert resident.reference in " ".join(error.value.messages)
    assert Placement.objects.count() == 1


def test_move_ends_every_running_placement_on_the_day_in_one_transaction():
    household = placed_household(start_date=JULY, planned_end=JANUARY)
    day = dt.date(2026, 10, 1)
    placed = services.move_household(
        household=household, property=PropertyFactory(), kind="permanent", day=day
    )
    assert sorted(p.end_date for p in Placement.objects.exclude(pk__in=[p.pk for p in placed])) == [day, day]


def test_a_full_next_home_changes_nothing_not_even_the_current_placements():
    household = placed_household(start_date=JULY, planned_end=JANUARY)
    with pytest.raises(ValidationError):
        services.move_household(
            household=household,
            property=PropertyFactory(capacity=1),
            kind="permanent",
            day=dt.date(2026, 10, 1),
        )
    assert not Placement.objects.filter(end_date__isnull=False).exists()
    assert Placement.objects.count() == 2


def test_ending_twice_refuses_the_second_time_and_keeps_the_first_end_date():
    placement = PlacementFactory(start_date=JULY)
    services.end_placement(placement=placement, end_date=dt.date(2026, 11, 1), outflow="left")
    with pytest.raises(ValidationError) as error:
        services.end_placement(placement=placement, end_date=dt.date(2026, 12, 1), outflow="other")
    assert error.value.code == "already_ended"
    placement.refresh_from_db()
    assert (placement.end_date, placement.outflow) == (dt.date(2026, 11, 1), "left")


def test_end_household_ends_open_placements_and_leaves_ended_ones_alone():
    household = placed_household(start_date=JULY)
    first, second = Placement.objects.order_by("pk")
    services.end_placement(placement=first, end_date=dt.date(2026, 9, 1), outflow="left")
    ended = services.end_household(
        household=household, end_date=dt.date(2026, 10, 1), outflow="permanent_here"
    )
    assert [p.pk for p in ended] == [second.pk]
    first.refresh_from_db()
    assert first.end_date == dt.date(2026, 9, 1)


def test_extension_beyond_twelve_months_needs_a_reason_and_keeps_it():
    household = placed_household(start_date=JULY, planned_end=JANUARY)
    late = dt.date(2027, 9, 1)
    with pytest.raises(ValidationError):
        services.extend_household(household=household, planned_end=late)
    assert set(Placement.objects.values_list("planned_end", flat=True)) == {JANUARY}
    services.extend_household(household=household, planned_end=late, extension_reason="Nareis verwacht")
    assert set(Placement.objects.values_list("planned_end", "extension_reason")) == {
        (late, "Nareis verwacht")
    }


def test_added_resident_joins_the_current_placement_and_records_the_arrival():
    household = placed_household(start_date=JULY, planned_end=JANUARY)
    household.reunification_expected_members = 1
    household.save()
    arrived = dt.date(2026, 9, 15)
    newcomer = Resident(v_number="1999999999", given_name="Lina", family_name="Haddad")
    resident, placements = services.add_resident(
        household=household, resident=newcomer, arrived_on=arrived, join_current=True
    )
    household.refresh_from_db()
    assert household.reunification_arrived_on == arrived
    [placement] = placements
    assert (placement.resident, placement.start_date, placement.planned_end) == (resident, arrived, JANUARY)


def test_a_placed_resident_or_the_last_one_cannot_be_removed():
    household = placed_household(size=1, start_date=JULY)
    with pytest.raises(ValidationError):
        services.remove_resident(resident=household.residents.get())
    spare = ResidentFactory(household=HouseholdFactory())
    with pytest.raises(ValidationError):
        services.remove_resident(resident=spare)
    extra = ResidentFactory(household=spare.household)
    services.remove_resident(resident=extra)
    assert not Resident.objects.filter(pk=extra.pk).exists()
