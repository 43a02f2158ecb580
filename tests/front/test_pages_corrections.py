"""The daily work in the browser without the admin: header search, edit pages with history, and the
whole-household actions. Bad input changes nothing and says why in Dutch; pages with personal data
write the access log; edits appear in the audit history."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from accesslog.models import AccessLogEntry
from residents.models import Household, Placement, Resident
from tests.factories import (
    UTRECHT,
    HouseholdFactory,
    PlacementFactory,
    PropertyFactory,
    ResidentFactory,
    municipality,
)
from tests.front.pages_helpers import fast_password_hashing  # noqa: F401

pytestmark = pytest.mark.django_db

JULY = dt.date(2026, 7, 1)
JANUARY = dt.date(2027, 1, 1)


@pytest.fixture
def household():
    household = HouseholdFactory()
    prop = PropertyFactory(capacity=6, name="Pastorie Kerkstraat")
    for given in ("Amina", "Omar"):
        resident = ResidentFactory(household=household, given_name=given, family_name="Haddad")
        PlacementFactory(resident=resident, property=prop, start_date=JULY, planned_end=JANUARY)
    return household


@pytest.fixture
def staff(client, staff_groningen):
    client.force_login(staff_groningen)
    return client


# --- search ---


def test_search_finds_by_v_number_and_misspelt_name_and_logs_who_was_shown(staff, household):
    amina = household.residents.get(given_name="Amina")
    response = staff.get(reverse("search"), {"q": amina.v_number})
    assert response.status_code == 200 and "Amina Haddad" in response.text
    assert "Omar" not in response.text
    assert AccessLogEntry.objects.filter(action="list", purpose="search", subject_id=str(amina.pk)).exists()
    response = staff.get(reverse("search"), {"q": "omar hadad"})
    assert "Omar Haddad" in response.text


def test_search_never_shows_another_municipality(staff, household):
    foreign = ResidentFactory(
        household=HouseholdFactory(municipality=municipality(UTRECHT)), family_name="Haddad"
    )
    response = staff.get(reverse("search"), {"q": "Haddad"})
    assert foreign.v_number not in response.text
    assert not AccessLogEntry.objects.filter(subject_id=str(foreign.pk)).exists()


def test_coordinator_gets_no_search_results(client, coordinator, household):
    client.force_login(coordinator)
    response = client.get(reverse("search"), {"q": "Haddad"})
    assert response.status_code == 403
    assert "<table" not in response.text
    assert not AccessLogEntry.objects.filter(action="list").exists()


def test_a_too_long_search_says_why_in_dutch(staff, household):
    response = staff.get(reverse("search"), {"q": "x" * 101})
    assert response.status_code == 200
    assert "100 tekens" in response.text
    assert not AccessLogEntry.objects.filter(action="list").exists()


# --- edit pages ---


def test_household_edit_saves_shows_history_and_is_audited(staff, household):
    url = reverse("household_edit", args=[household.pk])
    data = {
        "municipality": household.municipality.pk,
        "category": "resettled",
        "reunification_expected_members": 2,
    }
    assert staff.post(url, data).status_code == 302
    household.refresh_from_db()
    assert household.category == "resettled"
    entry = LogEntry.objects.get_for_object(household).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor.username == "groningen"
    assert entry.changes["category"] == ["regular", "resettled"]
    assert "Wijzigingsgeschiedenis" in staff.get(url).text


def test_household_edit_with_bad_dates_changes_nothing(staff, household):
    url = reverse("household_edit", args=[household.pk])
    data = {
        "municipality": household.municipality.pk,
        "category": "regular",
        "reunification_expected_members": 1,
        "reunification_applied_on": "2026-05-01",
        "reunification_arrived_on": "2026-04-01",
    }
    response = staff.post(url, data)
    assert response.status_code == 200
    assert "voor de aanvraagdatum" in response.text or "vóór" in response.text or "aanvraag" in response.text
    household.refresh_from_db()
    assert household.reunification_arrived_on is None


def test_another_municipalitys_household_edit_is_a_404(staff):
    foreign = HouseholdFactory(municipality=municipality(UTRECHT))
    assert staff.get(reverse("household_edit", args=[foreign.pk])).status_code == 404
    assert AccessLogEntry.objects.filter(result="refused", subject_id=str(foreign.pk)).exists()


def test_add_a_reunified_family_member_who_joins_the_placement(staff, household):
    household.reunification_expected_members = 1
    household.save()
    data = {
        "v_number": "2000000001",
        "given_name": "Lina",
        "family_name": "Haddad",
        "arrived_on": "2026-09-15",
        "join_current": "on",
    }
    response = staff.post(reverse("resident_create", args=[household.pk]), data, follow=True)
    assert "Lina Haddad is aan het huishouden toegevoegd." in response.text
    lina = Resident.objects.get(v_number="2000000001")
    assert lina.placements.get().start_date == dt.date(2026, 9, 15)
    assert LogEntry.objects.get_for_object(lina).filter(action=LogEntry.Action.CREATE).exists()


def test_adding_a_resident_with_a_bad_v_number_changes_nothing(staff, household):
    data = {"v_number": "12ab", "given_name": "Lina", "family_name": "Haddad"}
    response = staff.post(reverse("resident_create", args=[household.pk]), data)
    assert response.status_code == 200
    assert "V-nummer" in response.text
    assert household.residents.count() == 2


def test_correct_a_name_and_see_it_in_the_history(staff, household):
    omar = household.residents.get(given_name="Omar")
    url = reverse("resident_edit", args=[omar.pk])
    data = {
        "v_number": omar.v_number,
        "given_name": "Omer",
        "family_name": "Haddad",
        "birth_date": "1990-05-17",
    }
    assert staff.post(url, data).status_code == 302
    page = staff.get(url)
    assert "Omar → Omer" in page.text
    assert AccessLogEntry.objects.filter(subject_id=str(omar.pk), action="view").exists()


def test_a_placed_resident_cannot_be_removed(staff, household):
    omar = household.residents.get(given_name="Omar")
    response = staff.post(reverse("resident_remove", args=[omar.pk]), follow=True)
    assert "blijft geregistreerd" in response.text
    assert Resident.objects.filter(pk=omar.pk).exists()


def test_change_a_placements_planned_end_through_the_service(staff, household):
    placement = Placement.objects.filter(resident__household=household).first()
    url = reverse("placement_edit", args=[placement.pk])
    data = {
        "kind": "har",
        "start_date": "2026-07-01",
        "planned_end": "2027-03-01",
        "end_date": "",
        "outflow": "",
    }
    response = staff.post(f"{url}?next=/households/{household.pk}/", data)
    assert response.status_code == 302 and response.url == f"/households/{household.pk}/"
    placement.refresh_from_db()
    assert placement.planned_end == dt.date(2027, 3, 1)
    assert LogEntry.objects.get_for_object(placement).filter(action=LogEntry.Action.UPDATE).exists()


def test_placement_edit_refuses_an_unsafe_next_and_bad_dates(staff, household):
    placement = Placement.objects.filter(resident__household=household).first()
    url = reverse("placement_edit", args=[placement.pk]) + "?next=https://evil.example/"
    page = staff.get(url)
    assert 'href="https://evil.example/"' not in page.text
    assert f'name="next" value="/households/{household.pk}/#placements-title"' in page.text
    data = {
        "kind": "har",
        "start_date": "2026-07-01",
        "planned_end": "2027-09-01",
        "end_date": "",
        "outflow": "",
    }
    response = staff.post(url, data)
    assert response.status_code == 200
    assert "kan alleen met een reden voor verlenging" in response.text
    placement.refresh_from_db()
    assert placement.planned_end == JANUARY


# --- whole-household actions ---


def test_extend_the_stay_with_a_reason(staff, household):
    url = reverse("household_extend", args=[household.pk])
    response = staff.post(url, {"planned_end": "2027-09-01", "extension_reason": ""})
    assert response.status_code == 200 and "kan alleen met een reden voor verlenging" in response.text
    assert set(Placement.objects.values_list("planned_end", flat=True)) == {JANUARY}
    response = staff.post(url, {"planned_end": "2027-09-01", "extension_reason": "Nareis"}, follow=True)
    assert "is verlengd tot 1 september 2027" in response.text and "Amina Haddad" in response.text


def test_move_to_the_next_home_ahead(staff, household):
    home = PropertyFactory(capacity=4, municipality=household.municipality, name="Woning Zuid")
    url = reverse("household_move", args=[household.pk])
    data = {"property": home.pk, "kind": "permanent", "day": "2027-01-01", "planned_end": "", "outflow": ""}
    response = staff.post(url, data, follow=True)
    assert "verhuizen op 1 januari 2027 naar Woning Zuid" in response.text
    assert Placement.objects.filter(property=home).count() == 2
    assert set(Placement.objects.exclude(property=home).values_list("end_date", "outflow")) == {
        (JANUARY, "permanent_here")
    }


def test_move_into_a_full_home_changes_nothing_and_says_why(staff, household):
    full = PropertyFactory(capacity=1, municipality=household.municipality)
    data = {"property": full.pk, "kind": "permanent", "day": "2026-10-01", "planned_end": "", "outflow": ""}
    response = staff.post(reverse("household_move", args=[household.pk]), data)
    assert response.status_code == 200 and "is vol" in response.text
    assert not Placement.objects.filter(end_date__isnull=False).exists()


def test_end_the_stay_of_the_whole_household_and_a_second_submit_overwrites_nothing(staff, household):
    url = reverse("household_end", args=[household.pk])
    response = staff.post(url, {"end_date": "2026-11-01", "outflow": "left"}, follow=True)
    assert "eindigen op 1 november 2026" in response.text
    response = staff.post(url, {"end_date": "2026-12-01", "outflow": "other"})
    assert response.status_code == 200 and "niets te beëindigen" in response.text
    assert set(Placement.objects.values_list("end_date", "outflow")) == {(dt.date(2026, 11, 1), "left")}


def test_second_submit_of_the_single_end_form_keeps_the_first_end_date(staff, household):
    placement = Placement.objects.filter(resident__household=household).first()
    url = reverse("placement_end", args=[placement.pk])
    prefix = f"end-{placement.pk}"
    staff.post(url, {f"{prefix}-end_date": "2026-11-01", f"{prefix}-outflow": "left"})
    response = staff.post(url, {f"{prefix}-end_date": "2026-12-01", f"{prefix}-outflow": "other"})
    assert response.status_code == 200 and "eindigt al op 01-11-2026" in response.text
    assert 'href="/households/" aria-current="page"' in response.text
    placement.refresh_from_db()
    assert placement.end_date == dt.date(2026, 11, 1)


def test_end_form_with_an_empty_date_changes_nothing(staff, household):
    response = staff.post(reverse("household_end", args=[household.pk]), {"end_date": "", "outflow": ""})
    assert response.status_code == 200 and "Dit veld is verplicht" in response.text
    assert not Placement.objects.filter(end_date__isnull=False).exists()


# --- the placement form ---


def test_placement_form_shows_free_places_household_size_and_goes_back(staff, household):
    prop = PropertyFactory(capacity=5, name="Kloosterhof")
    url = reverse("placement_create") + f"?household={household.pk}&next=/households/{household.pk}/"
    page = staff.get(url)
    assert "Kloosterhof" in page.text and "5 van 5 plekken vrij" in page.text
    assert "2 personen" in page.text
    assert f'href="/households/{household.pk}/"' in page.text
    del prop


def test_a_user_with_one_municipality_gets_it_preselected(staff):
    page = staff.get(reverse("household_create"))
    assert f'value="{municipality().pk}" selected' in page.text


def test_household_list_page_budget(staff, household, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert staff.get(reverse("search"), {"q": "Haddad"}).status_code == 200
    assert Household.objects.count() == 1
