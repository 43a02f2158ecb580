"""Dates the world forbids: no birth, permit, GP registration or insurance in the future, none of
them before birth; refused in Resident.clean / Household.clean, so forms, admin and imports agree.
And a property's status and availability are checked against who lives (or will live) there."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from housing.models import Property
from residents import services
from tests.factories import HouseholdFactory, PlacementFactory, PropertyFactory, ResidentFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def errors_of(instance):
    with pytest.raises(ValidationError) as info:
        instance.full_clean()
    return info.value.message_dict


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("birth_date", "De geboortedatum ligt in de toekomst."),
        ("permit_date", "De datum van de verblijfsvergunning ligt in de toekomst."),
        ("gp_registered_on", "De datum van inschrijving bij de huisarts ligt in de toekomst."),
        ("insured_since", "‘Verzekerd sinds’ ligt in de toekomst."),
    ],
)
def test_resident_date_in_the_future_is_refused_in_dutch(field, message):
    resident = ResidentFactory.build(household=HouseholdFactory(), **{field: dt.date(2031, 1, 1)})
    if field == "birth_date":
        resident.permit_date = None
    assert errors_of(resident)[field] == [message]


def test_resident_dates_of_today_are_accepted():
    resident = ResidentFactory.build(
        household=HouseholdFactory(), permit_date=today(), gp_registered_on=today(), insured_since=today()
    )
    resident.full_clean()


def test_permit_and_gp_before_birth_are_refused():
    resident = ResidentFactory.build(
        household=HouseholdFactory(),
        birth_date=dt.date(2020, 1, 1),
        permit_date=dt.date(2019, 1, 1),
        gp_registered_on=dt.date(2019, 6, 1),
    )
    errors = errors_of(resident)
    assert errors["permit_date"] == ["De datum van de verblijfsvergunning ligt vóór de geboortedatum."]
    assert errors["gp_registered_on"] == [
        "De datum van inschrijving bij de huisarts ligt vóór de geboortedatum."
    ]


def test_family_reunification_arrival_in_the_future_is_refused():
    household = HouseholdFactory.build(
        municipality=HouseholdFactory().municipality,
        reunification_expected_members=2,
        reunification_arrived_on=today() + dt.timedelta(days=1),
    )
    assert errors_of(household)["reunification_arrived_on"] == [
        "De aankomstdatum van de nareis ligt in de toekomst."
    ]


@pytest.fixture
def lived_in():
    prop = PropertyFactory(capacity=6, status=Property.Status.IN_USE)
    for _ in range(5):
        PlacementFactory(
            property=prop,
            start_date=today() - dt.timedelta(days=30),
            planned_end=today() + dt.timedelta(days=150),
        )
    return prop


@pytest.mark.parametrize(
    "status", [Property.Status.CLOSED, Property.Status.REJECTED, Property.Status.OFFERED]
)
def test_property_with_residents_cannot_be_closed_and_nothing_changes(lived_in, status):
    lived_in.status = status
    with pytest.raises(ValidationError) as info:
        services.save_property(property=lived_in)
    assert "Hier wonen of komen 5 mensen te wonen" in info.value.message_dict["status"][0]
    lived_in.refresh_from_db()
    assert lived_in.status == Property.Status.IN_USE


def test_property_cannot_be_available_until_a_day_before_its_residents_leave(lived_in):
    lived_in.available_until = today() + dt.timedelta(days=60)
    with pytest.raises(ValidationError) as info:
        services.save_property(property=lived_in)
    day = lived_in.available_until
    assert info.value.message_dict["available_until"][0].startswith(f"5 mensen wonen hier na {day.day} ")
    lived_in.refresh_from_db()
    assert lived_in.available_until is None


def test_property_available_until_the_day_before_the_planned_move_out_is_accepted(lived_in):
    lived_in.available_until = today() + dt.timedelta(days=149)
    services.save_property(property=lived_in)
    lived_in.refresh_from_db()
    assert lived_in.available_until == today() + dt.timedelta(days=149)


def test_planned_placement_counts_against_closing_an_empty_property():
    prop = PropertyFactory(status=Property.Status.APPROVED)
    PlacementFactory(property=prop, start_date=today() + dt.timedelta(days=10), planned_end=None)
    prop.status = Property.Status.CLOSED
    with pytest.raises(ValidationError):
        services.save_property(property=prop)


def test_property_whose_placements_ended_can_be_closed():
    prop = PropertyFactory(status=Property.Status.IN_USE)
    start = today() - dt.timedelta(days=100)
    PlacementFactory(property=prop, start_date=start, planned_end=today(), end_date=today())
    prop.status = Property.Status.CLOSED
    services.save_property(property=prop)
    prop.refresh_from_db()
    assert prop.status == Property.Status.CLOSED
