"""Cached figures (figures.cache): served until the data changes, never across scopes."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from figures import cache as figure_cache
from figures.models import DataVersion
from housing import scope
from residents.models import Placement
from tests.factories import (
    GRONINGEN,
    UTRECHT,
    HouseholdFactory,
    PlacementFactory,
    PropertyFactory,
    ResidentFactory,
    make_user,
    municipality,
)

# A cache hit: session, user, roles, scope, data version — and nothing that grows with the data.
CACHED_DASHBOARD_QUERIES = 6


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def place(code, today):
    """One household with one resident in a HAR property of municipality `code`, placed today."""
    prop = PropertyFactory(municipality=municipality(code), capacity=4)
    resident = ResidentFactory(household=HouseholdFactory(municipality=municipality(code)))
    return PlacementFactory(resident=resident, property=prop, kind="har", start_date=today)


def main(response):
    """The page's main element (the rest holds per-request CSRF tokens)."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


@pytest.mark.django_db
def test_second_request_is_served_from_the_cache(django_assert_max_num_queries):
    today = timezone.localdate()
    place(GRONINGEN, today)
    client = client_for(make_user(scope.MUNICIPAL_STAFF, [GRONINGEN]))
    first = client.get("/dashboard/")
    assert first.status_code == 200
    with django_assert_max_num_queries(CACHED_DASHBOARD_QUERIES):
        second = client.get("/dashboard/")
    assert main(second) == main(first)
    assert 'id="headline-title"' in main(second)


@pytest.mark.django_db
def test_a_committed_change_shows_at_once(django_capture_on_commit_callbacks):
    today = timezone.localdate()
    client = client_for(make_user(scope.MUNICIPAL_STAFF, [GRONINGEN]))
    before = main(client.get("/dashboard/"))
    version = figure_cache.version()
    with django_capture_on_commit_callbacks(execute=True):
        place(GRONINGEN, today)
    assert figure_cache.version() > version
    after = client.get("/dashboard/")
    assert main(after) != before
    # Computed again, not served from the cache: the template context is there.
    assert after.context["rows"][0].temporary == 1


@pytest.mark.django_db
def test_without_commit_the_cached_page_stays(django_capture_on_commit_callbacks):
    """The version moves only after commit: inside an open transaction nothing is bumped yet."""
    today = timezone.localdate()
    client = client_for(make_user(scope.MUNICIPAL_STAFF, [GRONINGEN]))
    client.get("/dashboard/")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        place(GRONINGEN, today)
    assert callbacks, "a save registers a bump for after the commit"
    assert figure_cache.version() == 0


@pytest.mark.django_db
def test_delete_and_membership_changes_bump_the_version(django_capture_on_commit_callbacks):
    from tests.factories import RegionFactory

    placement = place(GRONINGEN, timezone.localdate() - dt.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        Placement.objects.filter(pk=placement.pk).get().delete()
    deleted = figure_cache.version()
    assert deleted > 0
    region = RegionFactory(members=[])
    with django_capture_on_commit_callbacks(execute=True):
        region.members.add(municipality(UTRECHT))
    assert figure_cache.version() > deleted


@pytest.mark.django_db
def test_scopes_never_share_a_cached_page():
    today = timezone.localdate()
    place(GRONINGEN, today)
    groningen = client_for(make_user(scope.MUNICIPAL_STAFF, [GRONINGEN])).get("/dashboard/")
    utrecht = client_for(make_user(scope.MUNICIPAL_STAFF, [UTRECHT])).get("/dashboard/")
    assert utrecht.context is not None, "Utrecht's page is computed, not Groningen's from the cache"
    assert [row.cbs_code for row in utrecht.context["rows"]] in ([], [UTRECHT])
    assert "Groningen" not in main(utrecht).split('id="municipalities-title"')[1].split("</section>")[0]
    # Both see every municipality; only the superuser may follow the signal links (personal data).
    superuser = client_for(make_user(is_superuser=True, is_staff=True)).get("/dashboard/")
    assert 'href="/signals/?kind=' in main(superuser)
    coordinator = client_for(make_user(scope.COORDINATOR)).get("/dashboard/")
    assert coordinator.context is not None, "figures-only users get their own entry (no signal links)"
    assert not coordinator.context["personal"]
    assert 'href="/signals/?kind=' not in main(coordinator)
    assert main(groningen) != main(coordinator)


@pytest.mark.django_db
def test_the_key_depends_on_query_string_and_language():
    client = client_for(make_user(scope.MUNICIPAL_STAFF, [GRONINGEN]))
    client.get("/dashboard/")
    assert client.get(f"/dashboard/?municipality={GRONINGEN}").context is not None
    english = client.get("/dashboard/", headers={"accept-language": "en"})
    assert english.context is not None
    assert "Dashboard" in english.content.decode()


@pytest.mark.django_db
def test_bump_creates_the_row_when_missing():
    DataVersion.objects.all().delete()
    assert figure_cache.version() == 0
    figure_cache.bump()
    figure_cache.bump()
    assert figure_cache.version() == 2


@pytest.mark.django_db
def test_municipality_list_reuses_the_figures_for_every_page_and_order(django_assert_max_num_queries):
    client = client_for(make_user(scope.COORDINATOR))
    first = client.get("/municipalities/")
    assert first.context["page_obj"].paginator.count >= 342
    with django_assert_max_num_queries(6):  # no figures query: they come from the cache
        second = client.get("/municipalities/?page=2&ordering=-realised")
    assert second.status_code == 200
    assert second.context["page_obj"].number == 2
    names = [row.name for row in client.get("/municipalities/?ordering=-name").context["page_obj"]]
    assert names == sorted(names, reverse=True)
