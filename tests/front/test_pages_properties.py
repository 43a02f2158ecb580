"""Property pages: scope, filters, occupancy, create/edit, query budgets."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from housing.models import Property
from tests.factories import UTRECHT, PlacementFactory, PropertyFactory, ResidentFactory, municipality
from tests.front.pages_helpers import assert_no_inline_code, count_queries, fast_password_hashing  # noqa: F401

pytestmark = pytest.mark.django_db

LIST_BUDGET = 12
DETAIL_BUDGET = 12


def today():
    return timezone.localdate()


def valid_data(**overrides):
    data = {
        "name": "Pastorie Helpman",
        "street": "Kerkstraat",
        "house_number": "12a",
        "postcode": "9711ab",
        "place": "Groningen",
        "municipality": municipality().pk,
        "kind": Property.Kind.PARSONAGE,
        "capacity": "6",
        "status": Property.Status.OFFERED,
        "funding": Property.Funding.HAR,
    }
    data.update(overrides)
    return data


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("property_list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_list_shows_own_properties_and_hides_other_municipalities(client, staff_groningen):
    PropertyFactory(name="Pastorie Groningen")
    PropertyFactory(name="Klooster Utrecht", municipality=municipality(UTRECHT))
    client.force_login(staff_groningen)
    response = client.get(reverse("property_list"))
    assert response.status_code == 200
    assert "Pastorie Groningen" in response.text
    assert "Klooster Utrecht" not in response.text
    assert_no_inline_code(response.text)


def test_coordinator_and_user_without_role_get_no_access(client, coordinator, no_role_user):
    prop = PropertyFactory()
    for user in (coordinator, no_role_user):
        client.force_login(user)
        for url in (reverse("property_list"), reverse("property_detail", args=[prop.pk])):
            response = client.get(url)
            assert response.status_code == 403
            assert prop.name not in response.text


def test_list_annotates_occupancy_and_totals_over_all_filtered_rows(client, staff_groningen):
    prop = PropertyFactory(capacity=4)
    PlacementFactory(property=prop, start_date=today() - dt.timedelta(days=10), planned_end=None)
    PlacementFactory(
        property=prop, start_date=today() - dt.timedelta(days=40), end_date=today() - dt.timedelta(days=5)
    )
    PropertyFactory(capacity=2)
    client.force_login(staff_groningen)
    response = client.get(reverse("property_list"))
    row = next(p for p in response.context["page_obj"] if p.pk == prop.pk)
    assert (row.occupied_now, row.free_now) == (1, 3)
    assert response.context["totals"] == {"capacity": 6, "occupied": 1, "free": 5}


def test_free_places_status_and_municipality_filters(client, pioneer):
    full = PropertyFactory(name="Vol huis", capacity=1)
    PlacementFactory(property=full, start_date=today() - dt.timedelta(days=1), planned_end=None)
    roomy = PropertyFactory(name="Ruim huis", capacity=5, status=Property.Status.APPROVED)
    other = PropertyFactory(name="Stadskanaal huis", municipality=municipality("GM0037"))
    client.force_login(pioneer)
    names = lambda response: {p.name for p in response.context["page_obj"]}  # noqa: E731
    assert names(client.get(reverse("property_list"), {"free_places": 2})) == {roomy.name, other.name}
    assert names(client.get(reverse("property_list"), {"status": "approved"})) == {roomy.name}
    assert names(client.get(reverse("property_list"), {"municipality": other.municipality_id})) == {
        other.name
    }
    ordered = client.get(reverse("property_list"), {"ordering": "-free"})
    assert [p.name for p in ordered.context["page_obj"]][0] == roomy.name


def test_municipality_filter_offers_only_the_users_municipalities(client, staff_groningen):
    client.force_login(staff_groningen)
    response = client.get(reverse("property_list"))
    choices = list(response.context["filter"].form.fields["municipality"].queryset)
    assert [m.cbs_code for m in choices] == ["GM0014"]
    # A municipality outside the scope is an invalid filter value: ignored, never a 500.
    response = client.get(reverse("property_list"), {"municipality": municipality(UTRECHT).pk})
    assert response.status_code == 200
    assert response.context["filter"].form.errors


@pytest.mark.parametrize(
    "query",
    [
        {"page": "abc"},
        {"page": "99999"},
        {"page": "-1"},
        {"status": "nonsense"},
        {"free_places": "many"},
        {"ordering": "password"},
        {"municipality": "xyz"},
    ],
)
def test_bad_query_strings_never_give_an_error_page(client, staff_groningen, query):
    PropertyFactory.create_batch(3)
    client.force_login(staff_groningen)
    response = client.get(reverse("property_list"), query)
    assert response.status_code == 200


def test_pagination_keeps_filters_in_the_address(client, staff_groningen):
    PropertyFactory.create_batch(27, status=Property.Status.IN_USE)
    client.force_login(staff_groningen)
    response = client.get(reverse("property_list"), {"status": "in_use"})
    assert len(response.context["page_obj"]) == 25
    assert "?status=in_use&amp;page=2" in response.text
    page2 = client.get(reverse("property_list"), {"status": "in_use", "page": 2})
    assert len(page2.context["page_obj"]) == 2


def test_detail_of_own_property_shows_current_households_and_forecast(client, staff_groningen):
    prop = PropertyFactory(capacity=3)
    resident = ResidentFactory()
    start = today() - dt.timedelta(days=3)
    PlacementFactory(
        resident=resident, property=prop, start_date=start, planned_end=start + dt.timedelta(days=60)
    )
    client.force_login(staff_groningen)
    response = client.get(reverse("property_detail", args=[prop.pk]))
    assert response.status_code == 200
    assert resident.household.reference in response.text
    assert resident.given_name not in response.text  # references only, no names
    forecast = response.context["forecast"]
    assert len(forecast) == 13
    assert (forecast[0]["occupied"], forecast[0]["free"]) == (1, 2)
    assert forecast[-1]["occupied"] == 0  # the planned end has passed by then
    assert_no_inline_code(response.text)


def test_detail_and_edit_of_another_municipality_answer_404(client, staff_groningen):
    foreign = PropertyFactory(municipality=municipality(UTRECHT))
    client.force_login(staff_groningen)
    assert client.get(reverse("property_detail", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("property_edit", args=[foreign.pk])).status_code == 404
    response = client.post(reverse("property_edit", args=[foreign.pk]), valid_data())
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.name != "Pastorie Helpman"


def test_pioneer_sees_properties_of_all_assigned_municipalities(client, pioneer):
    prop = PropertyFactory(municipality=municipality("GM0037"))
    client.force_login(pioneer)
    assert client.get(reverse("property_detail", args=[prop.pk])).status_code == 200


def test_create_normalises_the_postcode(client, staff_groningen):
    client.force_login(staff_groningen)
    response = client.post(reverse("property_create"), valid_data(postcode=" 9711ab "))
    prop = Property.objects.get()
    assert response.status_code == 302
    assert response["Location"] == prop.get_absolute_url()
    assert prop.postcode == "9711 AB"


@pytest.mark.parametrize("postcode", ["0711 AB", "9711", "97111AB", "ABCD EF", "9711 A"])
def test_create_refuses_a_bad_postcode_with_a_dutch_message(client, staff_groningen, postcode):
    client.force_login(staff_groningen)
    response = client.post(reverse("property_create"), valid_data(postcode=postcode))
    assert response.status_code == 200
    assert not Property.objects.exists()
    assert "Vul een Nederlandse postcode in" in response.text
    assert 'aria-invalid="true"' in response.text
    assert 'aria-describedby="id_postcode_helptext id_postcode_error"' in response.text


def test_create_refuses_a_municipality_outside_the_scope(client, staff_groningen):
    client.force_login(staff_groningen)
    response = client.post(reverse("property_create"), valid_data(municipality=municipality(UTRECHT).pk))
    assert response.status_code == 200
    assert response.context["form"].errors["municipality"]
    assert not Property.objects.exists()


def test_edit_saves_changes(client, staff_groningen):
    prop = PropertyFactory()
    client.force_login(staff_groningen)
    response = client.post(
        reverse("property_edit", args=[prop.pk]), valid_data(name="Nieuwe naam", capacity="9")
    )
    assert response.status_code == 302
    prop.refresh_from_db()
    assert (prop.name, prop.capacity) == ("Nieuwe naam", 9)


def test_edit_refuses_a_capacity_below_the_current_occupancy(client, staff_groningen):
    prop = PropertyFactory(capacity=3)
    PlacementFactory.create_batch(2, property=prop, start_date=today(), planned_end=None)
    client.force_login(staff_groningen)
    response = client.post(reverse("property_edit", args=[prop.pk]), valid_data(capacity="1"))
    assert response.status_code == 200
    assert response.context["form"].errors["capacity"]
    prop.refresh_from_db()
    assert prop.capacity == 3


def test_coordinator_cannot_create(client, coordinator):
    client.force_login(coordinator)
    assert client.post(reverse("property_create"), valid_data()).status_code == 403
    assert not Property.objects.exists()


def test_list_runs_the_same_number_of_queries_for_1_and_30_rows(
    client, staff_groningen, django_assert_max_num_queries
):
    client.force_login(staff_groningen)
    prop = PropertyFactory()
    PlacementFactory(property=prop, start_date=today(), planned_end=None)
    one = count_queries(client, reverse("property_list"))
    for _ in range(29):
        PlacementFactory(property=PropertyFactory(), start_date=today(), planned_end=None)
    thirty = count_queries(client, reverse("property_list"))
    assert one == thirty
    with django_assert_max_num_queries(LIST_BUDGET):
        client.get(reverse("property_list"))


def test_detail_runs_the_same_number_of_queries_for_1_and_30_placements(
    client, staff_groningen, django_assert_max_num_queries
):
    client.force_login(staff_groningen)
    prop = PropertyFactory(capacity=40)
    PlacementFactory(property=prop, start_date=today(), planned_end=None)
    url = reverse("property_detail", args=[prop.pk])
    one = count_queries(client, url)
    PlacementFactory.create_batch(29, property=prop, start_date=today(), planned_end=None)
    thirty = count_queries(client, url)
    assert one == thirty
    with django_assert_max_num_queries(DETAIL_BUDGET):
        client.get(url)


def test_forecast_chart_coordinates_use_a_decimal_point_in_dutch(client, staff_groningen):
    prop = PropertyFactory(capacity=7)
    PlacementFactory(property=prop, start_date=today(), planned_end=None)
    client.force_login(staff_groningen)
    html = client.get(reverse("property_detail", args=[prop.pk]), HTTP_ACCEPT_LANGUAGE="nl").text
    svg = html[html.index("<svg viewBox") : html.index("</svg>")]
    assert not re.search(r'(x|y|width|height)="\d+,\d', svg), "localised number in an SVG attribute"


def test_the_edit_page_shows_the_property_history(client, staff_groningen):
    prop = PropertyFactory(name="Pastorie Helpman")
    client.force_login(staff_groningen)
    client.post(reverse("property_edit", args=[prop.pk]), valid_data(name="Pastorie Zuid"))
    page = client.get(reverse("property_edit", args=[prop.pk])).content.decode()
    assert "Wijzigingsgeschiedenis" in page and "Pastorie Zuid" in page
