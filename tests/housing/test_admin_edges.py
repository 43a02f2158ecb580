"""Admin edges of a pioneer's scope: a region keeps the members the pioneer cannot see, national
organisations are read-only for pioneers, and region changes are in the audit history."""

import pytest
from auditlog.models import LogEntry

from accounts.roles import ensure_role_groups
from housing.models import Municipality, Organisation, Region
from tests.factories import OrganisationFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_pioneer(pioneer):
    ensure_role_groups()
    return pioneer


def test_a_pioneer_saving_a_region_keeps_the_members_outside_their_scope(client, admin_pioneer):
    groningen, het_hogeland, utrecht = (
        Municipality.objects.get(cbs_code=code) for code in ("GM0014", "GM1966", "GM0344")
    )
    pekela = Municipality.objects.get(cbs_code="GM0037")
    region = RegionFactory(name="Noord", members=[groningen, utrecht])
    client.force_login(admin_pioneer)
    response = client.post(
        f"/admin/housing/region/{region.pk}/change/",
        {
            "name": "Noord-Nederland",
            "members": [groningen.pk, pekela.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    region.refresh_from_db()
    assert region.name == "Noord-Nederland"
    assert set(region.members.values_list("cbs_code", flat=True)) == {"GM0014", "GM0037", "GM0344"}
    assert not region.members.filter(pk=het_hogeland.pk).exists()
    assert LogEntry.objects.get_for_object(region).exists()


def test_a_pioneer_reads_but_does_not_change_a_national_organisation(client, admin_pioneer):
    national = OrganisationFactory(name="COA", municipality=None)
    client.force_login(admin_pioneer)
    page = client.get(f"/admin/housing/organisation/{national.pk}/change/")
    assert page.status_code == 200
    assert 'name="name"' not in page.content.decode()  # read-only: no input field
    client.post(
        f"/admin/housing/organisation/{national.pk}/change/",
        {"name": "Overgenomen", "kind": national.kind, "contact": ""},
    )
    assert Organisation.objects.get(pk=national.pk).name == "COA"


def test_a_pioneer_still_changes_an_organisation_of_their_own_municipality(client, admin_pioneer):
    own = OrganisationFactory(name="Kerk Oost", municipality=Municipality.objects.get(cbs_code="GM0014"))
    client.force_login(admin_pioneer)
    response = client.post(
        f"/admin/housing/organisation/{own.pk}/change/",
        {"name": "Kerk Oost-Groningen", "kind": own.kind, "municipality": own.municipality_id, "contact": ""},
    )
    assert response.status_code == 302
    assert Organisation.objects.get(pk=own.pk).name == "Kerk Oost-Groningen"


def test_region_changes_are_in_the_audit_history(admin_pioneer):
    region = RegionFactory(name="Oost")
    region.name = "Oost-Groningen"
    region.save()
    assert LogEntry.objects.get_for_object(Region.objects.get(pk=region.pk)).count() == 2
