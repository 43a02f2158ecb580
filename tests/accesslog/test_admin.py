import pytest
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse

from accesslog.log import log_access
from accesslog.models import AccessLogEntry
from housing import scope
from tests.factories import GRONINGEN, UserFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(staff_groningen):
    request = RequestFactory().get("/households/1/")
    request.user = staff_groningen
    log_access(request, "view", [("residents.resident", 1, "BW-AAAA2222")])
    return AccessLogEntry.objects.get()


def test_superuser_can_read_but_not_add_change_or_delete_entries(client, entry):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(reverse("admin:accesslog_accesslogentry_changelist")).status_code == 200
    change_url = reverse("admin:accesslog_accesslogentry_change", args=[entry.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert client.get(reverse("admin:accesslog_accesslogentry_add")).status_code == 403
    assert client.post(change_url, {"purpose": "x"}).status_code == 403
    delete_url = reverse("admin:accesslog_accesslogentry_delete", args=[entry.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert AccessLogEntry.objects.filter(pk=entry.pk, purpose="housing_status_holders").exists()


def test_no_add_change_or_delete_permission_exists_to_grant():
    codenames = set(
        Permission.objects.filter(content_type__app_label="accesslog").values_list("codename", flat=True)
    )
    assert codenames == {"view_accesslogentry", "view_accesslogseal"}


def test_pioneer_without_the_view_permission_cannot_read_the_log(client, pioneer, entry):
    client.force_login(pioneer)
    assert client.get(reverse("admin:accesslog_accesslogentry_changelist")).status_code == 403


def test_the_view_permission_grants_reading(client, entry):
    reader = make_user(scope.PIONEER, [GRONINGEN], username="privacy_officer", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_accesslogentry"))
    client.force_login(reader)
    page = client.get(reverse("admin:accesslog_accesslogentry_changelist"))
    assert page.status_code == 200
    assert b"BW-AAAA2222" in page.content


def test_search_finds_bulk_entries_and_a_bulk_entry_lists_its_records(client, staff_groningen):
    from accesslog.log import log_access_query
    from residents.models import Resident
    from tests.factories import ResidentFactory

    wanted, other = ResidentFactory(), ResidentFactory()
    request = RequestFactory().get("/reports/placements.csv")
    request.user = staff_groningen
    log_access_query(request, "export", Resident.objects.all())
    log_access(request, "view", [("residents.resident", other.pk, other.reference)])
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    changelist = reverse("admin:accesslog_accesslogentry_changelist")
    bulk = AccessLogEntry.objects.get(subject_count=2)
    for term in (wanted.reference.lower(), str(wanted.pk)):
        page = client.get(changelist, {"q": term})
        assert page.status_code == 200
        assert list(page.context["cl"].result_list) == [bulk], term
    page = client.get(changelist, {"q": other.reference})
    assert len(page.context["cl"].result_list) == 2, "the bulk entry and the page view"
    detail = client.get(reverse("admin:accesslog_accesslogentry_change", args=[bulk.pk]))
    assert wanted.reference.encode() in detail.content and other.reference.encode() in detail.content
