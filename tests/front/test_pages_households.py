"""Household pages: scope, pseudonymous list, create with residents, care details, access log."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accesslog.models import AccessLogEntry
from residents.models import Household, Resident
from tests.factories import (
    UTRECHT,
    BuddyMatchFactory,
    HouseholdFactory,
    PlacementFactory,
    PropertyFactory,
    ResidentFactory,
    municipality,
)
from tests.front.pages_helpers import assert_no_inline_code, count_queries, fast_password_hashing  # noqa: F401

pytestmark = pytest.mark.django_db

LIST_BUDGET = 12
DETAIL_BUDGET = 16  # + proposals and held places of the household


def today():
    return timezone.localdate()


def create_data(*residents, **household):
    data = {
        "municipality": municipality().pk,
        "category": Household.Category.REGULAR,
        "reunification_expected_members": "0",
        "residents-TOTAL_FORMS": str(len(residents)),
        "residents-INITIAL_FORMS": "0",
        "residents-MIN_NUM_FORMS": "1",
        "residents-MAX_NUM_FORMS": "1000",
    }
    data.update(household)
    for index, resident in enumerate(residents):
        for key, value in resident.items():
            data[f"residents-{index}-{key}"] = value
    return data


def resident_data(v_number="1234567890", given_name="Amal", family_name="Haddad"):
    return {"v_number": v_number, "given_name": given_name, "family_name": family_name}


def test_list_shows_references_and_family_names_not_given_names(client, staff_groningen):
    resident = ResidentFactory(given_name="Yara", family_name="Khalil")
    client.force_login(staff_groningen)
    response = client.get(reverse("household_list"))
    assert response.status_code == 200
    assert resident.household.reference in response.text
    assert "Khalil" in response.text and "Yara" not in response.text
    assert_no_inline_code(response.text)


def test_list_hides_other_municipalities_households(client, staff_groningen):
    foreign = HouseholdFactory(municipality=municipality(UTRECHT))
    client.force_login(staff_groningen)
    response = client.get(reverse("household_list"))
    assert foreign.reference not in response.text


def test_coordinator_gets_no_access_to_households(client, coordinator):
    household = HouseholdFactory()
    client.force_login(coordinator)
    for url in (reverse("household_list"), household.get_absolute_url(), reverse("household_create")):
        response = client.get(url)
        assert response.status_code == 403
        assert household.reference not in response.text


def test_list_columns_and_filters_for_placement_and_care(client, staff_groningen):
    placed = ResidentFactory(gp_practice="De Linie", health_insurance=Resident.Insurance.INSURED).household
    PlacementFactory(resident=placed.residents.get(), start_date=today(), planned_end=None)
    waiting = ResidentFactory().household  # no GP, insurance unknown
    ResidentFactory(household=waiting)
    client.force_login(staff_groningen)
    rows = {h.reference: h for h in client.get(reverse("household_list")).context["page_obj"]}
    assert (rows[placed.reference].placed_now, rows[placed.reference].care_gaps) == (True, 0)
    assert (
        rows[waiting.reference].placed_now,
        rows[waiting.reference].care_gaps,
        rows[waiting.reference].persons,
    ) == (
        False,
        2,
        2,
    )

    def references(**query):
        return {h.reference for h in client.get(reverse("household_list"), query).context["page_obj"]}

    assert references(placed="yes") == {placed.reference}
    assert references(placed="no") == {waiting.reference}
    assert references(care="gap") == {waiting.reference}
    assert references(care="complete") == {placed.reference}


@pytest.mark.parametrize(
    "query",
    [{"page": "abc"}, {"page": "99999"}, {"category": "nonsense"}, {"placed": "maybe"}, {"ordering": "x"}],
)
def test_bad_query_strings_never_give_an_error_page(client, staff_groningen, query):
    HouseholdFactory()
    client.force_login(staff_groningen)
    assert client.get(reverse("household_list"), query).status_code == 200


def test_detail_shows_residents_and_writes_one_access_log_row_per_resident(client, staff_groningen):
    household = HouseholdFactory()
    residents = ResidentFactory.create_batch(3, household=household)
    client.force_login(staff_groningen)
    response = client.get(household.get_absolute_url())
    assert response.status_code == 200
    for resident in residents:
        assert resident.given_name in response.text
    entries = AccessLogEntry.objects.filter(actor=staff_groningen, action="view")
    assert sorted(entries.values_list("subject_reference", flat=True)) == sorted(
        r.reference for r in residents
    )
    assert_no_inline_code(response.text)


def test_detail_of_another_municipalitys_household_is_404_and_logs_no_view(client, staff_groningen):
    foreign = ResidentFactory(household=HouseholdFactory(municipality=municipality(UTRECHT))).household
    client.force_login(staff_groningen)
    assert client.get(foreign.get_absolute_url()).status_code == 404
    assert not AccessLogEntry.objects.filter(action="view", result="success").exists()


def test_household_placed_in_own_property_is_visible_to_the_property_municipality(client, staff_groningen):
    resident = ResidentFactory(household=HouseholdFactory(municipality=municipality(UTRECHT)))
    PlacementFactory(resident=resident, property=PropertyFactory(), start_date=today(), planned_end=None)
    client.force_login(staff_groningen)
    assert client.get(resident.household.get_absolute_url()).status_code == 200


def test_pioneer_sees_households_of_assigned_municipalities(client, pioneer, staff_utrecht):
    household = HouseholdFactory(municipality=municipality("GM0037"))
    client.force_login(pioneer)
    assert client.get(household.get_absolute_url()).status_code == 200
    client.force_login(staff_utrecht)
    assert client.get(household.get_absolute_url()).status_code == 404


def test_detail_shows_buddy_and_family_reunification(client, staff_groningen):
    household = HouseholdFactory(
        reunification_expected_members=2, reunification_applied_on=dt.date(2026, 3, 1)
    )
    ResidentFactory(household=household)
    match = BuddyMatchFactory(household=household, start_date=today() - dt.timedelta(days=5))
    client.force_login(staff_groningen)
    response = client.get(household.get_absolute_url())
    assert escape(match.buddy.name) in response.text  # Faker's names may hold an apostrophe
    assert response.context["has_buddy_now"] is True
    assert "1 maart 2026" in response.text


def test_create_saves_household_and_residents_together(client, staff_groningen):
    client.force_login(staff_groningen)
    response = client.post(
        reverse("household_create"),
        create_data(resident_data(), resident_data("0987654321", "Omar", "Haddad"), {}),
    )
    household = Household.objects.get()
    assert response.status_code == 302
    assert response["Location"] == household.get_absolute_url()
    assert sorted(household.residents.values_list("v_number", flat=True)) == ["0987654321", "1234567890"]


@pytest.mark.parametrize(
    ("v_number", "message"),
    [
        ("123456789", "Een V-nummer bestaat uit precies 10 cijfers."),
        ("12345678901", "Een V-nummer bestaat uit precies 10 cijfers."),
        ("12345abcde", "Een V-nummer bestaat uit precies 10 cijfers."),
    ],
)
def test_create_refuses_a_bad_v_number_with_a_dutch_message_and_saves_nothing(
    client, staff_groningen, v_number, message
):
    client.force_login(staff_groningen)
    response = client.post(reverse("household_create"), create_data(resident_data(v_number)))
    assert response.status_code == 200
    assert message in response.text
    assert 'id="id_residents-0-v_number_error"' in response.text
    assert not Household.objects.exists() and not Resident.objects.exists()


def test_create_refuses_an_existing_or_repeated_v_number(client, staff_groningen):
    ResidentFactory(v_number="1234567890")
    client.force_login(staff_groningen)
    response = client.post(reverse("household_create"), create_data(resident_data("1234567890")))
    assert "Er bestaat al een bewoner met dit V-nummer: BW-" in response.text
    response = client.post(
        reverse("household_create"),
        create_data(resident_data("5555555555"), resident_data("5555555555", "Omar")),
    )
    assert "Dit V-nummer staat twee keer in dit huishouden." in response.text
    assert Household.objects.count() == 1  # only the factory's


def test_create_needs_at_least_one_resident(client, staff_groningen):
    client.force_login(staff_groningen)
    response = client.post(reverse("household_create"), create_data({}))
    assert response.status_code == 200
    assert "Voeg minstens één bewoner toe." in response.text
    assert not Household.objects.exists()


def test_create_refuses_a_municipality_outside_the_scope(client, staff_groningen):
    client.force_login(staff_groningen)
    response = client.post(
        reverse("household_create"), create_data(resident_data(), municipality=municipality(UTRECHT).pk)
    )
    assert response.status_code == 200
    assert not Household.objects.exists()


def test_add_resident_button_adds_a_row_and_keeps_what_was_typed(client, staff_groningen):
    client.force_login(staff_groningen)
    response = client.post(reverse("household_create"), {**create_data(resident_data()), "add_resident": "1"})
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == 2
    assert 'value="1234567890"' in response.text
    assert not Household.objects.exists()


def test_care_form_saves_gp_and_insurance(client, staff_groningen):
    resident = ResidentFactory()
    client.force_login(staff_groningen)
    prefix = f"care-{resident.pk}"
    response = client.post(
        resident.household.get_absolute_url(),
        {
            "resident": resident.pk,
            f"{prefix}-gp_practice": "Huisartsenpraktijk De Linie",
            f"{prefix}-gp_registered_on": "2026-09-01",
            f"{prefix}-health_insurance": "insured",
            f"{prefix}-insured_since": "2026-09-01",
        },
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert (resident.gp_practice, resident.health_insurance) == ("Huisartsenpraktijk De Linie", "insured")


def test_invalid_care_form_changes_nothing_and_explains(client, staff_groningen):
    resident = ResidentFactory()
    client.force_login(staff_groningen)
    prefix = f"care-{resident.pk}"
    response = client.post(
        resident.household.get_absolute_url(),
        {
            "resident": resident.pk,
            f"{prefix}-gp_registered_on": "2026-09-01",
            f"{prefix}-health_insurance": "unknown",
        },
    )
    assert response.status_code == 200
    assert "Vul de huisartsenpraktijk in die bij de inschrijfdatum hoort." in response.text
    assert "data-error-summary" in response.text
    resident.refresh_from_db()
    assert resident.gp_registered_on is None


@pytest.mark.parametrize("resident_value", ["abc", "", "999999"])
def test_care_form_for_a_resident_of_another_household_is_404(client, staff_groningen, resident_value):
    resident = ResidentFactory()
    other = ResidentFactory()
    client.force_login(staff_groningen)
    value = str(other.pk) if resident_value == "999999" else resident_value
    response = client.post(resident.household.get_absolute_url(), {"resident": value})
    assert response.status_code == 404
    # The household itself is in scope: nothing was refused, so no security event claims so.
    assert not AccessLogEntry.objects.filter(result="refused").exists()


def test_list_runs_the_same_number_of_queries_for_1_and_30_rows(
    client, staff_groningen, django_assert_max_num_queries
):
    client.force_login(staff_groningen)
    PlacementFactory(start_date=today(), planned_end=None)
    one = count_queries(client, reverse("household_list"))
    for _ in range(29):
        resident = ResidentFactory()
        PlacementFactory(resident=resident, start_date=today(), planned_end=None)
        BuddyMatchFactory(household=resident.household, start_date=today())
    assert count_queries(client, reverse("household_list")) == one
    with django_assert_max_num_queries(LIST_BUDGET):
        client.get(reverse("household_list"))


def test_detail_runs_the_same_number_of_queries_for_1_and_30_residents(
    client, staff_groningen, django_assert_max_num_queries
):
    client.force_login(staff_groningen)
    household = HouseholdFactory()
    prop = PropertyFactory(capacity=40)
    PlacementFactory(resident=ResidentFactory(household=household), property=prop, start_date=today())
    url = household.get_absolute_url()
    one = count_queries(client, url)
    for _ in range(29):
        PlacementFactory(resident=ResidentFactory(household=household), property=prop, start_date=today())
    assert count_queries(client, url) == one
    with django_assert_max_num_queries(DETAIL_BUDGET):
        client.get(url)


def test_the_household_list_shows_family_names_and_logs_the_residents_listed(client, staff_groningen):
    from accesslog.models import AccessLogEntry
    from tests.factories import ResidentFactory

    resident = ResidentFactory(family_name="Haddad")
    client.force_login(staff_groningen)
    text = client.get("/households/").content.decode()
    assert "Haddad" in text and resident.household.reference in text
    assert set(AccessLogEntry.objects.values_list("subject_id", "action")) == {(str(resident.pk), "list")}


def test_a_buddy_match_that_starts_later_is_not_shown_as_running_now(client, staff_groningen):
    from tests.factories import BuddyMatchFactory

    household = ResidentFactory().household
    BuddyMatchFactory(household=household, start_date=timezone.localdate() + dt.timedelta(days=10))
    client.force_login(staff_groningen)
    text = client.get(household.get_absolute_url()).text
    assert "zonder einde, begint later" in text
    assert " – nu</li>" not in text
