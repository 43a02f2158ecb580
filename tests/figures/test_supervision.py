"""The province's supervision: positions at the 1 January and 1 July checkpoints, consecutive misses
and the escalation step by the province's ladder; the page and its export for a province supervisor."""

import datetime as dt

import pytest

from figures import supervision
from housing.periods import Period
from tests.factories import (
    GRONINGEN,
    HouseholdFactory,
    PlacementFactory,
    QuotaFactory,
    ResidentFactory,
    municipality,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """The pages and the export read today's date; pin it to TODAY so the checkpoints are fixed."""
    from types import SimpleNamespace

    import front.views.quotas

    frozen = SimpleNamespace(localdate=lambda: TODAY)
    monkeypatch.setattr(supervision, "timezone", frozen)
    monkeypatch.setattr(front.views.quotas, "timezone", frozen)


TODAY = dt.date(2026, 12, 1)  # past checkpoints: 1-7-2026 (2026-H1), 1-1-2026 (2025-H2), ...
STADSKANAAL, VEENDAM = "GM0037", "GM0047"


def house(code, persons, day):
    household = HouseholdFactory(municipality=municipality(code))
    for _ in range(persons):
        PlacementFactory(resident=ResidentFactory(household=household), start_date=day)


def quota(code, period, target):
    QuotaFactory(municipality=municipality(code), year=period.year, half=period.half, target=target)


def fixtures():
    """Groningen met every checkpoint (0 misses), Stadskanaal missed the last one only (1), Veendam
    missed the last four in a row after meeting the one before (4)."""
    periods = supervision.past_periods(TODAY)
    for period in periods:
        quota(GRONINGEN, period, 2)
        house(GRONINGEN, 2, period.start)
        quota(STADSKANAAL, period, 1)
        if period != periods[0]:
            house(STADSKANAAL, 1, period.start)
    for index, period in enumerate(periods[:5]):
        quota(VEENDAM, period, 3)
        if index == 4:
            house(VEENDAM, 3, period.start)
    return {r.cbs_code: r for r in supervision.supervision("Groningen", today=TODAY)}


def test_checkpoints_are_the_first_days_after_past_half_years():
    periods = supervision.past_periods(TODAY)
    assert periods[:2] == [Period(2026, 1), Period(2025, 2)]
    assert [p.next_start for p in periods[:2]] == [dt.date(2026, 7, 1), dt.date(2026, 1, 1)]


def test_consecutive_misses_of_zero_one_and_four_and_their_escalation_steps():
    rows = fixtures()
    assert (rows[GRONINGEN].consecutive_misses, rows[GRONINGEN].step) == (0, None)
    assert (rows[STADSKANAAL].consecutive_misses, rows[STADSKANAAL].step) == (1, "talk")
    assert (rows[VEENDAM].consecutive_misses, rows[VEENDAM].step) == (4, "substitution")
    latest = rows[VEENDAM].checkpoints[0]
    assert latest.missed and latest.position == -3 and latest.day == dt.date(2026, 7, 1)
    assert rows[GRONINGEN].checkpoints[0].position == 0 and not rows[GRONINGEN].checkpoints[0].missed
    # A period without a quota breaks the run: nothing to check.
    assert not rows[VEENDAM].checkpoints[5].has_quota


def test_a_province_ladder_in_the_settings_replaces_the_default(settings):
    settings.PROVINCE_ESCALATION_LADDERS = {"Groningen": [[2, "talk"], [6, "substitution"]]}
    rows = fixtures()
    assert rows[STADSKANAAL].step is None
    assert rows[VEENDAM].step == "talk"
    assert supervision.escalation_step("Utrecht", 4) == "substitution"  # default elsewhere


def test_supervision_lists_only_the_municipalities_of_the_province():
    rows = supervision.supervision("Groningen", today=TODAY)
    assert len(rows) == 10 and {r.province for r in rows} == {"Groningen"}


def test_supervisor_page_shows_its_province_and_never_another(
    client, supervisor_groningen, django_assert_max_num_queries
):
    fixtures()
    client.force_login(supervisor_groningen)
    with django_assert_max_num_queries(12):
        response = client.get("/supervision/?province=Utrecht")
    assert response.status_code == 200
    assert response.context["province"] == "Groningen"
    codes = {r.cbs_code for r in response.context["rows"]}
    assert GRONINGEN in codes and "GM0344" not in codes
    assert "indeplaatsstelling" in response.content.decode()


def test_supervisor_gets_404_on_another_provinces_municipality_and_no_personal_data(
    client, supervisor_groningen
):
    client.force_login(supervisor_groningen)
    assert client.get("/municipalities/GM0014/").status_code == 200
    assert client.get("/municipalities/GM0344/").status_code == 404
    assert client.get("/reports/supervision.csv?province=Utrecht").status_code == 404
    for url in ("/households/", "/placements/", "/signals/", "/reports/placements.csv"):
        assert client.get(url).status_code == 403, url


def test_province_export_has_one_row_per_municipality_and_checkpoint(client, supervisor_groningen):
    rows = fixtures()
    client.force_login(supervisor_groningen)
    response = client.get("/reports/supervision.csv")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("gemeentecode;gemeente;provincie;peildatum;periode")
    assert len(lines) == 1 + len(rows) * supervision.CHECKPOINTS
    veendam = [line.split(";") for line in lines if line.startswith(VEENDAM)]
    assert veendam[0][3] == "2026-07-01" and veendam[0][9] == "ja" and veendam[0][10] == "4"
    assert veendam[0][11] == "substitution"
