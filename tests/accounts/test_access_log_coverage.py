"""Every admin page that shows residents' personal data writes the access log, and every refused
attempt on a record or municipality outside the user's scope is written as a security event."""

import pytest
from auditlog.models import LogEntry

from accesslog.models import AccessLogEntry
from accounts.roles import ensure_role_groups
from tests.factories import (
    UTRECHT,
    HouseholdFactory,
    PlacementFactory,
    PropertyFactory,
    ResidentFactory,
    municipality,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_pioneer(pioneer):
    ensure_role_groups()
    return pioneer


def logged(result="success"):
    return set(
        AccessLogEntry.objects.filter(result=result).values_list("subject_type", "subject_id", "action")
    )


def test_the_admin_placement_page_logs_its_resident(client, admin_pioneer):
    placement = PlacementFactory()
    client.force_login(admin_pioneer)
    assert client.get(f"/admin/residents/placement/{placement.pk}/change/").status_code == 200
    assert ("residents.resident", str(placement.resident_id), "view") in logged()


@pytest.mark.parametrize("model", ["resident", "household"])
def test_admin_history_pages_of_residents_and_households_are_logged(client, admin_pioneer, model):
    resident = ResidentFactory()
    record = resident if model == "resident" else resident.household
    client.force_login(admin_pioneer)
    assert client.get(f"/admin/residents/{model}/{record.pk}/history/").status_code == 200
    assert ("residents.resident", str(resident.pk), "view") in logged()


def test_the_audit_history_in_the_admin_logs_the_residents_it_shows(client, admin_pioneer):
    resident = ResidentFactory()
    entry = LogEntry.objects.get_for_object(resident).first()
    client.force_login(admin_pioneer)
    assert client.get("/admin/auditlog/logentry/").status_code == 200
    assert ("residents.resident", str(resident.pk), "list") in logged()
    AccessLogEntry.objects.all()  # the list was logged; now one entry
    assert client.get(f"/admin/auditlog/logentry/{entry.pk}/change/").status_code == 200
    assert ("residents.resident", str(resident.pk), "view") in logged()


def test_the_resident_autocomplete_logs_the_residents_it_offers(client, admin_pioneer):
    resident = ResidentFactory(family_name="Haddad")
    ResidentFactory(household__municipality=municipality(UTRECHT), family_name="Haddad")
    client.force_login(admin_pioneer)
    response = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "residents",
            "model_name": "placement",
            "field_name": "resident",
            "term": resident.reference,
        },
    )
    assert response.status_code == 200
    assert logged() == {("residents.resident", str(resident.pk), "list")}


def test_a_foreign_municipality_page_is_a_refused_attempt(client, staff_groningen):
    client.force_login(staff_groningen)
    utrecht = municipality(UTRECHT)
    assert client.get(f"/municipalities/{UTRECHT}/").status_code == 404
    assert logged("refused") == {("housing.municipality", str(utrecht.pk), "view")}


def test_a_foreign_progress_report_is_a_refused_attempt(client, staff_groningen):
    client.force_login(staff_groningen)
    assert client.get(f"/reports/progress/{UTRECHT}/").status_code == 404
    assert ("housing.municipality", str(municipality(UTRECHT).pk), "view") in logged("refused")


def test_a_foreign_municipality_in_an_export_address_is_a_refused_attempt(client, staff_groningen):
    client.force_login(staff_groningen)
    assert client.get(f"/reports/placements.csv?municipality={UTRECHT}").status_code == 404
    assert ("housing.municipality", str(municipality(UTRECHT).pk), "view") in logged("refused")


def test_a_foreign_record_in_the_admin_is_a_refused_attempt(client, admin_pioneer):
    household = HouseholdFactory(municipality=municipality(UTRECHT))
    client.force_login(admin_pioneer)
    response = client.get(f"/admin/residents/household/{household.pk}/change/")
    assert response.status_code in (302, 404)
    assert logged("refused") == {("residents.household", str(household.pk), "view")}


def test_an_own_record_in_the_admin_is_no_refused_attempt(client, admin_pioneer):
    prop = PropertyFactory()
    client.force_login(admin_pioneer)
    client.post(
        f"/admin/housing/property/{prop.pk}/change/",
        {"name": prop.name},
    )
    assert logged("refused") == set()


def test_a_coordinator_on_a_household_page_is_a_refused_attempt(client, coordinator):
    household = HouseholdFactory()
    client.force_login(coordinator)
    assert client.get(f"/households/{household.pk}/").status_code == 403
    assert logged("refused") == {("residents.household", str(household.pk), "view")}
