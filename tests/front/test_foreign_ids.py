"""Forms posted with the id of another municipality's record (housing/refusals.py): refused with a
Dutch message, nothing changed, and a refused attempt in the access log — on the pages, in the admin
site and in the API. An id of one's own record that is merely not offered (a closed property) is
refused too, but is no security event."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accesslog.models import AccessLogEntry
from accounts.roles import ensure_role_groups
from buddies.models import BuddyMatch
from housing.models import Property
from residents.models import Household, Placement
from tests.api.conftest import api_groningen  # noqa: F401
from tests.factories import (
    UTRECHT,
    BuddyFactory,
    HouseholdFactory,
    PlacementFactory,
    PropertyFactory,
    ResidentFactory,
    municipality,
)

pytestmark = pytest.mark.django_db

INVALID_CHOICE = "Selecteer een geldige keuze"
START = dt.date(2026, 9, 1)


def utrecht():
    return municipality(UTRECHT)


def refusals():
    return sorted(AccessLogEntry.objects.filter(result="refused").values_list("subject_type", "subject_id"))


def household_with(size=1, **kwargs):
    household = HouseholdFactory(**kwargs)
    ResidentFactory.create_batch(size, household=household)
    return household


def place_data(household, prop):
    return {
        "household": household.pk,
        "property": prop.pk,
        "kind": Placement.Kind.HAR,
        "start_date": START.isoformat(),
        "planned_end": "",
        "extension_reason": "",
    }


def test_placement_form_with_a_foreign_property_is_refused_and_logged(client, staff_groningen):
    household, foreign = household_with(), PropertyFactory(municipality=utrecht())
    client.force_login(staff_groningen)
    response = client.post(reverse("placement_create"), place_data(household, foreign))
    assert response.status_code == 200
    assert INVALID_CHOICE in " ".join(response.context["form"].errors["property"])
    assert not Placement.objects.exists()
    assert refusals() == [("housing.property", str(foreign.pk))]


def test_placement_form_with_a_foreign_household_is_refused_and_logged(client, staff_groningen):
    foreign, prop = household_with(municipality=utrecht()), PropertyFactory()
    client.force_login(staff_groningen)
    response = client.post(reverse("placement_create"), place_data(foreign, prop))
    assert response.status_code == 200
    assert response.context["form"].errors["household"]
    assert not Placement.objects.exists()
    assert refusals() == [("residents.household", str(foreign.pk))]
    # By its typed reference as well.
    client.post(reverse("placement_create"), {**place_data(foreign, prop), "household": foreign.reference})
    assert refusals() == [("residents.household", str(foreign.pk))] * 2


def test_an_own_closed_property_is_refused_but_no_security_event(client, staff_groningen):
    household = household_with()
    closed = PropertyFactory(status=Property.Status.CLOSED)
    client.force_login(staff_groningen)
    response = client.post(reverse("placement_create"), place_data(household, closed))
    assert response.context["form"].errors["property"]
    assert refusals() == []


def test_moving_a_household_to_a_foreign_property_is_refused_and_logged(client, staff_groningen):
    household = household_with()
    PlacementFactory(resident=household.residents.get(), start_date=START, planned_end=None)
    foreign = PropertyFactory(municipality=utrecht(), capacity=5)
    client.force_login(staff_groningen)
    data = {
        "property": foreign.pk,
        "kind": "permanent",
        "day": "2026-12-01",
        "planned_end": "",
        "outflow": "",
    }
    response = client.post(reverse("household_move", args=[household.pk]), data)
    assert response.status_code == 200
    assert INVALID_CHOICE in response.text
    assert not Placement.objects.filter(property=foreign).exists()
    assert not Placement.objects.filter(end_date__isnull=False).exists()
    assert refusals() == [("housing.property", str(foreign.pk))]


def test_buddy_match_with_a_foreign_household_or_buddy_is_refused_and_logged(client, staff_groningen):
    today = timezone.localdate().isoformat()
    foreign_household, own_household = household_with(municipality=utrecht()), household_with()
    foreign_buddy, own_buddy = BuddyFactory(municipality=utrecht()), BuddyFactory()
    client.force_login(staff_groningen)
    for household, buddy in ((foreign_household, own_buddy), (own_household, foreign_buddy)):
        response = client.post(
            reverse("match_create"), {"household": household.pk, "buddy": buddy.pk, "start_date": today}
        )
        assert response.status_code == 200
        assert INVALID_CHOICE in response.text
    assert not BuddyMatch.objects.exists()
    assert refusals() == sorted(
        [("residents.household", str(foreign_household.pk)), ("buddies.buddy", str(foreign_buddy.pk))]
    )


def test_household_moved_into_a_foreign_municipality_is_refused_and_logged(client, staff_groningen):
    household = household_with()
    client.force_login(staff_groningen)
    response = client.get(reverse("household_edit", args=[household.pk]))
    form = response.context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["municipality"] = utrecht().pk
    response = client.post(reverse("household_edit", args=[household.pk]), data)
    assert response.status_code == 200
    assert INVALID_CHOICE in " ".join(response.context["form"].errors["municipality"])
    household.refresh_from_db()
    assert household.municipality.cbs_code == "GM0014"
    assert refusals() == [("housing.municipality", str(utrecht().pk))]


@pytest.fixture
def admin_pioneer(pioneer):
    ensure_role_groups()
    return pioneer


def test_admin_placement_into_a_foreign_property_is_refused_and_logged(client, admin_pioneer):
    resident = ResidentFactory()
    foreign = PropertyFactory(municipality=utrecht())
    client.force_login(admin_pioneer)
    data = {"resident": resident.pk, "property": foreign.pk, "kind": "har", "start_date": "2026-08-01"}
    response = client.post(reverse("admin:residents_placement_add"), data)
    assert response.status_code == 200
    assert INVALID_CHOICE in response.content.decode()
    assert not Placement.objects.exists()
    assert refusals() == [("housing.property", str(foreign.pk))]


def test_api_placement_with_a_foreign_household_or_property_is_refused_and_logged(api_groningen):  # noqa: F811
    own_household, own_property = household_with(), PropertyFactory()
    foreign_household, foreign_property = (
        household_with(municipality=utrecht()),
        PropertyFactory(municipality=utrecht()),
    )
    for household, prop in ((foreign_household, own_property), (own_household, foreign_property)):
        body = {"household": household.pk, "property": prop.pk, "kind": "har", "startDate": "2026-09-01"}
        response = api_groningen.post("/api/v1/placements", body, format="json")
        assert response.status_code in (400, 409, 422), response.content
        assert "buiten uw" in response.content.decode() or "Onbekend" in response.content.decode()
    assert not Placement.objects.exists()
    assert refusals() == sorted(
        [("residents.household", str(foreign_household.pk)), ("housing.property", str(foreign_property.pk))]
    )
    assert Household.objects.count() == 2
