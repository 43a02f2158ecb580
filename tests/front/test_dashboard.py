"""Dashboard, signals, municipalities and region pages: roles, scope, bad input, query budgets."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from housing import scope
from housing.models import Municipality
from housing.periods import Period
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

# Budgets pinned from measurement (see the final report); they must not grow with the data.
DASHBOARD_QUERIES = 30  # 21 figures (national number included) + 8 forecast + 1 data version
SIGNALS_QUERIES = 7  # session, user, roles + scope (1), municipalities, page + counts (1), names, log
MUNICIPALITY_LIST_QUERIES = 10  # incl. the data version (figure_cache) and the national number
MUNICIPALITY_DETAIL_QUERIES = 24  # incl. the national number, the forecast (8) and its cache version
REGION_QUERIES = 10  # incl. the national number and the redistribution agreement


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def populate(municipality_obj, today=None, households=1):
    """A quota, a property and placed households with open signals in one municipality."""
    today = today or timezone.localdate()
    period = Period.containing(today)
    QuotaFactory(municipality=municipality_obj, year=period.year, half=period.half, target=12, carried_over=2)
    prop = PropertyFactory(municipality=municipality_obj, capacity=10)
    placed = []
    for _ in range(households):
        household = HouseholdFactory(municipality=municipality_obj)
        resident = ResidentFactory(household=household)
        PlacementFactory(
            resident=resident,
            property=prop,
            kind="har",
            start_date=max(period.start, today - dt.timedelta(days=20)),
            planned_end=today + dt.timedelta(days=30),
        )
        placed.append(household)
    return placed


@pytest.fixture
def region(db):
    return RegionFactory(
        name="Regio Groningen-Drenthe", members=[municipality(GRONINGEN), municipality("GM0037")]
    )


@pytest.fixture
def users(staff_groningen, staff_utrecht, pioneer, coordinator, no_role_user):
    return {
        "staff": staff_groningen,
        "staff_utrecht": staff_utrecht,
        "pioneer": pioneer,
        "coordinator": coordinator,
        "charlie": no_role_user,
        "anonymous": None,
    }


# url, then the status per user; 302 = to the login page.
PAGES = [
    ("/dashboard/", {"staff": 200, "staff_utrecht": 200, "pioneer": 200, "coordinator": 200, "charlie": 403}),
    ("/signals/", {"staff": 200, "staff_utrecht": 200, "pioneer": 200, "coordinator": 403, "charlie": 403}),
    (
        "/municipalities/",
        {"staff": 200, "staff_utrecht": 200, "pioneer": 200, "coordinator": 200, "charlie": 403},
    ),
    (
        f"/municipalities/{GRONINGEN}/",
        {"staff": 200, "staff_utrecht": 404, "pioneer": 200, "coordinator": 200, "charlie": 403},
    ),
    (
        f"/municipalities/{UTRECHT}/",
        {"staff": 404, "staff_utrecht": 200, "pioneer": 404, "coordinator": 200, "charlie": 403},
    ),
    ("/municipalities/GM9999/", {"staff": 404, "staff_utrecht": 404, "pioneer": 404, "coordinator": 404}),
    ("/region/", {"staff": 200, "staff_utrecht": 404, "pioneer": 200, "coordinator": 200, "charlie": 403}),
    ("/regions/999999/", {"staff": 404, "coordinator": 404}),
]


@pytest.mark.parametrize(("url", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_every_page_answers_each_role_as_expected(users, region, url, expected):
    url = url.replace("/region/", f"/regions/{region.pk}/")
    populate(municipality(GRONINGEN))
    for name, status in {**expected, "anonymous": 302}.items():
        response = client_for(users[name]).get(url)
        assert response.status_code == status, (name, url, response.status_code)
        if status == 302:
            assert response["Location"].startswith("/accounts/login/")


def test_dashboard_shows_the_figures_of_the_scope(staff_groningen):
    populate(municipality(GRONINGEN), households=3)
    populate(municipality(UTRECHT), households=5)
    response = client_for(staff_groningen).get("/dashboard/")
    total = response.context["total"]
    assert [r.cbs_code for r in response.context["rows"]] == [GRONINGEN]
    assert (total.target, total.carried_over, total.realised, total.temporary) == (12, 2, 3, 3)
    assert (total.remaining, total.actual_task) == (11, 14)
    counts = {kind: n for kind, _label, n in response.context["signal_counts"]}
    assert counts["care_gap"] == 3
    assert counts["ending_soon"] == 3
    assert response.context["without_buddy"] == 3
    content = response.content.decode()
    assert 'role="img"' in content and '<title id="trend-title">' in content
    assert "/signals/?kind=care_gap" in content


def test_dashboard_for_one_municipality_and_for_a_region(coordinator, region):
    populate(municipality(GRONINGEN), households=2)
    populate(municipality("GM0037"), households=1)
    populate(municipality(UTRECHT), households=4)
    client = client_for(coordinator)
    everything = client.get("/dashboard/").context["total"]
    assert everything.realised == 7
    one = client.get(f"/dashboard/?municipality={GRONINGEN}").context
    assert one["total"].realised == 2
    assert one["selection"].municipality.cbs_code == GRONINGEN
    assert client.get(f"/dashboard/?region={region.pk}").context["total"].realised == 3
    past = client.get("/dashboard/?period=2020-H1").context
    assert str(past["period"]) == "2020-H1"
    assert past["reference_date"] == dt.date(2020, 6, 30)


def test_coordinator_dashboard_shows_no_personal_data(coordinator):
    (household,) = populate(municipality(GRONINGEN))
    response = client_for(coordinator).get("/dashboard/")
    content = response.content.decode()
    assert response.context["total"].realised == 1
    assert household.reference not in content
    assert "/households/" not in content
    assert "/signals/" not in content.split('id="signals-title"')[1].split("</section>")[0]


@pytest.mark.parametrize(
    "query",
    [
        "period=garbage&municipality=XYZ&region=abc",
        "period=2026-H3",
        "period=1999-H1",
        f"municipality={UTRECHT}",  # outside the staff member's scope
        "region=999999",
    ],
)
def test_bad_query_strings_fall_back_to_defaults_with_a_message(staff_groningen, query):
    populate(municipality(GRONINGEN))
    response = client_for(staff_groningen).get(f"/dashboard/?{query}")
    assert response.status_code == 200
    assert response.context["form_messages"]
    assert response.context["period"] == Period.current()
    assert [r.cbs_code for r in response.context["rows"]] == [GRONINGEN]
    assert 'role="alert"' in response.content.decode()


def test_signals_page_lists_signals_with_links_and_filters(staff_groningen, staff_utrecht):
    (household,) = populate(municipality(GRONINGEN))
    populate(municipality(UTRECHT))
    client = client_for(staff_groningen)
    response = client.get("/signals/")
    content = response.content.decode()
    assert household.reference in content
    assert f'href="/households/{household.pk}/"' in content
    assert {s.municipality_code for s in response.context["page_obj"]} == {GRONINGEN}
    only_care = client.get("/signals/?kind=care_gap").context["page_obj"]
    assert [s.kind for s in only_care] == ["care_gap"]
    bad = client.get("/signals/?kind=nonsense&municipality=GM0344&page=abc")
    assert bad.status_code == 200
    assert bad.context["form_messages"]
    assert bad.context["total"] == 3  # fallback: every kind, own scope
    assert household.reference not in client_for(staff_utrecht).get("/signals/").content.decode()


def test_signals_page_is_paginated(staff_groningen):
    populate(municipality(GRONINGEN), households=26)  # 26 × 3 signals = 78 > 50 per page
    client = client_for(staff_groningen)
    first = client.get("/signals/").context["page_obj"]
    assert (len(first), first.paginator.num_pages) == (50, 2)
    assert len(client.get("/signals/?page=2").context["page_obj"]) == 28


def test_signals_page_logs_the_households_shown(staff_groningen):
    from accesslog.models import AccessLogEntry

    (household,) = populate(municipality(GRONINGEN))
    client_for(staff_groningen).get("/signals/")
    assert AccessLogEntry.objects.filter(subject_reference=household.reference).exists()


def _more_households(municipality_obj, count, *, start):
    """Placed households with three signals each (care gap, ending soon, no buddy), no quota."""
    prop = PropertyFactory(municipality=municipality_obj, capacity=count or 1)
    for _ in range(count):
        PlacementFactory(
            resident=ResidentFactory(household=HouseholdFactory(municipality=municipality_obj)),
            property=prop,
            kind="har",
            start_date=start,
            planned_end=timezone.localdate() + dt.timedelta(days=30),
        )


def test_signals_page_shows_the_old_sorted_list_page_by_page_and_logs_each_page(staff_groningen):
    from accesslog.models import AccessLogEntry
    from tests.figures.signals_helpers import old_open_signals

    today = timezone.localdate()
    populate(municipality(GRONINGEN), households=40)
    _more_households(municipality(GRONINGEN), 30, start=today - dt.timedelta(days=3))  # date ties
    populate(municipality(UTRECHT), households=5)
    client = client_for(staff_groningen)
    for query, kinds in (("", None), ("kind=care_gap&", ["care_gap"]), ("kind=no_buddy&", ["no_buddy"])):
        expected = old_open_signals(staff_groningen, kinds, today=today)
        pages = -(-len(expected) // 50)
        assert pages > 1
        for number in range(1, pages + 1):
            before = AccessLogEntry.objects.order_by("pk").last()
            response = client.get(f"/signals/?{query}page={number}")
            shown = list(response.context["page_obj"])
            assert shown == expected[(number - 1) * 50 : number * 50]
            assert response.context["total"] == len(expected)
            logged = AccessLogEntry.objects.filter(pk__gt=before.pk if before else 0).values_list(
                "subject_reference", flat=True
            )
            assert sorted(logged) == sorted({s.household_reference for s in shown})
        last = (pages - 1) * 50
        for number, first in (("999", last), ("0", last), ("9" * 25, last), ("abc", 0), ("1.5", 0)):
            page = client.get(f"/signals/?{query}page={number}").context["page_obj"]
            assert list(page) == expected[first : first + 50], number
        counts = {kind: n for kind, _label, n in client.get(f"/signals/?{query}").context["kind_counts"]}
        assert counts == {kind: sum(s.kind == kind for s in expected) for kind in counts}


def test_signals_page_query_count_does_not_depend_on_the_number_of_signals(
    staff_groningen, django_assert_num_queries
):
    client = client_for(staff_groningen)
    populate(municipality(GRONINGEN), households=1)
    client.get("/signals/")
    for households in (0, 60):
        _more_households(municipality(GRONINGEN), households, start=timezone.localdate())
        for url in ("/signals/", "/signals/?kind=care_gap", f"/signals/?page={1 + households // 50}"):
            with django_assert_num_queries(SIGNALS_QUERIES):
                client.get(url)
    with django_assert_num_queries(SIGNALS_QUERIES + 1):  # beyond the end: the last page, fetched again
        assert client.get("/signals/?page=999").context["page_obj"].number == 4


def test_municipality_list_filters_sorts_and_paginates(coordinator):
    populate(municipality(GRONINGEN), households=2)
    populate(municipality("GM0037"), households=1)
    client = client_for(coordinator)
    everything = client.get("/municipalities/").context["page_obj"]
    assert everything.paginator.count == Municipality.objects.filter(active=True).count()
    groningen = client.get("/municipalities/?province=Groningen&ordering=-realised").context["page_obj"]
    assert [r.cbs_code for r in groningen][:2] == [GRONINGEN, "GM0037"]
    assert {r.province for r in groningen} == {"Groningen"}
    found = client.get("/municipalities/?q=gm0014").context["page_obj"]
    assert [r.cbs_code for r in found] == [GRONINGEN]
    bad = client.get("/municipalities/?province=Atlantis&ordering=drop&period=x&page=999")
    assert bad.status_code == 200
    assert len(bad.context["form_messages"]) == 3


def test_staff_municipality_list_shows_only_the_scope(staff_groningen):
    rows = client_for(staff_groningen).get("/municipalities/").context["page_obj"]
    assert [r.cbs_code for r in rows] == [GRONINGEN]


def test_municipality_detail_has_figures_history_and_properties(staff_groningen):
    populate(municipality(GRONINGEN), households=2)
    QuotaFactory(municipality=municipality(GRONINGEN), year=2020, half=1, target=7)
    response = client_for(staff_groningen).get(f"/municipalities/{GRONINGEN.lower()}/?period=garbage")
    assert response.status_code == 200
    assert response.context["row"].realised == 2
    assert [str(r.period) for r in response.context["history"]][-1] == "2020-H1"
    assert response.context["capacity"].free_total == 8
    assert response.context["form_messages"]


def test_region_page_shows_burden_sharing(coordinator, region):
    g, haren = municipality(GRONINGEN), municipality("GM0037")
    populate(g, households=3)  # quota 12, 3 placed in Groningen
    populate(haren, households=1)  # quota 12, 1 placed
    response = client_for(coordinator).get(f"/regions/{region.pk}/")
    members = {m.cbs_code: m for m in response.context["result"].members}
    assert str(members[GRONINGEN].share) == "0.5000"
    assert str(members[GRONINGEN].contribution) == "0.7500"
    assert str(members[GRONINGEN].deviation) == "0.2500"
    content = response.content.decode()
    assert "+25,0%" in content or "+25.0%" in content
    assert "−25,0%" in content or "−25.0%" in content


def _spread_over(count):
    """A quota, a property and a placed household in each of `count` municipalities."""
    chosen = list(Municipality.objects.order_by("cbs_code")[:count])
    for m in chosen:
        populate(m)
    return [m.cbs_code for m in chosen]


@pytest.mark.parametrize("count", [1, 40])
def test_dashboard_query_count_does_not_depend_on_municipalities(db, count, django_assert_max_num_queries):
    user = make_user(scope.PIONEER, _spread_over(count))
    client = client_for(user)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = client.get("/dashboard/")
    assert len(response.context["rows"]) == count
    coordinator = client_for(make_user(scope.COORDINATOR))
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        assert len(coordinator.get("/dashboard/").context["rows"]) == count


@pytest.mark.parametrize("count", [1, 40])
def test_other_pages_query_counts_do_not_depend_on_municipalities(db, count, django_assert_max_num_queries):
    codes = _spread_over(count)
    user = make_user(scope.PIONEER, codes)
    region = RegionFactory(members=list(Municipality.objects.filter(cbs_code__in=codes)))
    client = client_for(user)
    with django_assert_max_num_queries(SIGNALS_QUERIES):
        assert client.get("/signals/").context["total"] == 3 * count
    with django_assert_max_num_queries(MUNICIPALITY_LIST_QUERIES):
        assert client.get("/municipalities/").context["page_obj"].paginator.count == count
    with django_assert_max_num_queries(MUNICIPALITY_DETAIL_QUERIES):
        assert client.get(f"/municipalities/{codes[0]}/").status_code == 200
    with django_assert_max_num_queries(REGION_QUERIES):
        assert len(client.get(f"/regions/{region.pk}/").context["result"].members) == count


def test_dashboard_signal_counts_match_the_signals_page(staff_groningen):
    populate(municipality(GRONINGEN))
    # Linked to Utrecht but placed in a Groningen property: visible to Groningen's staff.
    (foreign,) = populate(municipality(UTRECHT))
    placement = foreign.residents.get().placements.get()
    placement.property = PropertyFactory(municipality=municipality(GRONINGEN))
    placement.save()
    client = client_for(staff_groningen)
    counts = {kind: n for kind, _label, n in client.get("/dashboard/").context["signal_counts"]}
    for kind, n in counts.items():
        assert client.get(f"/signals/?kind={kind}").context["total"] == n
    assert counts["care_gap"] == 2


CACHED_DASHBOARD_QUERIES = 4  # session, user with their TOTP devices, roles + scope, data version


def test_a_cached_dashboard_with_a_verified_second_factor_runs_four_queries(
    db, settings, django_assert_num_queries
):
    """What every signed-in page pays, plus the data version: the device that verified the session
    comes with the user (accounts.backends), checked afresh on every request."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.OTP_REQUIRED = True
    user = make_user(scope.MUNICIPAL_STAFF, [GRONINGEN])
    device = TOTPDevice.objects.create(user=user, name="telefoon", confirmed=True)
    client = client_for(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    assert client.get("/dashboard/").status_code == 200  # computes and caches the figures
    with django_assert_num_queries(CACHED_DASHBOARD_QUERIES):
        assert client.get("/dashboard/").status_code == 200
    device.delete()
    assert client.get("/dashboard/").status_code == 302  # back to the second factor at once
