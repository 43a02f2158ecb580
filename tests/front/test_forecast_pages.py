"""The forecast on the dashboard and the municipality page, and its exports: shown, scoped, counted.

The numbers themselves are pinned in tests/figures/test_forecast.py; here the pages and exports
must show what figures.forecast computes for the page's municipalities, today."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from figures.forecast import forecast
from housing import scope
from housing.models import Property
from residents.models import add_months
from tests.factories import (
    GRONINGEN,
    UTRECHT,
    HouseholdFactory,
    PlacementFactory,
    PropertyFactory,
    QuotaFactory,
    RegionFactory,
    ResidentFactory,
    make_user,
    municipality,
)
from tests.reports.reports_helpers import read_csv, read_xlsx

# Pinned budgets of the two exports: session, user, roles, scope, selection (1–2), forecast (8).
FORECAST_EXPORT_QUERIES = 13


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def data(db):
    """Groningen: a quota this period, a household planned to start next month, an approved
    property coming available in two months. Utrecht: a household whose stay ends next month."""
    today = timezone.localdate()
    g, u = municipality(GRONINGEN), municipality(UTRECHT)
    here = today.replace(day=1)
    period_start = dt.date(today.year, 1 if today.month <= 6 else 7, 1)
    QuotaFactory(municipality=g, year=period_start.year, half=1 if today.month <= 6 else 2, target=30)
    prop = PropertyFactory(municipality=g, capacity=10)
    PropertyFactory(
        municipality=g, capacity=7, status=Property.Status.APPROVED, available_from=add_months(here, 2)
    )
    household = HouseholdFactory(municipality=g)
    for _index in range(3):
        PlacementFactory(
            resident=ResidentFactory(household=household),
            property=prop,
            start_date=add_months(here, 1),
            planned_end=add_months(here, 7),
        )
    other = HouseholdFactory(municipality=u)
    PlacementFactory(
        resident=ResidentFactory(household=other),
        property=PropertyFactory(municipality=u, place="Utrecht"),
        start_date=add_months(here, -2),
        planned_end=add_months(here, 1),
    )
    return {"g": g, "u": u, "today": today}


def test_municipality_page_shows_the_forecast_chart_table_and_sentences(data):
    staff = make_user(scope.MUNICIPAL_STAFF, [GRONINGEN])
    response = client_for(staff).get(f"/municipalities/{GRONINGEN}/")
    assert response.status_code == 200
    shown = response.context["forecast"]
    (row,) = shown.municipalities
    assert row.cbs_code == GRONINGEN
    assert shown.months[1].planned_persons == 3 and shown.months[2].places_coming == 7
    html = response.content.decode()
    assert 'role="img" aria-labelledby="forecast-title forecast-desc"' in html
    assert 'id="forecast-caption"' in html
    for checkpoint in row.checkpoints:
        assert checkpoint.sentence in html
    assert "Bij het huidige tempo komt Groningen op" in html
    assert f'href="/reports/forecast.csv?municipality={GRONINGEN}"' in html
    assert f'href="/reports/forecast-checkpoints.xlsx?municipality={GRONINGEN}"' in html


def test_foreign_municipality_page_is_404(data):
    staff = make_user(scope.MUNICIPAL_STAFF, [GRONINGEN])
    assert client_for(staff).get(f"/municipalities/{UTRECHT}/").status_code == 404


def test_dashboard_shows_the_forecast_of_its_selection(data):
    coordinator = client_for(make_user(scope.COORDINATOR))
    response = coordinator.get(f"/dashboard/?municipality={UTRECHT}")
    assert [m.cbs_code for m in response.context["forecast"].municipalities] == [UTRECHT]
    assert response.context["forecast"].months[1].temporary_ending == 1
    html = response.content.decode()
    assert "Prognose voor de komende 12 maanden" in html
    assert f'href="/reports/forecast.csv?municipality={UTRECHT}"' in html
    everything = coordinator.get("/dashboard/").context["forecast"]
    assert everything.months[1].temporary_ending == 1 and everything.months[1].planned_persons == 3


def test_dashboard_of_staff_covers_only_their_municipalities(data):
    response = client_for(make_user(scope.MUNICIPAL_STAFF, [GRONINGEN])).get("/dashboard/")
    assert [m.cbs_code for m in response.context["forecast"].municipalities] == [GRONINGEN]
    assert response.context["forecast"].months[1].temporary_ending == 0  # Utrecht's stay is not shown


def test_forecast_csv_matches_the_computation(data, django_assert_max_num_queries):
    staff = client_for(make_user(scope.MUNICIPAL_STAFF, [GRONINGEN]))
    with django_assert_max_num_queries(FORECAST_EXPORT_QUERIES):
        response = staff.get("/reports/forecast.csv")
        rows = read_csv(response)
    assert response["Content-Disposition"] == (
        f'attachment; filename="prognose-{data["today"].isoformat()}.csv"'
    )
    assert rows[0] == [
        "gemeentecode",
        "gemeente",
        "maand",
        "vanaf",
        "tot_en_met",
        "tijdelijk_verblijf_eindigt",
        "plekken_beschikbaar",
        "plaatsingen_gepland",
        "nareis_verwacht",
    ]
    (expected,) = forecast([data["g"].pk], today=data["today"]).municipalities
    assert len(rows) == 1 + 12
    for line, month in zip(rows[1:], expected.months, strict=True):
        assert line[:3] == [GRONINGEN, "Groningen", month.month.strftime("%Y-%m")]
        assert line[3:5] == [month.start.isoformat(), month.end.isoformat()]
        assert [int(v) for v in line[5:]] == [
            month.temporary_ending,
            month.places_coming,
            month.planned_persons,
            month.reunification,
        ]
    assert rows[2][7] == "3" and rows[3][6] == "7"


def test_forecast_checkpoints_xlsx_has_a_row_per_municipality_and_checkpoint(
    data, django_assert_max_num_queries
):
    region = RegionFactory(name="Regio Test")
    region.members.set([data["g"], data["u"]])
    coordinator = client_for(make_user(scope.COORDINATOR))
    with django_assert_max_num_queries(FORECAST_EXPORT_QUERIES):
        response = coordinator.get(f"/reports/forecast-checkpoints.xlsx?region={region.pk}")
    _ws, rows = read_xlsx(response)
    assert rows[0][:4] == ["gemeentecode", "gemeente", "peildatum", "periode"]
    assert [(r[0], r[3]) for r in rows[1:]] == [
        (GRONINGEN, str(checkpoint.period))
        for checkpoint in forecast([data["g"].pk], today=data["today"]).municipalities[0].checkpoints
    ] + [
        (UTRECHT, str(c.period))
        for c in forecast([data["u"].pk], today=data["today"]).municipalities[0].checkpoints
    ]
    groningen_first = rows[1]
    assert groningen_first[4] == 30 and groningen_first[-1].startswith("Bij het huidige tempo komt Groningen")


def test_forecast_export_of_a_foreign_municipality_or_region_is_404_and_bad_input_400(data):
    staff = client_for(make_user(scope.MUNICIPAL_STAFF, [GRONINGEN]))
    assert staff.get(f"/reports/forecast.csv?municipality={UTRECHT}").status_code == 404
    region = RegionFactory(name="Regio Utrecht")
    region.members.set([data["u"]])
    assert staff.get(f"/reports/forecast-checkpoints.csv?region={region.pk}").status_code == 404
    response = staff.get("/reports/forecast.csv?municipality=X14")
    assert response.status_code == 400
    assert "GM0014" in response.content.decode()


def test_forecast_exports_need_a_role(db):
    no_role = client_for(make_user(None))
    assert no_role.get("/reports/forecast.csv").status_code in (403, 404)
    assert Client().get("/reports/forecast.csv").status_code == 302


def test_reports_index_links_the_forecast(data):
    html = client_for(make_user(scope.COORDINATOR)).get("/reports/").content.decode()
    assert 'href="/reports/forecast.csv?' in html and 'href="/reports/forecast-checkpoints.xlsx?' in html


def test_placing_a_household_changes_the_forecast_on_the_page(data, django_capture_on_commit_callbacks):
    """The municipality page serves its forecast from the figure cache until the data changes: a
    household placed (through the placement service) from next month shows at once."""
    from residents.services import place_household

    staff = client_for(make_user(scope.MUNICIPAL_STAFF, [GRONINGEN]))
    before = staff.get(f"/municipalities/{GRONINGEN}/").context["forecast"]
    assert before.months[1].planned_persons == 3
    household = HouseholdFactory(municipality=data["g"])
    for _index in range(2):
        ResidentFactory(household=household)
    start = add_months(data["today"].replace(day=1), 1)
    with django_capture_on_commit_callbacks(execute=True):
        place_household(
            household=household,
            property=PropertyFactory(municipality=data["g"], capacity=4),
            kind="har",
            start_date=start,
        )
    after = staff.get(f"/municipalities/{GRONINGEN}/")
    assert after.context["forecast"].months[1].planned_persons == 5
    assert after.context["forecast"].months[7].temporary_ending == 5  # the default planned end: 6 months
