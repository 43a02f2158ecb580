"""The REST API: NL API Design Rules, scope like the pages, the services' rules, the access log."""

import datetime as dt

import pytest
from django.utils import timezone

from accesslog.models import AccessLogEntry
from api.models import ApiClient, hash_token
from api.services import revoke_client
from housing import scope
from housing.periods import Period
from residents.models import Placement
from tests.api.conftest import http, token_for
from tests.factories import (
    UTRECHT,
    HouseholdFactory,
    PlacementFactory,
    PropertyFactory,
    QuotaFactory,
    RegionFactory,
    ResidentFactory,
    municipality,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def utrecht_records(db):
    household = HouseholdFactory(municipality=municipality(UTRECHT))
    prop = PropertyFactory(municipality=municipality(UTRECHT), place="Utrecht", postcode="3511 AA")
    placement = PlacementFactory(resident=ResidentFactory(household=household), property=prop)
    return {"household": household, "property": prop, "placement": placement, "resident": placement.resident}


def test_the_version_is_in_a_header_and_paths_have_no_trailing_slash(api_groningen):
    response = api_groningen.get("/api/v1/households")
    assert response.status_code == 200
    assert response["API-Version"] == "1.0.0"
    assert api_groningen.get("/api/v1/households/").status_code == 404


def test_without_a_token_the_answer_is_a_dutch_problem_json_401(db):
    response = http().get("/api/v1/households")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Authenticatie vereist."
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_address_is_a_problem_json_404(api_groningen):
    response = api_groningen.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Niet gevonden."


def test_a_token_is_stored_hashed_and_stops_working_when_revoked_or_expired(db):
    token = token_for(scope.MUNICIPAL_STAFF, ["GM0014"], name="Zaaksysteem")
    client = ApiClient.objects.get(name="Zaaksysteem")
    assert client.token_hash == hash_token(token) and token not in client.token_hash
    assert http(token).get("/api/v1/households").status_code == 200
    client.expires_at = timezone.now() - dt.timedelta(seconds=1)
    client.save()
    assert http(token).get("/api/v1/households").status_code == 401
    client.expires_at = timezone.now() + dt.timedelta(days=1)
    client.save()
    revoke_client(client=client)
    assert http(token).get("/api/v1/households").status_code == 401


def test_the_service_user_gets_the_clients_role_and_municipalities(db):
    token_for(scope.PIONEER, ["GM0014", "GM0037"], name="Pionier-app")
    user = ApiClient.objects.get(name="Pionier-app").service_user
    assert scope.roles_of(user) == {scope.PIONEER}
    assert {m.cbs_code for m in user.scope.municipalities.all()} == {"GM0014", "GM0037"}
    assert not user.has_usable_password()


@pytest.mark.parametrize(
    "address",
    [
        "/api/v1/households/{household}",
        "/api/v1/residents/{resident}",
        "/api/v1/placements/{placement}",
        "/api/v1/properties/{property}",
    ],
)
def test_another_municipalitys_record_is_404_and_logged_as_refused(api_groningen, utrecht_records, address):
    ids = {name: record.pk for name, record in utrecht_records.items()}
    response = api_groningen.get(address.format(**ids))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert AccessLogEntry.objects.filter(result="refused").count() == 1


def test_another_municipalitys_placement_cannot_be_ended(api_groningen, utrecht_records):
    placement = utrecht_records["placement"]
    response = api_groningen.post(
        f"/api/v1/placements/{placement.pk}/end", {"endDate": "2026-08-01", "outflow": "left"}, format="json"
    )
    assert response.status_code == 404
    placement.refresh_from_db()
    assert placement.end_date is None


@pytest.mark.parametrize(
    "address",
    [
        "/api/v1/households",
        "/api/v1/residents",
        "/api/v1/placements",
        "/api/v1/properties",
        "/api/v1/signals",
    ],
)
def test_lists_hold_only_the_clients_municipalities(api_groningen, utrecht_records, address):
    response = api_groningen.get(address)
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_a_filter_on_another_municipality_is_404_and_a_malformed_one_400(api_groningen, utrecht_records):
    assert api_groningen.get("/api/v1/households?municipality=GM0344").status_code == 404
    response = api_groningen.get("/api/v1/households?municipality=Utrecht")
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "municipality"


@pytest.mark.parametrize(
    "address",
    [
        "/api/v1/households",
        "/api/v1/residents",
        "/api/v1/placements",
        "/api/v1/properties",
        "/api/v1/signals",
    ],
)
def test_a_coordinator_gets_no_personal_data(api_coordinator, utrecht_records, address):
    response = api_coordinator.get(address)
    assert response.status_code == 403
    assert response.json()["title"] == "Geen toegang."


def test_a_coordinator_reads_the_figures_of_every_municipality(api_coordinator, utrecht_records):
    period = Period.containing(dt.date(2026, 7, 1))
    QuotaFactory(municipality=municipality(UTRECHT), year=period.year, half=period.half, target=30)
    response = api_coordinator.get(f"/api/v1/municipalities/{UTRECHT}?period={period}")
    assert response.status_code == 200
    body = response.json()
    assert body["cbsCode"] == UTRECHT and body["target"] == 30 and body["realised"] == 1
    assert body["remaining"] == 29 and "actualTask" in body
    listing = api_coordinator.get(f"/api/v1/municipalities?period={period}&pageSize=100").json()
    assert listing["count"] >= 342 - 10  # every existing municipality
    assert set(listing["_links"]) >= {"self", "first", "next", "last"}
    assert "page=2" in listing["_links"]["next"]["href"]


def test_staff_see_the_figures_of_their_own_municipality_only(api_groningen):
    assert api_groningen.get("/api/v1/municipalities/GM0014").status_code == 200
    assert api_groningen.get(f"/api/v1/municipalities/{UTRECHT}").status_code == 404
    assert api_groningen.get("/api/v1/municipalities").json()["count"] == 1


def test_region_figures_and_quotas(api_coordinator):
    region = RegionFactory()
    region.members.set([municipality("GM0014"), municipality(UTRECHT)])
    QuotaFactory(municipality=municipality(UTRECHT), year=2026, half=2, target=30)
    body = api_coordinator.get(f"/api/v1/regions/{region.pk}?period=2026-H2").json()
    assert {m["cbsCode"] for m in body["members"]} == {"GM0014", UTRECHT}
    quotas = api_coordinator.get(f"/api/v1/quotas?period=2026-H2&region={region.pk}").json()
    assert [(q["municipality"], q["target"], q["period"]) for q in quotas["results"]] == [
        (UTRECHT, 30, "2026-H2")
    ]


def test_reading_residents_writes_one_access_log_row_each(api_groningen):
    residents = ResidentFactory.create_batch(3, household=HouseholdFactory())
    response = api_groningen.get("/api/v1/residents")
    assert response.status_code == 200
    assert [r["givenName"] for r in response.json()["results"]]  # names, lowerCamelCase
    rows = AccessLogEntry.objects.filter(action="list", result="success", purpose="api")
    assert sorted(int(r.subject_id) for r in rows) == sorted(r.pk for r in residents)
    api_groningen.get(f"/api/v1/households/{residents[0].household_id}")
    assert AccessLogEntry.objects.filter(action="view").count() == 3


def test_placing_a_household_goes_through_the_capacity_rule_with_a_dutch_message(api_groningen):
    prop = PropertyFactory(capacity=2)
    household = HouseholdFactory()
    ResidentFactory.create_batch(3, household=household)
    body = {"household": household.pk, "property": prop.pk, "kind": "har", "startDate": "2026-09-01"}
    response = api_groningen.post("/api/v1/placements", body, format="json")
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert "vol" in response.json()["detail"]
    assert not Placement.objects.exists()


def test_placing_and_ending_through_the_api(api_groningen):
    prop = PropertyFactory(capacity=4)
    household = HouseholdFactory()
    ResidentFactory.create_batch(2, household=household)
    body = {"household": household.pk, "property": prop.pk, "kind": "har", "startDate": "2026-09-01"}
    response = api_groningen.post("/api/v1/placements", body, format="json")
    assert response.status_code == 201
    created = response.json()["placements"]
    assert len(created) == 2 and created[0]["plannedEnd"] == "2027-03-01"
    again = api_groningen.post("/api/v1/placements", body, format="json")
    assert again.status_code == 409  # overlap
    pk = created[0]["id"]
    bad = api_groningen.post(
        f"/api/v1/placements/{pk}/end", {"endDate": "2026-08-01", "outflow": "left"}, format="json"
    )
    assert bad.status_code == 409 and bad.json()["invalidParams"][0]["name"] == "endDate"
    ended = api_groningen.post(
        f"/api/v1/placements/{pk}/end", {"endDate": "2026-12-01", "outflow": "left"}, format="json"
    )
    assert ended.status_code == 200 and ended.json()["endDate"] == "2026-12-01"


def test_bad_input_is_a_400_not_a_500(api_groningen):
    assert api_groningen.get("/api/v1/placements?period=2026-H3").status_code == 400
    assert api_groningen.get("/api/v1/placements?page=0").status_code == 400
    assert api_groningen.get("/api/v1/placements?region=abc").status_code == 400
    response = api_groningen.post("/api/v1/placements", "not json", content_type="application/json")
    assert response.status_code == 400
    response = api_groningen.post("/api/v1/placements", {"household": 1}, format="json")
    assert response.status_code == 400
    response = api_groningen.post(
        "/api/v1/placements",
        {"household": "1", "property": 1, "kind": "har", "startDate": "2026-09-01"},
        format="json",
    )
    assert response.json()["invalidParams"][0]["name"] == "household"
    assert api_groningen.get("/api/v1/placements?period=").status_code == 400


def test_the_openapi_document_needs_no_token(db):
    yaml = http().get("/api/v1/openapi.yaml")
    assert yaml.status_code == 200 and b"openapi: 3" in yaml.content
    assert http().get("/api/v1/openapi.json").json()["info"]["version"] == "1.0.0"


def test_clients_are_throttled(api_groningen, settings):
    from rest_framework.settings import api_settings

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "client": "2/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    statuses = [api_groningen.get("/api/v1/regions").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


@pytest.mark.parametrize(
    ("address", "most"),
    [
        ("/api/v1/households", 12),
        ("/api/v1/residents", 12),
        ("/api/v1/placements", 12),
        ("/api/v1/properties", 10),
        ("/api/v1/signals", 12),
        ("/api/v1/municipalities", 10),
        ("/api/v1/quotas", 10),
        ("/api/v1/regions", 10),
    ],
)
def test_list_endpoints_take_a_fixed_number_of_queries(
    api_groningen, django_assert_max_num_queries, address, most
):
    for _ in range(5):
        household = HouseholdFactory()
        PlacementFactory(resident=ResidentFactory(household=household, gp_practice=""))
    RegionFactory().members.set([municipality("GM0014")])
    QuotaFactory(municipality=municipality("GM0014"), year=2026, half=2, target=10)
    with django_assert_max_num_queries(most):
        response = api_groningen.get(address)
    assert response.status_code == 200
    assert response.json()["count"] >= 1


def test_the_cached_municipality_figures_follow_a_data_change(
    api_groningen, django_capture_on_commit_callbacks
):
    period = Period.current()
    with django_capture_on_commit_callbacks(execute=True):
        quota = QuotaFactory(
            municipality=municipality("GM0014"), year=period.year, half=period.half, target=30
        )
    first = api_groningen.get(f"/api/v1/municipalities?period={period}").json()
    quota.target = 31
    with django_capture_on_commit_callbacks(execute=True):  # the data version rises on commit
        quota.save()
    second = api_groningen.get(f"/api/v1/municipalities?period={period}").json()
    assert [row["target"] for row in first["results"]] == [30]
    assert [row["target"] for row in second["results"]] == [31], "a change is never hidden by the cache"


def test_the_signals_list_reads_its_page_and_count_in_one_query(api_groningen):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert api_groningen.get("/api/v1/signals").status_code == 200
    assert sum("open_signal" in query["sql"] for query in captured.captured_queries) == 1
