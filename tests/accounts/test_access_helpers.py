import pytest
from django.http import Http404
from django.test import RequestFactory

from accesslog.models import AccessLogEntry
from accounts.access import get_visible_or_404
from residents.access import subjects_for_households
from residents.models import Household
from tests.factories import (
    UTRECHT,
    HouseholdFactory,
    PlacementFactory,
    PropertyFactory,
    ResidentFactory,
    municipality,
)

pytestmark = pytest.mark.django_db


def _request(user, path="/households/1/?q=Haddad"):
    request = RequestFactory().get(path, REMOTE_ADDR="198.51.100.7")
    request.user = user
    return request


def test_get_visible_or_404_returns_a_record_in_scope_and_logs_nothing(staff_groningen):
    household = HouseholdFactory()
    found = get_visible_or_404(Household, staff_groningen, _request(staff_groningen), pk=household.pk)
    assert found == household
    assert not AccessLogEntry.objects.exists()


def test_out_of_scope_record_is_404_and_a_refused_event_without_personal_data(staff_utrecht):
    household = HouseholdFactory()  # linked to Groningen
    ResidentFactory(household=household, family_name="Haddad")
    with pytest.raises(Http404):
        get_visible_or_404(Household.objects.all(), staff_utrecht, _request(staff_utrecht), pk=household.pk)
    event = AccessLogEntry.objects.get()
    assert (event.result, event.subject_type, event.subject_id) == (
        "refused",
        "residents.household",
        str(household.pk),
    )
    assert event.subject_reference == ""
    assert "Haddad" not in event.request_path
    assert event.actor_username == "utrecht"


def test_missing_record_is_404_without_a_refused_event(staff_utrecht):
    with pytest.raises(Http404):
        get_visible_or_404(Household, staff_utrecht, _request(staff_utrecht), pk=999999)
    assert not AccessLogEntry.objects.exists()


def test_malformed_lookup_is_404(staff_utrecht):
    with pytest.raises(Http404):
        get_visible_or_404(Household, staff_utrecht, _request(staff_utrecht), pk="not-a-number")


def test_coordinator_never_gets_a_household(coordinator):
    household = HouseholdFactory()
    with pytest.raises(Http404):
        get_visible_or_404(Household, coordinator, _request(coordinator), pk=household.pk)


def test_household_placed_in_a_property_in_scope_is_visible_to_that_municipality(staff_utrecht):
    household = HouseholdFactory()  # linked to Groningen, placed in Utrecht
    resident = ResidentFactory(household=household)
    PlacementFactory(resident=resident, property=PropertyFactory(municipality=municipality(UTRECHT)))
    assert get_visible_or_404(Household, staff_utrecht, _request(staff_utrecht), pk=household.pk) == household


def test_subjects_for_households_lists_every_resident_in_one_query(django_assert_num_queries):
    first, second = HouseholdFactory(), HouseholdFactory()
    residents = ResidentFactory.create_batch(2, household=first) + [ResidentFactory(household=second)]
    ResidentFactory()  # another household: not listed
    with django_assert_num_queries(1):
        subjects = subjects_for_households(Household.objects.filter(pk__in=[first.pk, second.pk]))
    assert subjects == [("residents.resident", r.pk, r.reference) for r in residents]
    assert subjects_for_households([first]) == subjects[:2]
    assert subjects_for_households([]) == []
