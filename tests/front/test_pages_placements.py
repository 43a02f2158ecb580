"""Placement pages: placing a household only through the service, failures that change nothing,
ending a placement with its outflow, the filtered list."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from residents.models import Placement, add_months
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

LIST_BUDGET = 12
START = dt.date(2026, 9, 1)


def household_of(size, **kwargs):
    household = HouseholdFactory(**kwargs)
    ResidentFactory.create_batch(size, household=household)
    return household


def place_data(household, prop, **overrides):
    data = {
        "household": household.pk,
        "property": prop.pk,
        "kind": Placement.Kind.HAR,
        "start_date": START.isoformat(),
        "planned_end": "",
        "extension_reason": "",
    }
    data.update(overrides)
    return data


def test_placing_a_household_places_every_resident_with_the_default_planned_end(client, staff_groningen):
    household, prop = household_of(3), PropertyFactory(capacity=4)
    client.force_login(staff_groningen)
    response = client.post(reverse("placement_create"), place_data(household, prop))
    assert response.status_code == 302
    assert response["Location"] == household.get_absolute_url()
    placements = Placement.objects.filter(resident__household=household)
    assert placements.count() == 3
    assert set(placements.values_list("planned_end", flat=True)) == {add_months(START, 6)}


def test_full_property_refuses_placement_and_changes_nothing(client, staff_groningen):
    prop = PropertyFactory(capacity=2)
    PlacementFactory(property=prop, start_date=START - dt.timedelta(days=30), planned_end=None)
    household = household_of(2)
    client.force_login(staff_groningen)
    response = client.post(reverse("placement_create"), place_data(household, prop))
    assert response.status_code == 200
    assert f"{prop.name} is vol: 1 vrije plek vanaf 1 september 2026, 2 nodig." in response.text
    assert "data-error-summary" in response.text
    assert Placement.objects.count() == 1


def test_overlapping_placement_is_refused_and_changes_nothing(client, staff_groningen):
    household = household_of(2)
    first = household.residents.first()
    PlacementFactory(resident=first, start_date=START - dt.timedelta(days=10), planned_end=None)
    client.force_login(staff_groningen)
    response = client.post(reverse("placement_create"), place_data(household, PropertyFactory(capacity=10)))
    assert response.status_code == 200
    assert f"{first.reference}) woont al in" in response.text
    assert Placement.objects.count() == 1


def test_a_long_temporary_placement_needs_an_extension_reason(client, staff_groningen):
    household, prop = household_of(1), PropertyFactory()
    client.force_login(staff_groningen)
    data = place_data(household, prop, planned_end=add_months(START, 13).isoformat())
    response = client.post(reverse("placement_create"), data)
    assert response.status_code == 200
    assert not Placement.objects.exists()
    data["extension_reason"] = "Nareis van twee kinderen verwacht."
    assert client.post(reverse("placement_create"), data).status_code == 302
    assert Placement.objects.get().extension_reason == "Nareis van twee kinderen verwacht."


def test_planned_end_before_start_is_refused(client, staff_groningen):
    client.force_login(staff_groningen)
    data = place_data(household_of(1), PropertyFactory(), planned_end="2026-08-01")
    response = client.post(reverse("placement_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["planned_end"]
    assert not Placement.objects.exists()


def test_households_and_properties_outside_the_scope_cannot_be_chosen(client, staff_groningen):
    own_household, own_property = household_of(1), PropertyFactory()
    foreign_household = household_of(1, municipality=municipality(UTRECHT))
    foreign_property = PropertyFactory(municipality=municipality(UTRECHT))
    client.force_login(staff_groningen)
    response = client.post(reverse("placement_create"), place_data(own_household, foreign_property))
    assert response.context["form"].errors["property"]
    response = client.post(reverse("placement_create"), place_data(foreign_household, own_property))
    assert response.context["form"].errors["household"]
    assert not Placement.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"start_date": "garbage"},
        {"kind": "hotel"},
        {"household": "abc"},
        {"property": ""},
        {"planned_end": "31-02-2026"},
    ],
)
def test_bad_form_input_changes_nothing(client, staff_groningen, data):
    client.force_login(staff_groningen)
    response = client.post(
        reverse("placement_create"), {**place_data(household_of(1), PropertyFactory()), **data}
    )
    assert response.status_code == 200
    assert not Placement.objects.exists()


def test_new_placement_form_preselects_household_and_property_from_the_address(client, staff_groningen):
    household, prop = household_of(1), PropertyFactory()
    client.force_login(staff_groningen)
    response = client.get(reverse("placement_create"), {"household": household.pk, "property": prop.pk})
    assert response.status_code == 200
    assert response.context["form"].initial["household"] == household.pk
    assert f'<option value="{household.pk}" selected>{household.reference}</option>' in response.text
    assert client.get(reverse("placement_create"), {"household": "x"}).status_code == 200
    assert_no_inline_code(response.text)


def test_coordinator_cannot_place(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("placement_create"), place_data(household_of(1), PropertyFactory()))
    assert response.status_code == 403
    assert not Placement.objects.exists()


def test_ending_a_placement_records_the_end_date_and_outflow(client, staff_groningen):
    placement = PlacementFactory(start_date=START, planned_end=None)
    client.force_login(staff_groningen)
    prefix = f"end-{placement.pk}"
    response = client.post(
        reverse("placement_end", args=[placement.pk]),
        {f"{prefix}-end_date": "2026-11-01", f"{prefix}-outflow": Placement.Outflow.PERMANENT_HERE},
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert (placement.end_date, placement.outflow) == (dt.date(2026, 11, 1), "permanent_here")


def test_ending_before_the_start_is_refused_and_changes_nothing(client, staff_groningen):
    placement = PlacementFactory(start_date=START, planned_end=None)
    client.force_login(staff_groningen)
    prefix = f"end-{placement.pk}"
    response = client.post(
        reverse("placement_end", args=[placement.pk]),
        {f"{prefix}-end_date": "2026-08-01", f"{prefix}-outflow": Placement.Outflow.LEFT},
    )
    assert response.status_code == 200
    assert "De einddatum moet na de startdatum liggen." in response.text
    placement.refresh_from_db()
    assert placement.end_date is None and placement.outflow == ""


def test_ending_needs_an_outflow(client, staff_groningen):
    placement = PlacementFactory(start_date=START, planned_end=None)
    client.force_login(staff_groningen)
    response = client.post(
        reverse("placement_end", args=[placement.pk]), {f"end-{placement.pk}-end_date": "2026-11-01"}
    )
    assert response.status_code == 200
    placement.refresh_from_db()
    assert placement.end_date is None


def test_ending_another_municipalitys_placement_is_404_and_get_is_not_allowed(client, staff_groningen):
    foreign = PlacementFactory(
        resident=ResidentFactory(household=HouseholdFactory(municipality=municipality(UTRECHT))),
        property=PropertyFactory(municipality=municipality(UTRECHT)),
        start_date=START,
    )
    client.force_login(staff_groningen)
    prefix = f"end-{foreign.pk}"
    data = {f"{prefix}-end_date": "2026-11-01", f"{prefix}-outflow": "left"}
    assert client.post(reverse("placement_end", args=[foreign.pk]), data).status_code == 404
    assert client.get(reverse("placement_end", args=[foreign.pk])).status_code == 405
    foreign.refresh_from_db()
    assert foreign.end_date is None


def test_list_shows_own_placements_only(client, staff_groningen):
    own = PlacementFactory(start_date=START)
    foreign = PlacementFactory(
        resident=ResidentFactory(household=HouseholdFactory(municipality=municipality(UTRECHT))),
        property=PropertyFactory(municipality=municipality(UTRECHT)),
        start_date=START,
    )
    client.force_login(staff_groningen)
    response = client.get(reverse("placement_list"))
    assert own.resident.reference in response.text and str(own.resident) in response.text
    assert foreign.resident.reference not in response.text
    assert str(foreign.resident) not in response.text
    assert_no_inline_code(response.text)


def test_list_filters_kind_active_on_and_ending_within(client, staff_groningen):
    today = timezone.localdate()
    ending = PlacementFactory(
        start_date=today - dt.timedelta(days=100), planned_end=today + dt.timedelta(days=20)
    )
    later = PlacementFactory(
        start_date=today - dt.timedelta(days=10), planned_end=today + dt.timedelta(days=170)
    )
    past = PlacementFactory(
        kind=Placement.Kind.PERMANENT,
        start_date=today - dt.timedelta(days=400),
        planned_end=None,
        end_date=today - dt.timedelta(days=200),
    )
    client.force_login(staff_groningen)

    def pks(**query):
        return {p.pk for p in client.get(reverse("placement_list"), query).context["page_obj"]}

    assert pks(ending_within=8) == {ending.pk}
    assert pks(kind="permanent") == {past.pk}
    assert pks(active_on=(today - dt.timedelta(days=300)).isoformat()) == {past.pk}
    assert pks(active_on=today.isoformat()) == {ending.pk, later.pk}
    assert pks(property=later.property_id) == {later.pk}


@pytest.mark.parametrize(
    "query",
    [
        {"active_on": "garbage"},
        {"active_on": "2026-13-45"},
        {"ending_within": "-4"},
        {"ending_within": "99999999999"},
        {"kind": "hotel"},
        {"page": "abc"},
        {"page": "99999"},
        {"property": "abc"},
    ],
)
def test_bad_query_strings_never_give_an_error_page(client, staff_groningen, query):
    PlacementFactory(start_date=START)
    client.force_login(staff_groningen)
    assert client.get(reverse("placement_list"), query).status_code == 200


def test_list_runs_the_same_number_of_queries_for_1_and_30_rows(
    client, staff_groningen, django_assert_max_num_queries
):
    client.force_login(staff_groningen)
    PlacementFactory(start_date=START)
    one = count_queries(client, reverse("placement_list"))
    PlacementFactory.create_batch(29, start_date=START)
    assert count_queries(client, reverse("placement_list")) == one
    with django_assert_max_num_queries(LIST_BUDGET):
        client.get(reverse("placement_list"))


def test_the_placement_list_finds_a_household_by_a_name_without_accents(client, staff_groningen):
    from accesslog.models import AccessLogEntry
    from tests.factories import PlacementFactory, ResidentFactory

    wanted = PlacementFactory(resident=ResidentFactory(family_name="Ḥaddād"))
    PlacementFactory(resident=ResidentFactory(family_name="Yousef"))
    client.force_login(staff_groningen)
    response = client.get("/placements/", {"household": "haddad"})
    assert [p.pk for p in response.context["page_obj"]] == [wanted.pk]
    assert "Ḥaddād" in response.content.decode()
    by_reference = client.get("/placements/", {"household": wanted.resident.household.reference.lower()})
    assert [p.pk for p in by_reference.context["page_obj"]] == [wanted.pk]
    assert AccessLogEntry.objects.filter(subject_id=str(wanted.resident_id), action="list").exists()
