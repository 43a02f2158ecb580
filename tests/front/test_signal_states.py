"""Signals with a state: handled with a note, snoozed until a day, open again; the list filters by
state and sorts by date in the address; names for staff; Dutch dates."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from figures import services, signals
from residents.models import SignalState
from tests.factories import (
    UTRECHT,
    BuddyMatchFactory,
    HouseholdFactory,
    PlacementFactory,
    PropertyFactory,
    ResidentFactory,
    municipality,
)

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def no_buddy_household(start, family_name="Haddad", *, prop=None, **kwargs):
    household = HouseholdFactory(**kwargs)
    PlacementFactory(
        **({"property": prop} if prop else {}),
        resident=ResidentFactory(
            household=household, family_name=family_name, gp_practice="Huisarts", health_insurance="insured"
        ),
        kind="permanent",
        start_date=start,
        planned_end=None,
    )
    return household


@pytest.fixture
def nl_staff(client, staff_groningen):
    client.cookies["django_language"] = "nl"
    client.force_login(staff_groningen)
    return client


def shown(response):
    return [(row["signal"].household_id, row["signal"].kind) for row in response.context["rows"]]


def test_handled_signal_leaves_the_open_list_and_the_state_filter_shows_it(nl_staff, staff_groningen):
    household = no_buddy_household(dt.date(2026, 5, 1))
    listed = reverse("signal_list") + "?kind=no_buddy&ordering=-date"
    assert shown(nl_staff.get(listed)) == [(household.pk, "no_buddy")]
    url = reverse("signal_state", args=[household.pk, "no_buddy"])
    response = nl_staff.post(url, {"action": "handled", "note": "Buddy gezocht via de kerk", "next": listed})
    assert response.url == listed  # back to the list with its filter and sort
    assert shown(nl_staff.get(listed)) == []
    handled = nl_staff.get(listed + "&state=handled")
    assert shown(handled) == [(household.pk, "no_buddy")]
    assert "Buddy gezocht via de kerk" in handled.text and "door " in handled.text
    state = SignalState.objects.get()
    assert (state.changed_by, state.signal_date) == (staff_groningen, dt.date(2026, 5, 1))
    assert LogEntry.objects.get_for_object(state).get().actor == staff_groningen
    assert signals.signal_counts(staff_groningen)["no_buddy"] == 0


def test_handling_without_a_note_is_refused_in_dutch_and_changes_nothing(nl_staff):
    household = no_buddy_household(dt.date(2026, 5, 1))
    url = reverse("signal_state", args=[household.pk, "no_buddy"])
    response = nl_staff.post(url, {"action": "handled", "note": "  "})
    assert "Schrijf op wat er is gedaan: een notitie is verplicht." in response.text
    for bad in ({"action": "snoozed", "snoozed_until": today().isoformat()}, {"action": "weg"}, {}):
        assert "error-summary" in nl_staff.post(url, bad).text
    assert not SignalState.objects.exists()


def test_snoozed_signal_comes_back_on_its_day(staff_groningen):
    household = no_buddy_household(dt.date(2026, 5, 1))
    until = today() + dt.timedelta(days=7)
    services.snooze_signal(household=household, kind="no_buddy", until=until, note="", user=staff_groningen)
    assert signals.open_signals(staff_groningen, ["no_buddy"]) == []
    assert signals.open_signals(staff_groningen, ["no_buddy"], today=until)[0].household_id == household.pk


def test_a_handled_signal_opens_again_when_its_situation_changes(staff_groningen):
    household = no_buddy_household(dt.date(2026, 5, 1))
    services.handle_signal(
        household=household, kind="no_buddy", signal_date=dt.date(2026, 5, 1), note="x", user=staff_groningen
    )
    assert signals.open_signals(staff_groningen, ["no_buddy"]) == []
    PlacementFactory(
        resident=ResidentFactory(household=household),
        kind="permanent",
        start_date=dt.date(2026, 4, 1),
        planned_end=None,
    )  # a new earliest placement: another signal date
    assert [s.household_id for s in signals.open_signals(staff_groningen, ["no_buddy"])] == [household.pk]


def test_signals_sort_by_date_both_ways_and_show_names_and_dutch_dates(nl_staff):
    older = no_buddy_household(dt.date(2026, 5, 1), family_name="Haddad")
    newer = no_buddy_household(dt.date(2026, 6, 3), family_name="Yousef")
    base = reverse("signal_list") + "?kind=no_buddy"
    assert [h for h, _k in shown(nl_staff.get(base))] == [older.pk, newer.pk]
    response = nl_staff.get(base + "&ordering=-date")
    assert [h for h, _k in shown(response)] == [newer.pk, older.pk]
    assert "1 mei 2026" in response.text and "Mei" not in response.text
    assert f'Haddad <span class="mono small">({older.reference})</span>' in response.text


def test_bad_state_and_sort_in_the_address_fall_back_with_a_dutch_message(nl_staff):
    no_buddy_household(dt.date(2026, 5, 1))
    response = nl_staff.get(reverse("signal_list") + "?state=weg&ordering=naam")
    assert response.status_code == 200
    assert len(response.context["rows"]) == 1
    assert "Selecteer een geldige keuze." in response.text


def test_signal_state_of_another_municipality_answers_404(nl_staff):
    utrecht = municipality(UTRECHT)
    household = no_buddy_household(
        dt.date(2026, 5, 1), municipality=utrecht, prop=PropertyFactory(municipality=utrecht)
    )
    response = nl_staff.post(
        reverse("signal_state", args=[household.pk, "no_buddy"]), {"action": "handled", "note": "x"}
    )
    assert response.status_code == 404
    assert not SignalState.objects.exists()


def test_a_signal_that_does_not_exist_answers_404(nl_staff):
    household = no_buddy_household(dt.date(2026, 5, 1))
    BuddyMatchFactory(household=household, start_date=dt.date(2026, 5, 2))
    assert nl_staff.get(reverse("signal_state", args=[household.pk, "no_buddy"])).status_code == 404
    assert nl_staff.get(reverse("signal_state", args=[household.pk, "nonsense"])).status_code == 404
