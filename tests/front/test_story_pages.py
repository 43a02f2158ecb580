"""Pages that explain themselves: the coordinator's national dashboard (province totals, the
municipalities furthest behind, no 342-row page), the refusal page for a user who has a role, a
property's earlier placements, and no free text for coordinators in the progress report."""

import datetime as dt
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from housing.periods import Period
from residents.models import Placement
from tests.factories import (
    GRONINGEN,
    UTRECHT,
    HouseholdFactory,
    PlacementFactory,
    PropertyFactory,
    QuotaFactory,
    ResidentFactory,
    municipality,
)
from tests.front.pages_helpers import fast_password_hashing  # noqa: F401

pytestmark = pytest.mark.django_db

DASHBOARD_QUERIES = 28  # the figures of the province (20) and the 12-month forecast (8)


@pytest.fixture
def national(db):
    """A quota for every municipality: the coordinator's view of the whole country."""
    from housing.models import Municipality

    period = Period.current()
    for index, m in enumerate(Municipality.objects.filter(active=True).order_by("pk")):
        QuotaFactory(municipality=m, year=period.year, half=period.half, target=index % 7 + 1)
    QuotaFactory._meta.model.objects.filter(municipality__cbs_code="GM0037").update(target=900)
    QuotaFactory._meta.model.objects.filter(municipality__cbs_code=UTRECHT).update(target=800)
    return period


def test_coordinator_dashboard_shows_province_totals_and_furthest_behind_first(
    client, coordinator, national, django_assert_max_num_queries
):
    client.force_login(coordinator)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = client.get(f"/dashboard/?period={national}")
    text = response.content.decode()
    provinces = response.context["provinces"]
    assert len(provinces) == 12 and provinces[0].name == "Drenthe"
    assert sum(p.target for p in provinces) == response.context["total"].target
    assert [row.cbs_code for row in response.context["behind"][:2]] == ["GM0037", UTRECHT]
    assert len(response.context["behind"]) == 10
    # The ten furthest behind, the forecast's ten furthest short, and a few links more: not 342 rows.
    assert text.count('href="/municipalities/GM') <= 24, "no row for every one of 342 municipalities"
    assert "?period=" in text and "ordering=-remaining" in text
    assert "Per provincie" in text and "Verst achter" in text


def test_dashboard_of_one_municipality_keeps_its_own_row(client, staff_groningen, national):
    client.force_login(staff_groningen)
    response = client.get(f"/dashboard/?period={national}")
    assert response.context["summarised"] is False
    assert "Per gemeente" in response.content.decode()


def test_coordinator_refused_personal_data_is_not_told_they_have_no_role(client, coordinator, no_role_user):
    client.force_login(coordinator)
    response = client.get("/households/")
    assert response.status_code == 403
    text = response.content.decode()
    assert "geen rol" not in text
    assert "daar geeft uw rol geen toegang toe" in text
    client.force_login(no_role_user)
    assert "Uw account heeft geen rol" in client.get("/households/").content.decode()


def test_earlier_placements_do_not_list_current_or_planned_ones(client, staff_groningen):
    today = timezone.localdate()
    prop = PropertyFactory(capacity=6)
    ended = PlacementFactory(
        property=prop, start_date=today - dt.timedelta(days=200), planned_end=today - dt.timedelta(days=20)
    )
    ended.end_date = today - dt.timedelta(days=20)
    ended.save()
    current = PlacementFactory(
        property=prop, start_date=today - dt.timedelta(days=10), planned_end=today + dt.timedelta(days=100)
    )
    planned = PlacementFactory(
        property=prop, start_date=today + dt.timedelta(days=10), planned_end=today + dt.timedelta(days=100)
    )
    client.force_login(staff_groningen)
    response = client.get(f"/properties/{prop.pk}/")
    assert [p.pk for p in response.context["history"]] == [ended.pk]
    assert [p.pk for p in response.context["planned"]] == [planned.pk]
    text = response.content.decode()
    history = text[text.index('id="history-title"') :]
    assert current.resident.reference not in history and ended.resident.reference in history


def test_progress_report_shows_extension_reasons_to_staff_and_not_to_the_coordinator(
    client, staff_groningen, coordinator
):
    period = Period.current()
    g = municipality(GRONINGEN)
    QuotaFactory(municipality=g, year=period.year, half=period.half, target=4)
    resident = ResidentFactory(household=HouseholdFactory(municipality=g))
    PlacementFactory(
        resident=resident,
        property=PropertyFactory(municipality=g),
        kind=Placement.Kind.HAR,
        start_date=period.start,
        planned_end=period.start + dt.timedelta(days=400),
        extension_reason="wacht op woning van Fatima",
    )
    url = f"/reports/progress/{GRONINGEN}/?period={period}"
    client.force_login(staff_groningen)
    assert "wacht op woning van Fatima" in client.get(url).content.decode()
    client.force_login(coordinator)
    assert "Fatima" not in client.get(url).content.decode()


def test_long_dutch_word_in_headings_breaks_with_a_hyphen():
    with translation.override("nl"):
        assert gettext("Intent agreements") == "Intentie\u00adovereenkomsten"


def test_pages_write_dates_in_dutch_in_sentences(client, coordinator, national):
    client.force_login(coordinator)
    text = client.get(f"/municipalities/{GRONINGEN}/?period={national}").content.decode()
    lead = re.search(r'<h2 id="figures-title">(.*?)</h2>', text).group(1)
    assert re.search(r"\d{4}-\d{2}-\d{2}", lead) is None
    assert "helft van" in lead and "stand op" in lead


def test_ending_a_placement_says_the_end_date_in_dutch(client, staff_groningen):
    from django.urls import reverse

    placement = PlacementFactory(start_date=dt.date(2026, 7, 1), planned_end=None)
    client.force_login(staff_groningen)
    prefix = f"end-{placement.pk}"
    response = client.post(
        reverse("placement_end", args=[placement.pk]),
        {f"{prefix}-end_date": "2026-11-01", f"{prefix}-outflow": Placement.Outflow.PERMANENT_HERE},
        follow=True,
    )
    text = response.content.decode()
    assert "eindigt op 1 november 2026." in text
    assert "2026-11-01." not in text
