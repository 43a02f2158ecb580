"""Page shapes that keep working at national scale: nothing enumerates every record, and
list counts are computed for the page shown, with the same answers as before."""

import datetime as dt

import pytest
from django.urls import reverse

from residents.models import Placement, Resident
from tests.factories import HouseholdFactory, PlacementFactory, PropertyFactory, ResidentFactory

pytestmark = pytest.mark.django_db


def test_placement_list_searches_properties_by_name_instead_of_listing_them_all(client, staff_groningen):
    client.force_login(staff_groningen)
    wanted, other = PropertyFactory(name="Pastorie Kerkstraat"), PropertyFactory(name="Klooster Oost")
    for prop in (wanted, other):
        PlacementFactory(property=prop, start_date=dt.date(2026, 9, 1), kind=Placement.Kind.PERMANENT)
    response = client.get(reverse("placement_list"))
    assert response.status_code == 200
    assert b"Klooster Oost</option>" not in response.content  # no <select> of every property
    response = client.get(reverse("placement_list"), {"property_name": "pastorie"})
    assert [p.property_id for p in response.context["page_obj"]] == [wanted.pk]
    response = client.get(reverse("placement_list"), {"property": other.pk})  # links by number still work
    assert [p.property_id for p in response.context["page_obj"]] == [other.pk]


def test_household_list_counts_persons_and_care_gaps_per_household(client, staff_groningen):
    client.force_login(staff_groningen)
    complete = HouseholdFactory()
    ResidentFactory.create_batch(
        2, household=complete, gp_practice="Praktijk", health_insurance=Resident.Insurance.INSURED
    )
    gaps = HouseholdFactory()
    ResidentFactory(household=gaps, gp_practice="", health_insurance=Resident.Insurance.INSURED)
    ResidentFactory(household=gaps, gp_practice="Praktijk", health_insurance=Resident.Insurance.NONE)
    ResidentFactory(household=gaps, gp_practice="Praktijk", health_insurance=Resident.Insurance.INSURED)
    empty = HouseholdFactory()
    response = client.get(reverse("household_list"))
    rows = {h.pk: (h.persons, h.care_gaps) for h in response.context["page_obj"]}
    assert rows == {complete.pk: (2, 0), gaps.pk: (3, 2), empty.pk: (0, 0)}
    response = client.get(reverse("household_list"), {"care": "gap"})
    assert [h.pk for h in response.context["page_obj"]] == [gaps.pk]
