"""Constraints of residents models (SPEC §4–§5): V-number, placement dates, the no-overlap rule
(PostgreSQL exclusion constraint; model validation on every backend) and reunification order."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, transaction
from django.utils import translation

from residents.models import Household, Placement, Resident
from tests.factories import HouseholdFactory, PlacementFactory, PropertyFactory, ResidentFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="exclusion constraints exist on PostgreSQL only"
)

JULY = dt.date(2026, 7, 1)
SEPTEMBER = dt.date(2026, 9, 1)
OCTOBER = dt.date(2026, 10, 1)


def assert_db_refuses(model, pk, **changes):
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=pk).update(**changes)


def dutch_errors(instance):
    with translation.override("nl"), pytest.raises(ValidationError) as info:
        instance.full_clean()
    return info.value.message_dict


# --- V-number ---


@pytest.mark.parametrize("bad", ["123456789", "V123456789", "12345 6789"])
def test_v_number_format_enforced_in_database(bad):
    resident = ResidentFactory()
    assert_db_refuses(Resident, resident.pk, v_number=bad)


def test_v_number_longer_than_ten_digits_is_refused_in_database():
    resident = ResidentFactory()
    # PostgreSQL refuses on the column length (DataError), SQLite on the check constraint.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Resident.objects.filter(pk=resident.pk).update(v_number="12345678901")


def test_v_number_format_has_dutch_message():
    resident = ResidentFactory.build(household=HouseholdFactory(), v_number="12345")
    assert dutch_errors(resident)["v_number"] == ["Een V-nummer bestaat uit precies 10 cijfers."]


def test_v_number_is_unique():
    ResidentFactory(v_number="1234567890")
    with pytest.raises(IntegrityError), transaction.atomic():
        ResidentFactory(v_number="1234567890")


def test_v_number_may_be_empty_after_anonymisation():
    resident = ResidentFactory(v_number=None)
    ResidentFactory(v_number=None)  # several empty ones do not clash
    assert Resident.objects.get(pk=resident.pk).v_number is None


# --- placement dates ---


def test_placement_end_must_be_after_start_in_database():
    placement = PlacementFactory(start_date=JULY)
    assert_db_refuses(Placement, placement.pk, end_date=JULY)
    assert_db_refuses(Placement, placement.pk, end_date=JULY - dt.timedelta(days=1))
    assert_db_refuses(Placement, placement.pk, planned_end=JULY)


def test_placement_end_before_start_gets_dutch_message():
    placement = PlacementFactory.build(
        resident=ResidentFactory(), property=PropertyFactory(), start_date=JULY, end_date=JULY
    )
    assert dutch_errors(placement)["end_date"] == ["De einddatum moet na de startdatum liggen."]


def test_temporary_placement_beyond_12_months_needs_extension_reason():
    placement = PlacementFactory.build(
        resident=ResidentFactory(),
        property=PropertyFactory(),
        start_date=JULY,
        planned_end=dt.date(2027, 9, 1),
    )
    assert "extension_reason" in dutch_errors(placement)
    placement.extension_reason = "Nareis loopt nog."
    placement.full_clean()
    assert placement.exceeds_maximum()


# --- no overlap ---


def test_overlapping_placement_is_refused_by_validation_on_every_backend():
    first = PlacementFactory(start_date=JULY, planned_end=None, end_date=None)
    second = Placement(
        resident=first.resident, property=PropertyFactory(), kind="permanent", start_date=SEPTEMBER
    )
    errors = dutch_errors(second)
    # The message names the resident and the placement in the way.
    [message] = errors["start_date"]
    assert str(first.resident) in message and first.resident.reference in message
    assert f"woont al in {first.property.name}" in message


def test_placement_starting_inside_an_ended_one_is_refused():
    first = PlacementFactory(start_date=JULY, end_date=OCTOBER)
    second = Placement(
        resident=first.resident,
        property=PropertyFactory(),
        kind="permanent",
        start_date=dt.date(2026, 6, 1),
        end_date=SEPTEMBER,
    )
    with pytest.raises(ValidationError):
        second.full_clean()


def test_adjacent_placements_on_the_move_out_day_are_allowed():
    first = PlacementFactory(start_date=JULY, end_date=SEPTEMBER)
    second = Placement(
        resident=first.resident, property=PropertyFactory(), kind="permanent", start_date=SEPTEMBER
    )
    second.full_clean()
    second.save()  # also passes the exclusion constraint on PostgreSQL
    assert Placement.objects.filter(resident=first.resident).count() == 2


def test_other_residents_may_share_the_same_dates():
    first = PlacementFactory(start_date=JULY)
    other = Placement(resident=ResidentFactory(), property=first.property, kind="har", start_date=JULY)
    other.full_clean()


@on_postgresql
def test_overlapping_placement_saved_without_validation_is_refused_by_postgresql():
    first = PlacementFactory(start_date=JULY, end_date=None, planned_end=None)
    with pytest.raises(IntegrityError, match="placement_resident_no_overlap"), transaction.atomic():
        Placement.objects.create(
            resident=first.resident, property=PropertyFactory(), kind="permanent", start_date=SEPTEMBER
        )
    assert Placement.objects.filter(resident=first.resident).count() == 1


@on_postgresql
def test_extending_an_ended_placement_over_the_next_one_is_refused_by_postgresql():
    first = PlacementFactory(start_date=JULY, end_date=SEPTEMBER)
    Placement.objects.create(
        resident=first.resident, property=PropertyFactory(), kind="permanent", start_date=SEPTEMBER
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.filter(pk=first.pk).update(end_date=OCTOBER)


@on_postgresql
def test_adjacent_placements_pass_the_postgresql_constraint_without_validation():
    first = PlacementFactory(start_date=JULY, end_date=SEPTEMBER)
    Placement.objects.create(
        resident=first.resident, property=PropertyFactory(), kind="permanent", start_date=SEPTEMBER
    )
    assert Placement.objects.filter(resident=first.resident).count() == 2


# --- family reunification ---


def test_reunification_cannot_arrive_before_application_in_database():
    household = HouseholdFactory(reunification_applied_on=SEPTEMBER)
    assert_db_refuses(Household, household.pk, reunification_arrived_on=JULY)
    Household.objects.filter(pk=household.pk).update(reunification_arrived_on=OCTOBER)


def test_reunification_arrival_before_application_gets_dutch_message():
    household = HouseholdFactory.build(reunification_applied_on=SEPTEMBER, reunification_arrived_on=JULY)
    assert dutch_errors(household)["reunification_arrived_on"] == [
        "De aankomstdatum van de nareis ligt vóór de aanvraagdatum."
    ]


def test_reunification_is_pending_until_arrival():
    household = HouseholdFactory(reunification_expected_members=2, reunification_applied_on=JULY)
    assert household.reunification_pending
    household.reunification_arrived_on = OCTOBER
    assert not household.reunification_pending
