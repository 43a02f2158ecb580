"""Buddies in the app: create and edit a buddy, start, end and correct a match; future starts are
refused; bad input changes nothing and says why in Dutch; every change is in the page's history."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from accesslog.models import AccessLogEntry
from buddies import services
from buddies.models import Buddy, BuddyMatch
from tests.factories import (
    UTRECHT,
    BuddyFactory,
    BuddyMatchFactory,
    HouseholdFactory,
    PlacementFactory,
    ResidentFactory,
    municipality,
)

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def dutch(client):
    client.cookies["django_language"] = "nl"
    return client


def placed_household(**kwargs):
    household = HouseholdFactory(**kwargs)
    resident = ResidentFactory(household=household, family_name="Haddad")
    PlacementFactory(resident=resident, start_date=today() - dt.timedelta(days=30))
    return household


def test_staff_creates_a_buddy_and_the_page_shows_its_history(client, staff_groningen):
    client.force_login(staff_groningen)
    groningen = municipality()
    response = client.post(
        reverse("buddy_create"),
        {"name": "Anneke Bos", "municipality": groningen.pk, "languages": "Nederlands", "email": ""},
    )
    buddy = Buddy.objects.get(name="Anneke Bos")
    assert response.url == buddy.get_absolute_url()
    assert buddy.active
    page = client.get(reverse("buddy_edit", args=[buddy.pk]))
    history = page.context["history"]
    assert [(e.action, e.actor) for e in history] == [(LogEntry.Action.CREATE, staff_groningen)]


def test_buddy_edit_changes_the_buddy_and_records_who(client, staff_groningen):
    buddy = BuddyFactory(name="Oud")
    client.force_login(staff_groningen)
    response = client.post(
        reverse("buddy_edit", args=[buddy.pk]),
        {"name": "Nieuw", "municipality": buddy.municipality_id, "active": "on"},
        follow=True,
    )
    buddy.refresh_from_db()
    assert buddy.name == "Nieuw"
    assert "Buddy Nieuw is opgeslagen." in response.text or "Nieuw" in response.text
    entry = LogEntry.objects.get_for_object(buddy).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == staff_groningen
    assert "Oud" in response.text  # the history shows the old name


def test_buddy_of_another_municipality_cannot_be_edited(client, staff_groningen):
    buddy = BuddyFactory(municipality=municipality(UTRECHT), name="Utrecht")
    client.force_login(staff_groningen)
    response = client.post(reverse("buddy_edit", args=[buddy.pk]), {"name": "Gekaapt"})
    assert response.status_code == 404
    buddy.refresh_from_db()
    assert buddy.name == "Utrecht"


def test_buddy_in_a_municipality_outside_the_scope_is_refused_in_dutch(client, staff_groningen):
    client.force_login(dutch(client) and staff_groningen)
    response = client.post(reverse("buddy_create"), {"name": "X", "municipality": municipality(UTRECHT).pk})
    assert response.status_code == 200
    assert "Selecteer een geldige keuze" in response.text
    assert not Buddy.objects.filter(name="X").exists()


def test_buddy_without_a_name_changes_nothing_and_says_why_in_dutch(client, staff_groningen):
    buddy = BuddyFactory(name="Blijft")
    dutch(client).force_login(staff_groningen)
    response = client.post(
        reverse("buddy_edit", args=[buddy.pk]), {"name": "", "municipality": buddy.municipality_id}
    )
    assert response.status_code == 200
    assert "Dit veld is verplicht." in response.text
    buddy.refresh_from_db()
    assert buddy.name == "Blijft"


def test_future_certificate_of_conduct_date_is_refused_in_dutch(client, staff_groningen):
    dutch(client).force_login(staff_groningen)
    response = client.post(
        reverse("buddy_create"),
        {
            "name": "Toekomst",
            "municipality": municipality().pk,
            "vog_date": (today() + dt.timedelta(days=1)).isoformat(),
        },
    )
    assert "De datum van de VOG kan niet in de toekomst liggen." in response.text
    assert not Buddy.objects.filter(name="Toekomst").exists()


def test_starting_a_match_names_the_household_for_staff(client, staff_groningen):
    buddy = BuddyFactory(name="Anneke Bos")
    household = placed_household()
    dutch(client).force_login(staff_groningen)
    response = client.post(
        reverse("match_create"),
        {"household": household.pk, "buddy": buddy.pk, "start_date": today().isoformat()},
        follow=True,
    )
    match = BuddyMatch.objects.get(household=household)
    assert match.buddy == buddy and match.end_date is None
    assert f"Anneke Bos is nu de buddy van Haddad ({household.reference})." in response.text


def test_match_starting_in_the_future_is_refused_and_changes_nothing(client, staff_groningen):
    buddy = BuddyFactory()
    household = placed_household()
    dutch(client).force_login(staff_groningen)
    response = client.post(
        reverse("match_create"),
        {"household": household.pk, "buddy": buddy.pk, "start_date": "2030-01-01"},
    )
    assert response.status_code == 200
    assert "Een koppeling kan niet in de toekomst beginnen" in response.text
    assert not BuddyMatch.objects.exists()


def test_future_start_is_refused_by_the_service_too():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.start_match(
            buddy=BuddyFactory(), household=HouseholdFactory(), start_date=today() + dt.timedelta(days=1)
        )
    assert not BuddyMatch.objects.exists()


def test_a_household_gets_a_second_buddy_only_after_the_first_match_ended(client, staff_groningen):
    household = placed_household()
    first = BuddyMatchFactory(household=household, start_date=today() - dt.timedelta(days=60))
    second_buddy = BuddyFactory(name="Tweede")
    dutch(client).force_login(staff_groningen)
    with pytest.raises(Exception):  # noqa: B017, PT011 - the service refuses; the message is tested below
        services.start_match(buddy=second_buddy, household=household, start_date=today())
    response = client.post(
        reverse("match_end", args=[first.pk]), {"end_date": today().isoformat()}, follow=True
    )
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.end_date == today()
    match = services.start_match(buddy=second_buddy, household=household, start_date=today())
    assert match.is_active_on(today())


def test_ending_a_match_twice_does_not_move_its_end(client, staff_groningen):
    match = BuddyMatchFactory(
        household=placed_household(), start_date=today() - dt.timedelta(days=60), end_date=today()
    )
    dutch(client).force_login(staff_groningen)
    response = client.post(
        reverse("match_end", args=[match.pk]), {"end_date": (today() - dt.timedelta(days=5)).isoformat()}
    )
    assert response.status_code == 200
    assert "Deze koppeling is al beëindigd" in response.text
    match.refresh_from_db()
    assert match.end_date == today()


def test_ending_a_match_before_it_started_is_refused_in_dutch(client, staff_groningen):
    start = today() - dt.timedelta(days=10)
    match = BuddyMatchFactory(household=placed_household(), start_date=start)
    dutch(client).force_login(staff_groningen)
    for bad in ({"end_date": (start - dt.timedelta(days=1)).isoformat()}, {"end_date": "morgen"}, {}):
        response = client.post(reverse("match_end", args=[match.pk]), bad)
        assert response.status_code == 200
        assert "error-summary" in response.text
    assert (
        "De einddatum moet na de startdatum liggen."
        in client.post(reverse("match_end", args=[match.pk]), {"end_date": start.isoformat()}).text
    )
    match.refresh_from_db()
    assert match.end_date is None


def test_correcting_a_match_changes_its_dates_and_shows_the_change_in_its_history(client, staff_groningen):
    match = BuddyMatchFactory(household=placed_household(), start_date=today() - dt.timedelta(days=10))
    dutch(client).force_login(staff_groningen)
    new_start = today() - dt.timedelta(days=20)
    client.post(reverse("match_edit", args=[match.pk]), {"start_date": new_start.isoformat(), "end_date": ""})
    match.refresh_from_db()
    assert match.start_date == new_start
    page = client.get(reverse("match_edit", args=[match.pk]))
    history = page.context["history"]
    assert history[0].action == LogEntry.Action.UPDATE and history[0].actor == staff_groningen
    assert "Wijzigingsgeschiedenis" in page.text


def test_correcting_a_match_into_another_match_is_refused_and_names_the_other_buddy(client, staff_groningen):
    household = placed_household()
    BuddyMatchFactory(
        household=household,
        buddy=BuddyFactory(name="Eerste Buddy"),
        start_date=today() - dt.timedelta(days=100),
        end_date=today() - dt.timedelta(days=50),
    )
    later = BuddyMatchFactory(household=household, start_date=today() - dt.timedelta(days=40))
    dutch(client).force_login(staff_groningen)
    response = client.post(
        reverse("match_edit", args=[later.pk]),
        {"start_date": (today() - dt.timedelta(days=60)).isoformat(), "end_date": ""},
    )
    assert "Eerste Buddy" in response.text
    later.refresh_from_db()
    assert later.start_date == today() - dt.timedelta(days=40)


def test_buddy_page_shows_household_names_and_logs_the_access(client, staff_groningen):
    household = placed_household()
    match = BuddyMatchFactory(household=household, start_date=today() - dt.timedelta(days=3))
    client.force_login(staff_groningen)
    response = client.get(reverse("buddy_detail", args=[match.buddy_id]))
    assert f'Haddad <span class="mono small">({household.reference})</span>' in response.text
    assert AccessLogEntry.objects.filter(actor=staff_groningen, action="view").count() == 1


def test_match_of_another_municipality_answers_404_and_is_logged_as_refused(client, staff_groningen):
    match = BuddyMatchFactory(
        buddy=BuddyFactory(municipality=municipality(UTRECHT)),
        household=HouseholdFactory(municipality=municipality(UTRECHT)),
    )
    client.force_login(staff_groningen)
    for name in ("match_end", "match_edit"):
        assert (
            client.post(reverse(name, args=[match.pk]), {"end_date": today().isoformat()}).status_code == 404
        )
    match.refresh_from_db()
    assert match.end_date is None
    assert AccessLogEntry.objects.filter(result="refused").count() == 2


def test_coordinator_gets_no_buddy_forms(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("buddy_create")).status_code == 403
