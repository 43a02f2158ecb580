"""One capacity rule (SPEC §5) for the pages, the admin and the services: nobody places more people
than a property's capacity, and nobody lowers a capacity below the people living there — also when
two users act at the same moment (PostgreSQL row locks; the SQLite variant is sqlite_race.py)."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from housing.models import Property
from residents.models import Placement
from residents.services import place_household, save_property, validate_capacity
from tests.factories import PlacementFactory, PropertyFactory, ResidentFactory
from tests.residents.test_concurrency import race

FULL = " is vol: 0 vrije plekken"
BELOW_OCCUPANCY = "het aantal plekken kan niet lager zijn"

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: row locks exist there only"
)


def superuser_client(username="beheer"):
    user = get_user_model().objects.create_superuser(username, f"{username}@example.org", "x")
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    client.force_login(user)
    return client


def living_here(prop, count, *, start=None):
    """`count` open-ended placements in `prop` running today, saved without the service."""
    start = start or timezone.localdate() - dt.timedelta(days=30)
    return [PlacementFactory(property=prop, start_date=start, planned_end=None) for _ in range(count)]


def placement_post(resident, prop, start="2026-08-01"):
    return {"resident": resident.pk, "property": prop.pk, "kind": "har", "start_date": start}


def property_post(prop, **changes):
    data = {
        "name": prop.name,
        "street": prop.street,
        "house_number": prop.house_number,
        "postcode": prop.postcode,
        "place": prop.place,
        "municipality": prop.municipality_id,
        "kind": prop.kind,
        "owner": prop.owner_id or "",
        "capacity": prop.capacity,
        "status": prop.status,
        "funding": prop.funding,
        "notes": prop.notes,
        # the read-only placements list on the property page
        "placements-TOTAL_FORMS": "0",
        "placements-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def property_change_url(prop):
    return reverse("admin:housing_property_change", args=[prop.pk])


def form_errors(response):
    return " ".join(str(e) for e in response.context["adminform"].form.errors.values())


# --- the rule itself ---


@pytest.mark.django_db
def test_validate_capacity_counts_from_the_day_on_and_can_leave_one_placement_out():
    prop = PropertyFactory(capacity=2)
    first, _second = living_here(prop, 2)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        validate_capacity(property=prop, day=today, needed=1)
    assert refused.value.error_list[0].code == "full"
    validate_capacity(property=prop, day=today, needed=1, exclude=first.pk)
    validate_capacity(property=prop, day=today, capacity=2)
    with pytest.raises(ValidationError) as refused:
        validate_capacity(property=prop, day=today, capacity=1)
    assert refused.value.error_list[0].code == "below_occupancy"


@pytest.mark.django_db
def test_save_property_refuses_a_lower_capacity_than_the_people_living_there_and_changes_nothing():
    prop = PropertyFactory(capacity=3)
    living_here(prop, 2)
    prop.capacity = 1
    with pytest.raises(ValidationError) as refused:
        save_property(property=prop)
    assert "capacity" in refused.value.error_dict
    prop.refresh_from_db()
    assert prop.capacity == 3
    prop.capacity = 2
    save_property(property=prop)
    prop.refresh_from_db()
    assert prop.capacity == 2


# --- the admin ---


@pytest.mark.django_db
def test_admin_refuses_lowering_capacity_below_occupancy_with_a_dutch_message_and_changes_nothing():
    client = superuser_client()
    prop = PropertyFactory(capacity=3, notes="")
    living_here(prop, 2)
    response = client.post(property_change_url(prop), property_post(prop, capacity=1, notes="gewijzigd"))
    assert response.status_code == 200
    assert BELOW_OCCUPANCY in form_errors(response)
    prop.refresh_from_db()
    assert (prop.capacity, prop.notes) == (3, "")


@pytest.mark.django_db
def test_admin_saves_a_capacity_that_still_holds_the_people_living_there():
    client = superuser_client()
    prop = PropertyFactory(capacity=3)
    living_here(prop, 2)
    response = client.post(property_change_url(prop), property_post(prop, capacity=2))
    assert response.status_code == 302, form_errors(response)
    prop.refresh_from_db()
    assert prop.capacity == 2


@pytest.mark.django_db
def test_page_still_refuses_lowering_capacity_below_occupancy_in_dutch(client, staff_groningen):
    client.force_login(staff_groningen)
    prop = PropertyFactory(capacity=3)
    living_here(prop, 2)
    response = client.post(reverse("property_edit", args=[prop.pk]), property_post(prop, capacity=1))
    assert response.status_code == 200
    assert BELOW_OCCUPANCY in " ".join(response.context["form"].errors["capacity"])
    prop.refresh_from_db()
    assert prop.capacity == 3


@pytest.mark.django_db
def test_admin_free_places_are_never_negative():
    client = superuser_client()
    prop = PropertyFactory(capacity=1)
    living_here(prop, 3)  # over-full, as data saved around the service could leave it
    response = client.get(reverse("admin:housing_property_changelist"))
    row = next(r for r in response.context["cl"].result_list if r.pk == prop.pk)
    model_admin = admin.site._registry[Property]
    assert (model_admin.occupied(row), model_admin.free_places(row)) == (3, 0)
    page = client.get(property_change_url(prop))
    assert page.status_code == 200


@pytest.mark.django_db
def test_admin_placement_into_a_full_property_is_refused_in_dutch_and_saves_nothing():
    client = superuser_client()
    prop = PropertyFactory(capacity=1)
    PlacementFactory(property=prop, start_date=dt.date(2026, 7, 1), planned_end=None)
    resident = ResidentFactory()
    response = client.post(reverse("admin:residents_placement_add"), placement_post(resident, prop))
    assert response.status_code == 200
    assert FULL in form_errors(response)
    assert not Placement.objects.filter(resident=resident).exists()


@pytest.mark.django_db
def test_admin_ends_a_placement_and_refuses_moving_one_into_a_full_property():
    client = superuser_client()
    placement = PlacementFactory(start_date=dt.date(2026, 7, 1), planned_end=None)
    url = reverse("admin:residents_placement_change", args=[placement.pk])
    data = {
        "resident": placement.resident.pk,
        "property": placement.property.pk,
        "kind": placement.kind,
        "start_date": "2026-07-01",
        "end_date": "2026-09-01",
        "outflow": Placement.Outflow.LEFT,
    }
    assert client.post(url, data).status_code == 302
    placement.refresh_from_db()
    assert (placement.end_date, placement.outflow) == (dt.date(2026, 9, 1), Placement.Outflow.LEFT)

    full = PropertyFactory(capacity=1)
    PlacementFactory(property=full, start_date=dt.date(2026, 7, 1), planned_end=None)
    response = client.post(url, {**data, "property": full.pk})
    assert response.status_code == 200
    assert FULL in form_errors(response)
    placement.refresh_from_db()
    assert placement.property_id != full.pk


# --- at the same moment (PostgreSQL) ---
# The pages, the admin and the API, 20 requests at once per path: test_races_by_path.py.


@pytest.mark.postgres
@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_lowering_capacity_and_placing_at_once_cannot_both_succeed():
    start = timezone.localdate()
    for _round in range(5):
        prop = PropertyFactory(capacity=2)
        PlacementFactory(property=prop, start_date=start, planned_end=None)
        household = ResidentFactory().household
        lowered = Property.objects.get(pk=prop.pk)
        lowered.capacity = 1

        successes, refusals, errors = race(
            [
                lambda p=lowered: save_property(property=p),
                lambda h=household, p=prop: place_household(
                    household=h, property=p, kind="har", start_date=start
                ),
            ]
        )

        assert errors == []
        assert len(successes) == 1 and len(refusals) == 1, refusals
        assert FULL in refusals[0] or BELOW_OCCUPANCY in refusals[0], refusals
        prop.refresh_from_db()
        assert Placement.objects.filter(property=prop).count() <= prop.capacity
