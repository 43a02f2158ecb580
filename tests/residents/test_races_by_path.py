"""Every path that changes a property's capacity or occupancy, raced: 20 requests at once into a
property with 1 free place, each from its own thread with its own database connection, through the
whole stack (middleware, form, view or admin, service). Exactly one may succeed and the occupancy
never exceeds the capacity.

Paths: the placement page, the property edit page (a capacity lowering against placements), the
move of a household, the admin's placement add and property change, and the API's placement create.
There is no import of placements (imports create properties, quotas and households only), so no
import path changes an occupancy. The 20 editors of one property at once are here too: the edit
form's lost-update check runs again under the row lock (residents.services.save_property).

PostgreSQL only: row locks exist there. SQLite serialises every writer (`transaction_mode=IMMEDIATE`),
which test_concurrency.py's subprocess race covers for the service itself.
"""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from housing import scope
from housing.models import Property
from residents.models import Placement
from tests.api.conftest import http, token_for
from tests.factories import (
    GRONINGEN,
    HouseholdFactory,
    PlacementFactory,
    PropertyFactory,
    ResidentFactory,
    make_user,
)
from tests.residents.test_capacity import property_post
from tests.residents.test_concurrency import race

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: row locks exist there only; SQLite serialises writers, and "
        "test_concurrency.py races the service on SQLite in a subprocess",
    ),
    pytest.mark.django_db(transaction=True),
]

ATTEMPTS = 20


def today():
    return timezone.localdate()


def one_free_place(capacity=2):
    """A property of Groningen with `capacity` places and all but one taken from a month ago."""
    prop = PropertyFactory(capacity=capacity, notes="")
    for _ in range(capacity - 1):
        PlacementFactory(property=prop, start_date=today() - dt.timedelta(days=30), planned_end=None)
    return prop


def households(count):
    return [ResidentFactory(household=HouseholdFactory()).household for _ in range(count)]


def staff_clients(count):
    user = make_user(scope.MUNICIPAL_STAFF, [GRONINGEN], username="race-staff")
    clients = []
    for _ in range(count):
        client = Client(HTTP_ACCEPT_LANGUAGE="nl")
        client.force_login(user)
        clients.append(client)
    return clients


def superuser_clients(count):
    user = get_user_model().objects.create_superuser("race-admin", "race@example.org", "x")
    clients = []
    for _ in range(count):
        client = Client(HTTP_ACCEPT_LANGUAGE="nl")
        client.force_login(user)
        clients.append(client)
    return clients


def occupied(prop, day=None):
    return Placement.objects.filter(property=prop).active_on(day or today()).count()


def assert_one_success(responses, refusals, errors, *, succeeded):
    assert errors == [] and refusals == [], (errors[:3], refusals[:3])
    assert all(r.status_code in (200, 201, 302, 409, 422, 400) for r in responses), [
        r.status_code for r in responses
    ]
    assert sum(1 for r in responses if succeeded(r)) == 1, [r.status_code for r in responses]


def page_place_data(household, prop, start):
    return {
        "household": household.pk,
        "property": prop.pk,
        "kind": Placement.Kind.HAR,
        "start_date": start.isoformat(),
        "planned_end": "",
        "extension_reason": "",
    }


def property_page_data(client, prop, **changes):
    form = client.get(reverse("property_edit", args=[prop.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(changes)
    return data


def test_twenty_placements_through_the_page_into_one_free_place():
    prop, start = one_free_place(), today()
    clients, waiting = staff_clients(ATTEMPTS), households(ATTEMPTS)
    url = reverse("placement_create")

    responses, refusals, errors = race(
        [
            lambda c=c, h=h: c.post(url, page_place_data(h, prop, start))
            for c, h in zip(clients, waiting, strict=True)
        ]
    )

    assert_one_success(responses, refusals, errors, succeeded=lambda r: r.status_code == 302)
    assert all("is vol" in r.text for r in responses if r.status_code == 200)
    assert occupied(prop) == 2 == prop.capacity


def test_a_capacity_lowering_on_the_property_page_against_nineteen_placements():
    prop, start = one_free_place(), today()
    clients, waiting = staff_clients(ATTEMPTS), households(ATTEMPTS - 1)
    lowering = property_page_data(clients[0], prop, capacity="1")
    attempts = [lambda: clients[0].post(reverse("property_edit", args=[prop.pk]), lowering)]
    attempts += [
        lambda c=c, h=h: c.post(reverse("placement_create"), page_place_data(h, prop, start))
        for c, h in zip(clients[1:], waiting, strict=True)
    ]

    responses, refusals, errors = race(attempts)

    assert_one_success(responses, refusals, errors, succeeded=lambda r: r.status_code == 302)
    prop.refresh_from_db()
    assert occupied(prop) <= prop.capacity
    assert (prop.capacity, occupied(prop)) in {(1, 1), (2, 2)}


def test_twenty_editors_of_one_property_at_once_save_once_and_lose_nothing():
    prop = one_free_place(capacity=2)
    clients = staff_clients(ATTEMPTS)
    posts = [property_page_data(c, prop, notes=f"editor {i}") for i, c in enumerate(clients)]
    url = reverse("property_edit", args=[prop.pk])

    answered, refusals, errors = race(
        [
            lambda i=i, c=c, d=d: (i, c.post(url, d))
            for i, (c, d) in enumerate(zip(clients, posts, strict=True))
        ]
    )

    responses = [response for _i, response in answered]
    assert_one_success(responses, refusals, errors, succeeded=lambda r: r.status_code == 302)
    saved = next(i for i, response in answered if response.status_code == 302)
    prop.refresh_from_db()
    assert prop.notes == f"editor {saved}", "the one save that was answered as saved is the one kept"
    assert all("intussen" in r.text for r in responses if r.status_code == 200)


def test_twenty_households_moving_into_one_free_place():
    prop, day = one_free_place(), today() + dt.timedelta(days=7)
    clients, movers = staff_clients(ATTEMPTS), households(ATTEMPTS)
    for household in movers:  # each lives elsewhere now
        PlacementFactory(
            resident=household.residents.get(), start_date=today() - dt.timedelta(days=60), planned_end=None
        )
    data = {
        "property": prop.pk,
        "kind": "permanent",
        "day": day.isoformat(),
        "planned_end": "",
        "outflow": "",
    }

    responses, refusals, errors = race(
        [
            lambda c=c, h=h: c.post(reverse("household_move", args=[h.pk]), data)
            for c, h in zip(clients, movers, strict=True)
        ]
    )

    assert_one_success(responses, refusals, errors, succeeded=lambda r: r.status_code == 302)
    assert occupied(prop, day) == 2 == prop.capacity
    # The refused moves ended nothing: every other household still lives where it did.
    assert Placement.objects.filter(end_date__isnull=False).count() == 1


def admin_place_data(resident, prop, start):
    return {"resident": resident.pk, "property": prop.pk, "kind": "har", "start_date": start.isoformat()}


def test_twenty_admin_placement_adds_into_one_free_place():
    prop, start = one_free_place(), today()
    clients, residents = superuser_clients(ATTEMPTS), [ResidentFactory() for _ in range(ATTEMPTS)]
    url = reverse("admin:residents_placement_add")

    responses, refusals, errors = race(
        [
            lambda c=c, r=r: c.post(url, admin_place_data(r, prop, start))
            for c, r in zip(clients, residents, strict=True)
        ]
    )

    assert_one_success(responses, refusals, errors, succeeded=lambda r: r.status_code == 302)
    assert occupied(prop) == 2 == prop.capacity


def admin_property_data(prop, **changes):
    return property_post(prop, **changes)


def test_an_admin_capacity_lowering_against_nineteen_admin_placements():
    prop, start = one_free_place(), today()
    clients, residents = superuser_clients(ATTEMPTS), [ResidentFactory() for _ in range(ATTEMPTS - 1)]
    lowering = admin_property_data(prop, capacity=1)
    attempts = [lambda: clients[0].post(reverse("admin:housing_property_change", args=[prop.pk]), lowering)]
    attempts += [
        lambda c=c, r=r: c.post(reverse("admin:residents_placement_add"), admin_place_data(r, prop, start))
        for c, r in zip(clients[1:], residents, strict=True)
    ]

    responses, refusals, errors = race(attempts)

    assert_one_success(responses, refusals, errors, succeeded=lambda r: r.status_code == 302)
    prop.refresh_from_db()
    assert occupied(prop) <= prop.capacity
    assert Property.objects.get(pk=prop.pk).capacity in (1, 2)


def test_twenty_api_placements_into_one_free_place():
    prop, start = one_free_place(), today()
    clients = [http(token_for(scope.MUNICIPAL_STAFF, [GRONINGEN], name=f"race {i}")) for i in range(ATTEMPTS)]
    waiting = households(ATTEMPTS)

    responses, refusals, errors = race(
        [
            lambda c=c, h=h: c.post(
                "/api/v1/placements",
                {"household": h.pk, "property": prop.pk, "kind": "har", "startDate": start.isoformat()},
                format="json",
            )
            for c, h in zip(clients, waiting, strict=True)
        ]
    )

    assert_one_success(responses, refusals, errors, succeeded=lambda r: r.status_code == 201)
    assert all(r.status_code == 409 for r in responses if r.status_code != 201)
    assert occupied(prop) == 2 == prop.capacity


def test_the_capacity_lowerings_raced_above_save_on_their_own():
    """Without this the races above would also pass if the lowering were refused for a form error."""
    page_prop, admin_prop = one_free_place(), one_free_place()
    staff, superuser = staff_clients(1)[0], superuser_clients(1)[0]
    page = staff.post(
        reverse("property_edit", args=[page_prop.pk]), property_page_data(staff, page_prop, capacity="1")
    )
    admin_page = superuser.post(
        reverse("admin:housing_property_change", args=[admin_prop.pk]),
        admin_property_data(admin_prop, capacity=1),
    )
    errors = admin_page.context["adminform"].form.errors if admin_page.status_code == 200 else None
    assert (page.status_code, admin_page.status_code) == (302, 302), errors
    page_prop.refresh_from_db()
    admin_prop.refresh_from_db()
    assert (page_prop.capacity, admin_prop.capacity) == (1, 1)


def test_twenty_users_registering_one_v_number_at_once_save_it_once_and_see_no_error_page():
    """Not capacity but the same race on another unique rule: each user adds a resident with the
    same V-number to a household of their own. One is saved; the others get the V-number's message
    (the database's unique constraint catches what the check let through), never a 500."""
    clients, targets = staff_clients(ATTEMPTS), households(ATTEMPTS)
    data = {"v_number": "8888888888", "given_name": "Lina", "family_name": "Haddad", "join_current": ""}
    responses, refusals, errors = race(
        [
            lambda c=c, h=h: c.post(reverse("resident_create", args=[h.pk]), data)
            for c, h in zip(clients, targets, strict=True)
        ]
    )
    assert errors == [] and refusals == []
    assert [r.status_code for r in responses].count(302) == 1
    assert all(r.status_code == 200 and "V-nummer" in r.text for r in responses if r.status_code != 302)
    from residents.models import Resident

    assert Resident.objects.filter(v_number="8888888888").count() == 1
