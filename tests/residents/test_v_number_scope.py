"""A V-number that is already registered (residents/vnumbers.py): named when its resident is in the
user's scope; neutral, and logged as a refused attempt, when the resident lives in another
municipality. The same on the household and resident pages, in the admin site and in imports."""

import pytest
from django.urls import reverse

from accesslog.models import AccessLogEntry
from accounts.roles import ensure_role_groups
from residents.models import Household, Resident
from tests.factories import UTRECHT, HouseholdFactory, ResidentFactory, municipality
from tests.housing.test_imports import HOUSEHOLD_HEADER, XLSX_FORMAT, household_rows, preview, xlsx_file

pytestmark = pytest.mark.django_db

NEUTRAL = "Dit V-nummer kan niet worden gebruikt; neem contact op met De Thuisgevers."
NEUTRAL_IN_IMPORT = "V-nummer 1234567891 kan niet worden gebruikt; neem contact op met De Thuisgevers."
TELLS_IT_EXISTS = "Er bestaat al een bewoner"


@pytest.fixture
def foreign():
    """A resident of Utrecht: outside the scope of Groningen's staff and pioneer."""
    household = HouseholdFactory(municipality=municipality(UTRECHT))
    return ResidentFactory(household=household, v_number="1234567891")


def refusals():
    return list(
        AccessLogEntry.objects.filter(result="refused").values_list("subject_type", "subject_id", "purpose")
    )


def household_post(v_number):
    return {
        "municipality": municipality().pk,
        "category": Household.Category.REGULAR,
        "reunification_expected_members": "0",
        "residents-TOTAL_FORMS": "1",
        "residents-INITIAL_FORMS": "0",
        "residents-MIN_NUM_FORMS": "1",
        "residents-MAX_NUM_FORMS": "1000",
        "residents-0-v_number": v_number,
        "residents-0-given_name": "Amal",
        "residents-0-family_name": "Haddad",
    }


def assert_neutral(text, foreign):
    assert NEUTRAL in text
    assert TELLS_IT_EXISTS not in text
    assert foreign.reference not in text and foreign.household.reference not in text
    assert "Utrecht" not in text


def test_household_page_names_a_duplicate_in_scope(client, staff_groningen):
    own = ResidentFactory(v_number="1234567891")
    client.force_login(staff_groningen)
    response = client.post(reverse("household_create"), household_post("1234567891"))
    assert response.status_code == 200
    assert (
        f"Er bestaat al een bewoner met dit V-nummer: {own.reference} van huishouden "
        f"{own.household.reference}." in response.text
    )
    assert refusals() == []
    assert Resident.objects.count() == 1


def test_household_page_refuses_a_foreign_duplicate_neutrally_and_logs_it(client, staff_groningen, foreign):
    client.force_login(staff_groningen)
    response = client.post(reverse("household_create"), household_post("1234 5678 91"))
    assert response.status_code == 200
    assert_neutral(response.text, foreign)
    assert refusals() == [("residents.resident", str(foreign.pk), "v_number_check")]
    entry = AccessLogEntry.objects.get(result="refused")
    assert entry.actor == staff_groningen and entry.subject_reference == ""
    assert "1234567891" not in entry.request_path
    assert Resident.objects.count() == 1 and Household.objects.count() == 1


def test_adding_a_resident_with_a_foreign_v_number_is_refused_neutrally(client, staff_groningen, foreign):
    household = HouseholdFactory()
    client.force_login(staff_groningen)
    data = {"v_number": "1234567891", "given_name": "Lina", "family_name": "Haddad"}
    response = client.post(reverse("resident_create", args=[household.pk]), data)
    assert response.status_code == 200
    assert_neutral(response.text, foreign)
    assert refusals() == [("residents.resident", str(foreign.pk), "v_number_check")]
    assert not household.residents.exists()


def test_correcting_a_v_number_into_a_foreign_one_is_refused_neutrally(client, staff_groningen, foreign):
    own = ResidentFactory(v_number="5555555555")
    client.force_login(staff_groningen)
    data = {"v_number": "1234567891", "given_name": own.given_name, "family_name": own.family_name}
    response = client.post(reverse("resident_edit", args=[own.pk]), data)
    assert response.status_code == 200
    assert_neutral(response.text, foreign)
    own.refresh_from_db()
    assert own.v_number == "5555555555"
    assert refusals() == [("residents.resident", str(foreign.pk), "v_number_check")]


def test_keeping_ones_own_v_number_is_no_duplicate(client, staff_groningen):
    own = ResidentFactory(v_number="5555555555")
    client.force_login(staff_groningen)
    data = {"v_number": "5555555555", "given_name": "Omer", "family_name": own.family_name}
    assert client.post(reverse("resident_edit", args=[own.pk]), data).status_code == 302
    assert refusals() == []


@pytest.fixture
def admin_pioneer(pioneer):
    ensure_role_groups()
    return pioneer


def test_admin_resident_change_refuses_a_foreign_v_number_neutrally(client, admin_pioneer, foreign):
    own = ResidentFactory(v_number="5555555555")
    client.force_login(admin_pioneer)
    data = {
        "household": own.household_id,
        "v_number": "1234567891",
        "given_name": own.given_name,
        "family_name": own.family_name,
        "health_insurance": own.health_insurance,
    }
    response = client.post(reverse("admin:residents_resident_change", args=[own.pk]), data)
    assert response.status_code == 200
    assert_neutral(response.content.decode(), foreign)
    assert "bestaat al" not in response.content.decode()  # not Django's own "… already exists"
    own.refresh_from_db()
    assert own.v_number == "5555555555"
    assert ("residents.resident", str(foreign.pk), "v_number_check") in refusals()


def test_admin_household_inline_names_a_duplicate_in_scope(client, admin_pioneer):
    own = ResidentFactory(v_number="1234567891")
    client.force_login(admin_pioneer)
    data = {
        "municipality": municipality().pk,
        "category": Household.Category.REGULAR,
        "reunification_expected_members": "0",
        "residents-TOTAL_FORMS": "1",
        "residents-INITIAL_FORMS": "0",
        "residents-MIN_NUM_FORMS": "0",
        "residents-MAX_NUM_FORMS": "1000",
        "residents-0-v_number": "1234567891",
        "residents-0-given_name": "Amal",
        "residents-0-family_name": "Haddad",
        "residents-0-health_insurance": "unknown",
    }
    response = client.post(reverse("admin:residents_household_add"), data)
    assert response.status_code == 200
    assert own.reference in response.content.decode()
    assert Household.objects.count() == 1


def test_import_refuses_a_foreign_v_number_neutrally_and_logs_it(client, admin_pioneer, foreign):
    client.force_login(admin_pioneer)
    response = preview(
        client, "residents/household", xlsx_file(HOUSEHOLD_HEADER, household_rows()), XLSX_FORMAT
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert NEUTRAL_IN_IMPORT in text
    assert "al geregistreerd" not in text and foreign.reference not in text
    assert refusals() == [("residents.resident", str(foreign.pk), "v_number_check")]
    assert Resident.objects.count() == 1  # the rolled-back preview kept nothing, the log row stayed


def test_import_names_a_duplicate_in_scope(client, admin_pioneer):
    own = ResidentFactory(v_number="1234567891")
    client.force_login(admin_pioneer)
    response = preview(
        client, "residents/household", xlsx_file(HOUSEHOLD_HEADER, household_rows()), XLSX_FORMAT
    )
    text = response.content.decode()
    assert f"V-nummer 1234567891 is al geregistreerd in Thuisgevers: {own.reference}" in text
    assert refusals() == []


def test_a_v_number_registered_at_the_same_moment_gives_the_message_not_an_error_page(staff_groningen):
    """Two saves of one V-number at once both pass the check; the database's unique constraint
    stops the second. saved_or_clash turns that into the check's message and saves nothing."""
    from django import forms

    from residents.models import Resident
    from residents.vnumbers import saved_or_clash

    class VNumberForm(forms.Form):
        v_number = forms.CharField()

    form = VNumberForm({"v_number": "7777777777"})
    assert form.is_valid()
    household = ResidentFactory().household

    # The other user's resident lands after our check and before our save.
    winner = ResidentFactory(household=household, v_number="7777777777", given_name="Eerst")

    def save():
        return Resident.objects.create(household=household, v_number="7777777777", given_name="Tweede")

    assert saved_or_clash(form, staff_groningen, save) is None
    assert winner.reference in form.errors["v_number"][0]  # in scope: the message names the winner
    assert list(Resident.objects.filter(v_number="7777777777")) == [winner]
