"""The admin site for pioneers: scope in lists, change pages and choices; no delete; every page of
every registered model answers 200 for a superuser."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from accounts.roles import ensure_role_groups
from buddies.models import Buddy, BuddyMatch
from housing.models import IntentAgreement, Municipality, Property
from residents.models import Household, Placement, Resident
from tests.factories import (
    UTRECHT,
    BuddyFactory,
    BuddyMatchFactory,
    HouseholdFactory,
    PlacementFactory,
    PropertyFactory,
    ResidentFactory,
    municipality,
)

pytestmark = pytest.mark.django_db

NO_DELETE_MODELS = [
    Household,
    Resident,
    Placement,
    Property,
    IntentAgreement,
    Buddy,
    BuddyMatch,
    Municipality,
]


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def pioneer_client(client, pioneer):
    ensure_role_groups()
    client.force_login(pioneer)
    return client


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("beheer", "beheer@example.org", "x")


@pytest.fixture
def admin_client_(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def two_households():
    """One household in Groningen (pioneer's scope), one in Utrecht (not)."""
    own = HouseholdFactory()
    foreign = HouseholdFactory(municipality=municipality(UTRECHT))
    return own, foreign


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def change(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def test_pioneer_sees_only_households_of_own_scope(pioneer_client, two_households):
    own, foreign = two_households
    response = pioneer_client.get(changelist(Household))
    assert response.status_code == 200
    assert own.reference in response.text
    assert foreign.reference not in response.text


def test_pioneer_sees_household_linked_elsewhere_but_placed_in_scope(pioneer_client):
    placed_here = PlacementFactory(resident__household__municipality=municipality(UTRECHT))
    response = pioneer_client.get(changelist(Household))
    assert placed_here.resident.household.reference in response.text
    assert pioneer_client.get(change(placed_here.resident.household)).status_code == 200


def test_out_of_scope_change_page_is_not_found(pioneer_client, two_households):
    _own, foreign = two_households
    assert pioneer_client.get(change(foreign)).status_code == 404
    resident = ResidentFactory(household=foreign)
    assert pioneer_client.get(change(resident)).status_code == 404


def test_superuser_sees_every_household(admin_client_, two_households):
    response = admin_client_.get(changelist(Household))
    for household in two_households:
        assert household.reference in response.text


def test_pioneer_form_choices_are_limited_to_scope(pioneer, two_households):
    ensure_role_groups()
    own_property = PropertyFactory()
    PropertyFactory(municipality=municipality(UTRECHT), postcode="3511 AB")
    own_resident = ResidentFactory(household=two_households[0])
    foreign_resident = ResidentFactory(household=two_households[1])
    request = RequestFactory().get("/admin/")
    request.user = pioneer
    form = admin.site._registry[Placement].get_form(request)()
    assert set(form.fields["property"].queryset) == {own_property}
    assert own_resident in form.fields["resident"].queryset
    assert foreign_resident not in form.fields["resident"].queryset
    household_form = admin.site._registry[Household].get_form(request)()
    codes = set(household_form.fields["municipality"].queryset.values_list("cbs_code", flat=True))
    assert codes == {"GM0014", "GM0037"}
    match_form = admin.site._registry[BuddyMatch].get_form(request)()
    assert set(match_form.fields["household"].queryset) == {two_households[0]}


def test_pioneer_cannot_post_an_out_of_scope_choice(pioneer_client, two_households):
    foreign_property = PropertyFactory(municipality=municipality(UTRECHT), postcode="3511 AB")
    resident = ResidentFactory(household=two_households[0])
    response = pioneer_client.post(
        reverse("admin:residents_placement_add"),
        {"resident": resident.pk, "property": foreign_property.pk, "kind": "har", "start_date": "2026-07-01"},
    )
    assert response.status_code == 200  # the form again, with an error
    assert not Placement.objects.exists()


def test_autocomplete_offers_only_scope(pioneer_client):
    own = PropertyFactory(name="Pastorie Binnen")
    PropertyFactory(name="Pastorie Buiten", municipality=municipality(UTRECHT), postcode="3511 AB")
    response = pioneer_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "residents", "model_name": "placement", "field_name": "property", "term": "Pastorie"},
    )
    assert response.status_code == 200
    assert [row["id"] for row in json.loads(response.content)["results"]] == [str(own.pk)]


@pytest.mark.parametrize("model", NO_DELETE_MODELS, ids=lambda m: m.__name__)
def test_nobody_can_delete_records_with_history(rf, superuser, model):
    request = rf.get("/admin/")
    request.user = superuser
    model_admin = admin.site._registry[model]
    assert model_admin.has_delete_permission(request) is False
    assert "delete_selected" not in model_admin.get_actions(request)


def test_delete_page_is_refused(admin_client_):
    household = HouseholdFactory()
    url = reverse("admin:residents_household_delete", args=[household.pk])
    assert admin_client_.post(url, {"post": "yes"}).status_code == 403
    assert Household.objects.filter(pk=household.pk).exists()


def test_pioneer_can_view_but_not_change_municipalities(pioneer_client):
    groningen = municipality()
    assert pioneer_client.get(change(groningen)).status_code == 200
    response = pioneer_client.post(change(groningen), {"name": "Stad", "cbs_code": "GM9999"})
    assert response.status_code == 403
    groningen.refresh_from_db()
    assert (groningen.name, groningen.cbs_code) == ("Groningen", "GM0014")


def test_pioneer_sees_only_own_municipalities_in_admin(pioneer_client):
    response = pioneer_client.get(changelist(Municipality))
    assert "Stadskanaal" in response.text
    assert "Utrecht" not in response.text


def test_property_list_shows_occupancy_and_free_places_from_one_query(
    admin_client_, django_assert_max_num_queries
):
    prop = PropertyFactory(capacity=4)
    today = dt.date.today()
    for _ in range(3):
        PlacementFactory(property=prop, start_date=today - dt.timedelta(days=10), planned_end=None)
    PlacementFactory(
        property=prop, start_date=today - dt.timedelta(days=100), end_date=today - dt.timedelta(days=20)
    )
    for number in range(10):
        PropertyFactory(name=f"Extra {number}")
    with django_assert_max_num_queries(12):
        response = admin_client_.get(changelist(Property))
    row = next(r for r in response.context["cl"].result_list if r.pk == prop.pk)
    assert (row.occupied_now, row.free_now) == (3, 1)
    page = admin_client_.get(change(prop))
    assert page.status_code == 200
    assert "Pastorie" in page.text


@pytest.mark.parametrize(
    "model", [Household, Resident, Placement, Buddy, BuddyMatch], ids=lambda m: m.__name__
)
def test_changelists_do_not_grow_queries_per_row(admin_client_, django_assert_max_num_queries, model):
    for _ in range(15):
        BuddyMatchFactory(household=PlacementFactory().resident.household)
    with django_assert_max_num_queries(12):
        assert admin_client_.get(changelist(model)).status_code == 200


def test_placement_admin_refuses_overlap_and_full_property(admin_client_):
    placement = PlacementFactory(start_date=dt.date(2026, 7, 1), planned_end=None)
    url = reverse("admin:residents_placement_add")
    overlapping = {
        "resident": placement.resident.pk,
        "property": PropertyFactory().pk,
        "kind": "permanent",
        "start_date": "2026-08-01",
    }
    response = admin_client_.post(url, overlapping)
    assert response.status_code == 200 and response.context["adminform"].form.errors
    full = PropertyFactory(capacity=1)
    PlacementFactory(property=full, start_date=dt.date(2026, 7, 1))
    response = admin_client_.post(
        url,
        {"resident": ResidentFactory().pk, "property": full.pk, "kind": "har", "start_date": "2026-08-01"},
    )
    assert response.status_code == 200 and response.context["adminform"].form.errors
    assert Placement.objects.count() == 2


def test_placement_admin_sets_default_planned_end(admin_client_):
    resident = ResidentFactory()
    response = admin_client_.post(
        reverse("admin:residents_placement_add"),
        {
            "resident": resident.pk,
            "property": PropertyFactory().pk,
            "kind": "har",
            "start_date": "2026-08-31",
        },
    )
    assert response.status_code == 302
    assert Placement.objects.get(resident=resident).planned_end == dt.date(2027, 2, 28)


def test_buddy_page_lists_matches_inline(admin_client_):
    match = BuddyMatchFactory()
    response = admin_client_.get(change(match.buddy))
    assert response.status_code == 200
    assert match.household.reference in response.text


def test_user_page_lets_superuser_grant_municipalities(admin_client_, staff_groningen):
    response = admin_client_.get(change(staff_groningen))
    assert response.status_code == 200
    assert "scope-0-municipalities" in response.text


def test_admin_header_is_dutch(admin_client_):
    with translation.override("nl"):
        response = admin_client_.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="nl")
    assert "Thuisgevers beheer" in response.text


def test_every_admin_page_of_every_model_answers_200_for_superuser(admin_client_):
    call_command("seed_demo", password="demo-wachtwoord-voor-tests", stdout=StringIO())
    BuddyFactory()
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        assert admin_client_.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200, info
        if model_admin.has_add_permission(admin_client_.get("/").wsgi_request):
            assert admin_client_.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200, info
        first = model_admin.get_queryset(admin_client_.get("/").wsgi_request).first()
        if first is not None:
            assert admin_client_.get(change(first)).status_code == 200, info


def test_pioneer_admin_pages_answer_200_within_scope(client):
    call_command("seed_demo", password="demo-wachtwoord-voor-tests", stdout=StringIO())
    pionier = get_user_model().objects.get(username="pionier")
    client.force_login(pionier)
    assert client.get(reverse("admin:index")).status_code == 200
    for model in (Household, Resident, Placement, Property, Buddy, BuddyMatch, IntentAgreement):
        assert client.get(changelist(model)).status_code == 200, model
        visible = model.objects.visible_to(pionier).first()
        assert client.get(change(visible)).status_code == 200, model
    utrecht_household = Household.objects.filter(municipality__cbs_code=UTRECHT).exclude(
        pk__in=Household.objects.visible_to(pionier)
    )[0]
    assert client.get(change(utrecht_household)).status_code == 404
