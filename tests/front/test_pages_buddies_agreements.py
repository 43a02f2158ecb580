"""Buddy and intent agreement pages: scope, matches, progress, query budgets."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from buddies.models import BuddyMatch
from housing.models import IntentAgreement
from tests.factories import (
    UTRECHT,
    ActivityFactory,
    BuddyFactory,
    BuddyMatchFactory,
    HouseholdFactory,
    IntentAgreementFactory,
    PlacementFactory,
    PropertyFactory,
    ResidentFactory,
    municipality,
)
from tests.front.pages_helpers import assert_no_inline_code, count_queries, fast_password_hashing  # noqa: F401

pytestmark = pytest.mark.django_db

LIST_BUDGET = 12
DETAIL_BUDGET = 12


def today():
    return timezone.localdate()


# --- Buddies ---------------------------------------------------------------------------------


def test_buddy_list_shows_own_buddies_with_current_matches(client, staff_groningen):
    buddy = BuddyFactory(name="Anneke Bos")
    BuddyMatchFactory(buddy=buddy, start_date=today() - dt.timedelta(days=3))
    BuddyMatchFactory(buddy=buddy, start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 6, 1))
    BuddyFactory(name="Utrechtse Buddy", municipality=municipality(UTRECHT))
    client.force_login(staff_groningen)
    response = client.get(reverse("buddy_list"))
    assert response.status_code == 200
    rows = list(response.context["page_obj"])
    assert [(b.name, b.active_matches) for b in rows] == [("Anneke Bos", 1)]
    assert_no_inline_code(response.text)


def test_buddy_filters(client, staff_groningen):
    busy = BuddyFactory(name="Bezet", languages="Arabisch")
    BuddyMatchFactory(buddy=busy, start_date=today())
    free = BuddyFactory(name="Vrij", languages="Tigrinya")
    client.force_login(staff_groningen)

    def names(**query):
        return {b.name for b in client.get(reverse("buddy_list"), query).context["page_obj"]}

    assert names(available="true") == {free.name}
    assert names(languages="tigr") == {free.name}
    assert names(name="bez") == {busy.name}


@pytest.mark.parametrize(
    "query", [{"page": "abc"}, {"active": "perhaps"}, {"municipality": "0"}, {"ordering": "?"}]
)
def test_buddy_list_bad_query_strings_never_give_an_error_page(client, staff_groningen, query):
    BuddyFactory()
    client.force_login(staff_groningen)
    assert client.get(reverse("buddy_list"), query).status_code == 200


def test_buddy_detail_scope(client, staff_groningen, coordinator):
    own = BuddyFactory()
    BuddyMatchFactory(buddy=own)
    foreign = BuddyFactory(municipality=municipality(UTRECHT))
    client.force_login(staff_groningen)
    response = client.get(own.get_absolute_url())
    assert response.status_code == 200
    assert own.matches.get().household.reference in response.text
    assert client.get(foreign.get_absolute_url()).status_code == 404
    client.force_login(coordinator)
    assert client.get(own.get_absolute_url()).status_code == 403


def test_matching_a_buddy_with_a_household_without_one(client, staff_groningen):
    household, buddy = HouseholdFactory(), BuddyFactory()
    client.force_login(staff_groningen)
    response = client.post(
        reverse("match_create"),
        {"household": household.pk, "buddy": buddy.pk, "start_date": today().isoformat()},
    )
    assert response.status_code == 302
    assert response["Location"] == household.get_absolute_url()
    assert BuddyMatch.objects.get().buddy == buddy


def test_a_household_with_a_buddy_or_outside_the_scope_cannot_be_matched(client, staff_groningen):
    matched = BuddyMatchFactory(start_date=today() - dt.timedelta(days=1)).household
    foreign = HouseholdFactory(municipality=municipality(UTRECHT))
    foreign_buddy = BuddyFactory(municipality=municipality(UTRECHT))
    buddy = BuddyFactory()
    client.force_login(staff_groningen)
    for household, chosen in ((matched, buddy), (foreign, buddy), (HouseholdFactory(), foreign_buddy)):
        response = client.post(
            reverse("match_create"),
            {"household": household.pk, "buddy": chosen.pk, "start_date": today().isoformat()},
        )
        assert response.status_code == 200
        assert response.context["form"].errors
    assert BuddyMatch.objects.count() == 1


def test_match_form_preselects_from_the_address(client, staff_groningen):
    household = HouseholdFactory()
    client.force_login(staff_groningen)
    response = client.get(reverse("match_create"), {"household": household.pk, "buddy": "x"})
    assert response.status_code == 200
    assert response.context["form"].initial["household"] == household.pk


def test_buddy_list_runs_the_same_number_of_queries_for_1_and_30_rows(
    client, staff_groningen, django_assert_max_num_queries
):
    client.force_login(staff_groningen)
    BuddyMatchFactory()
    one = count_queries(client, reverse("buddy_list"))
    BuddyMatchFactory.create_batch(29)
    assert count_queries(client, reverse("buddy_list")) == one
    with django_assert_max_num_queries(LIST_BUDGET):
        client.get(reverse("buddy_list"))


def test_buddy_detail_runs_the_same_number_of_queries_for_1_and_30_matches(
    client, staff_groningen, django_assert_max_num_queries
):
    client.force_login(staff_groningen)
    buddy = BuddyFactory()
    BuddyMatchFactory(buddy=buddy)
    one = count_queries(client, buddy.get_absolute_url())
    BuddyMatchFactory.create_batch(29, buddy=buddy)
    assert count_queries(client, buddy.get_absolute_url()) == one
    with django_assert_max_num_queries(DETAIL_BUDGET):
        client.get(buddy.get_absolute_url())


# --- Intent agreements ---------------------------------------------------------------------------


def agreement_with_placements(persons, **kwargs):
    agreement = IntentAgreementFactory(**kwargs)
    prop = PropertyFactory(agreement=agreement, capacity=max(persons, 1))
    for _ in range(persons):
        PlacementFactory(property=prop, start_date=today(), planned_end=None)
    return agreement


def test_agreement_list_shows_placed_against_committed_persons(client, staff_groningen):
    agreement = agreement_with_placements(3, committed_persons=30)
    IntentAgreementFactory(municipality=municipality(UTRECHT))
    client.force_login(staff_groningen)
    response = client.get(reverse("agreement_list"))
    assert response.status_code == 200
    [item] = response.context["progress"]
    assert (item.agreement, item.committed, item.placed) == (agreement, 30, 3)
    assert_no_inline_code(response.text)


def test_agreement_list_filters_by_status_and_partner_municipality(client, pioneer):
    signed = IntentAgreementFactory(
        status=IntentAgreement.Status.SIGNED, college_decision_date=dt.date(2026, 5, 1)
    )
    partnered = IntentAgreementFactory(municipality=municipality("GM0037"))
    partnered.partners.add(municipality())
    client.force_login(pioneer)

    def pks(**query):
        return {i.agreement.pk for i in client.get(reverse("agreement_list"), query).context["progress"]}

    assert pks(status="signed") == {signed.pk}
    assert pks(municipality=municipality("GM0037").pk) == {partnered.pk}
    assert pks(municipality=municipality().pk) == {signed.pk, partnered.pk}


@pytest.mark.parametrize(
    "query", [{"page": "abc"}, {"page": "99999"}, {"status": "nonsense"}, {"municipality": "x"}]
)
def test_agreement_list_bad_query_strings_never_give_an_error_page(client, staff_groningen, query):
    IntentAgreementFactory()
    client.force_login(staff_groningen)
    assert client.get(reverse("agreement_list"), query).status_code == 200


def test_agreement_detail_shows_progress_activities_and_properties(client, staff_groningen):
    agreement = agreement_with_placements(2, committed_persons=25)
    ActivityFactory(agreement=agreement, summary="Inspiratiesessie met de kerken.")
    client.force_login(staff_groningen)
    response = client.get(agreement.get_absolute_url())
    assert response.status_code == 200
    assert (response.context["progress"].placed, response.context["progress"].committed) == (2, 25)
    assert "Inspiratiesessie met de kerken." in response.text
    assert agreement.properties.get().name in response.text
    assert_no_inline_code(response.text)


def test_agreement_detail_of_another_municipality_is_404(client, staff_groningen, staff_utrecht, coordinator):
    agreement = IntentAgreementFactory(municipality=municipality(UTRECHT))
    client.force_login(staff_groningen)
    assert client.get(agreement.get_absolute_url()).status_code == 404
    client.force_login(staff_utrecht)
    assert client.get(agreement.get_absolute_url()).status_code == 200
    client.force_login(coordinator)
    assert client.get(agreement.get_absolute_url()).status_code == 403


def test_agreement_list_runs_the_same_number_of_queries_for_1_and_30_rows(
    client, staff_groningen, django_assert_max_num_queries
):
    client.force_login(staff_groningen)
    agreement_with_placements(1).partners.add(municipality("GM0037"))
    one = count_queries(client, reverse("agreement_list"))
    for _ in range(29):
        agreement_with_placements(1).partners.add(municipality("GM0037"))
    assert count_queries(client, reverse("agreement_list")) == one
    with django_assert_max_num_queries(LIST_BUDGET):
        client.get(reverse("agreement_list"))


def test_agreement_detail_runs_the_same_number_of_queries_for_1_and_30_activities(
    client, staff_groningen, django_assert_max_num_queries
):
    client.force_login(staff_groningen)
    agreement = agreement_with_placements(1)
    ActivityFactory(agreement=agreement)
    one = count_queries(client, agreement.get_absolute_url())
    ActivityFactory.create_batch(29, agreement=agreement)
    for _ in range(29):
        PropertyFactory(agreement=agreement)
    assert count_queries(client, agreement.get_absolute_url()) == one
    with django_assert_max_num_queries(DETAIL_BUDGET):
        client.get(agreement.get_absolute_url())


def test_household_with_residents_placed_counts_as_persons_not_households(client, staff_groningen):
    agreement = IntentAgreementFactory()
    prop = PropertyFactory(agreement=agreement, capacity=5)
    household = HouseholdFactory()
    for _ in range(3):
        PlacementFactory(resident=ResidentFactory(household=household), property=prop, start_date=today())
    client.force_login(staff_groningen)
    response = client.get(agreement.get_absolute_url())
    assert response.context["progress"].placed == 3
