import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from residents.models import Placement
from residents.services import place_household
from tests.factories import HouseholdFactory, PropertyFactory, ResidentFactory

pytestmark = pytest.mark.django_db


def test_place_household_places_every_resident_with_default_planned_end():
    household = HouseholdFactory()
    ResidentFactory.create_batch(2, household=household)
    prop = PropertyFactory(capacity=3)
    placements = place_household(
        household=household, property=prop, kind=Placement.Kind.HAR, start_date=dt.date(2026, 8, 31)
    )
    assert len(placements) == 2
    assert {p.planned_end for p in placements} == {dt.date(2027, 2, 28)}


def test_full_property_refuses_placement_and_changes_nothing():
    prop = PropertyFactory(capacity=2)
    first = HouseholdFactory()
    ResidentFactory(household=first)
    place_household(household=first, property=prop, kind="har", start_date=dt.date(2026, 7, 1))
    second = HouseholdFactory()
    ResidentFactory.create_batch(2, household=second)
    with pytest.raises(ValidationError, match="vol"):
        place_household(household=second, property=prop, kind="har", start_date=dt.date(2026, 8, 1))
    assert Placement.objects.filter(resident__household=second).count() == 0
