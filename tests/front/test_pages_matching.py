"""Matching pages (issue 16): waiting households, who fits where, proposals and holds — scope,
access log, query budgets, and the whole task from proposal to placement without the admin."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accesslog.models import AccessLogEntry
from housing.models import Property
from residents.models import Hold, Placement, Proposal
from tests.factories import (
    UTRECHT,
    HouseholdFactory,
    PlacementFactory,
    PropertyFactory,
    ResidentFactory,
    municipality,
)
from tests.front.pages_helpers import assert_no_inline_code, count_queries, fast_password_hashing  # noqa: F401

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def waiting(persons=2, linked_days_ago=30, **fields):
    household = HouseholdFactory(linked_on=today() - dt.timedelta(days=linked_days_ago), **fields)
    ResidentFactory.create_batch(persons, household=household)
    return household


def test_waiting_list_shows_the_longest_waiting_first_within_scope_and_is_logged(client, staff_groningen):
    recent = waiting(linked_days_ago=3)
    longest = waiting(linked_days_ago=200)
    placed = PlacementFactory().resident.household
    foreign = waiting(municipality=municipality(UTRECHT))
    client.force_login(staff_groningen)
    response = client.get(reverse("waiting_list"))
    assert response.status_code == 200
    text = response.text
    assert text.index(longest.reference) < text.index(recent.reference)
    assert placed.reference not in text and foreign.reference not in text
    assert ">200<" in text  # waiting days
    assert_no_inline_code(text)
    logged = set(AccessLogEntry.objects.filter(purpose="waiting_list").values_list("subject_id", flat=True))
    assert logged == {str(r.pk) for h in (recent, longest) for r in h.residents.all()}
    # Sorting the other way round, and a bad sort value is ignored, never an error.
    newest_first = client.get(reverse("waiting_list"), {"ordering": "-linked"}).text
    assert newest_first.index(recent.reference) < newest_first.index(longest.reference)
    assert client.get(reverse("waiting_list"), {"ordering": "<script>"}).status_code == 200


def test_waiting_list_query_count_does_not_grow_with_the_households(client, staff_groningen):
    waiting()
    client.force_login(staff_groningen)
    few = count_queries(client, reverse("waiting_list"))
    for _ in range(8):
        waiting()
    assert count_queries(client, reverse("waiting_list")) == few


def test_property_matches_rank_fits_and_say_why_not(client, staff_groningen):
    prop = PropertyFactory(capacity=4, status=Property.Status.APPROVED)
    fits = waiting(persons=3, linked_days_ago=100)
    too_big = waiting(persons=5, linked_days_ago=300)
    client.force_login(staff_groningen)
    response = client.get(reverse("property_matches", args=[prop.pk]))
    assert response.status_code == 200
    text = response.text
    assert "1 huishouden past" in text and "1 huishouden past niet" in text
    assert fits.reference in text and too_big.reference in text
    assert "5 personen, 4 vrije plaatsen vanaf" in text
    assert "Langst wachtend eerst" in text
    assert_no_inline_code(text)
    assert AccessLogEntry.objects.filter(purpose="matching", actor=staff_groningen).count() == 8


def test_matching_pages_keep_their_query_count_as_households_and_properties_grow(client, pioneer):
    prop = PropertyFactory(capacity=6)
    household = waiting()
    client.force_login(pioneer)
    urls = [reverse("property_matches", args=[prop.pk]), reverse("household_matches", args=[household.pk])]
    before = [count_queries(client, url) for url in urls]
    for _ in range(6):
        waiting()
        PlacementFactory(property=PropertyFactory(capacity=3), start_date=today())
    assert [count_queries(client, url) for url in urls] == before


def test_another_municipalitys_property_or_household_is_a_404_and_logged_as_refused(client, staff_groningen):
    prop = PropertyFactory(municipality=municipality(UTRECHT))
    household = waiting(municipality=municipality(UTRECHT))
    client.force_login(staff_groningen)
    assert client.get(reverse("property_matches", args=[prop.pk])).status_code == 404
    assert client.get(reverse("household_matches", args=[household.pk])).status_code == 404
    refused = AccessLogEntry.objects.filter(result="refused", actor=staff_groningen)
    assert set(refused.values_list("subject_type", flat=True)) == {"housing.property", "residents.household"}


def test_household_matches_list_the_places_in_its_municipality(client, staff_groningen):
    household = waiting(persons=2, needs_step_free=True)
    step_free = PropertyFactory(name="Drempelvrij", capacity=4, step_free=True)
    stairs = PropertyFactory(name="Trappenhuis", capacity=4)
    PropertyFactory(name="Nog in beoordeling", status=Property.Status.ASSESSING)
    client.force_login(staff_groningen)
    text = client.get(reverse("household_matches", args=[household.pk])).text
    assert "1 plek past" in text and "1 plek past niet" in text
    assert text.index(step_free.name) < text.index(stairs.name)
    assert "deze plek is niet drempelvrij" in text
    assert "Nog in beoordeling" not in text  # only approved or in-use places are candidates


def test_the_whole_task_propose_accept_and_the_household_is_placed(client, pioneer, staff_groningen):
    prop = PropertyFactory(capacity=4)
    household = waiting(persons=2)
    start = today() + dt.timedelta(days=5)
    client.force_login(pioneer)
    form = client.get(reverse("proposal_create", args=[prop.pk, household.pk]))
    assert form.status_code == 200 and "Waarom het past" in form.text
    response = client.post(
        reverse("proposal_create", args=[prop.pk, household.pk]),
        {"kind": "transit", "start_date": start.isoformat(), "respond_by": start.isoformat(), "note": ""},
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == proposal.get_absolute_url()
    assert proposal.hold.places == 2
    household_page = client.get(household.get_absolute_url()).text
    assert "Voorstellen en vastgehouden plaatsen" in household_page
    assert f'href="{proposal.get_absolute_url()}"' in household_page

    client.force_login(staff_groningen)
    page = client.get(proposal.get_absolute_url())
    assert page.status_code == 200 and "Besluit opslaan" in page.text
    response = client.post(proposal.get_absolute_url(), {"decision": "accept", "note": "Akkoord."})
    assert response.status_code == 302 and response["Location"] == household.get_absolute_url()
    assert (
        Placement.objects.filter(resident__household=household, property=prop, start_date=start).count() == 2
    )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    # Placed now: no longer waiting.
    assert f'href="{household.get_absolute_url()}"' not in client.get(reverse("waiting_list")).text


def test_declining_needs_a_reason_in_dutch_and_changes_nothing(client, pioneer):
    prop = PropertyFactory(capacity=4)
    household = waiting(persons=1)
    client.force_login(pioneer)
    start = today().isoformat()
    client.post(
        reverse("proposal_create", args=[prop.pk, household.pk]),
        {"kind": "har", "start_date": start, "respond_by": start},
    )
    proposal = Proposal.objects.get()
    response = client.post(proposal.get_absolute_url(), {"decision": "decline", "decline_reason": ""})
    assert response.status_code == 200 and "Kies de reden van afwijzing." in response.text
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.OPEN
    response = client.post(
        proposal.get_absolute_url(), {"decision": "decline", "decline_reason": "too_small"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decline_reason) == ("declined", "too_small")
    # Not proposed again for this property.
    again = client.post(
        reverse("proposal_create", args=[prop.pk, household.pk]),
        {"kind": "har", "start_date": start, "respond_by": start},
    )
    assert again.status_code == 200 and "Afgewezen voor deze woning op" in again.text
    assert Proposal.objects.count() == 1


@pytest.mark.parametrize("data", [{}, {"start_date": "gisteren", "respond_by": "2026-13-45", "kind": "x"}])
def test_bad_proposal_input_gets_a_dutch_message_and_saves_nothing(client, pioneer, data):
    prop = PropertyFactory()
    household = waiting(persons=1)
    client.force_login(pioneer)
    response = client.post(reverse("proposal_create", args=[prop.pk, household.pk]), data)
    assert response.status_code == 200
    assert "Dit veld is verplicht." in response.text or "Voer een geldige datum in." in response.text
    assert not Proposal.objects.exists() and not Hold.objects.exists()


def test_only_pioneers_propose(client, staff_groningen):
    prop = PropertyFactory()
    household = waiting(persons=1)
    client.force_login(staff_groningen)
    assert client.get(reverse("proposal_create", args=[prop.pk, household.pk])).status_code == 403


def test_holding_and_releasing_places_from_the_property_page(client, staff_groningen):
    prop = PropertyFactory(capacity=4)
    household = waiting(persons=1, reunification_expected_members=2)
    client.force_login(staff_groningen)
    url = reverse("hold_create", args=[prop.pk, household.pk])
    assert 'value="2"' in client.get(url).text  # the expected members are the default
    end = today() + dt.timedelta(days=60)
    response = client.post(url, {"places": "2", "reason": "reunification", "end_date": end.isoformat()})
    assert response.status_code == 302
    hold = Hold.objects.get()
    page = client.get(prop.get_absolute_url()).text
    assert "Vastgehouden plaatsen" in page and "Waarvan vastgehouden" in page
    client.post(reverse("hold_release", args=[hold.pk]))
    hold.refresh_from_db()
    assert hold.end_date == today()
    # Too many places: refused in Dutch, nothing saved.
    response = client.post(url, {"places": "9", "reason": "reunification", "end_date": end.isoformat()})
    assert response.status_code == 200 and "vol" in response.text
    assert Hold.objects.count() == 1


def test_proposal_pages_of_another_municipality_are_404(client, pioneer, staff_utrecht):
    prop = PropertyFactory()
    household = waiting(persons=1)
    client.force_login(pioneer)
    start = today().isoformat()
    client.post(
        reverse("proposal_create", args=[prop.pk, household.pk]),
        {"kind": "har", "start_date": start, "respond_by": start},
    )
    proposal = Proposal.objects.get()
    client.force_login(staff_utrecht)
    assert client.get(proposal.get_absolute_url()).status_code == 404
    assert client.post(proposal.get_absolute_url(), {"decision": "accept"}).status_code == 404
    assert (
        reverse("proposal_list")
        and proposal.household.reference not in client.get(reverse("proposal_list")).text
    )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.OPEN
