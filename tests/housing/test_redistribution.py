"""Redistribution within a region by art. 29(2): the agreed quotas keep the statutory sum — checked
by the service everywhere and by a deferred trigger on PostgreSQL, also under concurrent edits —
and the figures, the region page and its report show the agreed quota with the statutory one."""

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction

from figures import figures
from housing.models import Quota, RedistributionShare
from housing.periods import Period
from housing.quota import QuotaComputationError, save_redistribution
from tests.factories import GRONINGEN, QuotaFactory, RegionFactory, municipality

PERIOD = Period(2026, 2)
DECIDED = dt.date(2026, 5, 1)
CODES = (GRONINGEN, "GM0037", "GM0047")

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the deferred sum trigger exists on PostgreSQL only"
)


def make_region():
    members = [municipality(code) for code in CODES]
    for member, target in zip(members, (120, 16, 14), strict=True):
        QuotaFactory(municipality=member, year=2026, half=2, target=target, statutory_target=target)
    return RegionFactory(members=members), members


@pytest.mark.django_db
def test_agreed_quotas_replace_the_targets_and_keep_the_statutory_ones_beside_them():
    region, (g, s, v) = make_region()
    save_redistribution(
        region=region, period=PERIOD, decided_on=DECIDED, agreed={g.pk: 100, s.pk: 26, v.pk: 24}
    )
    quota = Quota.objects.get(municipality=g, year=2026, half=2)
    assert (quota.target, quota.statutory_target) == (100, 120)
    result = figures.region_figures(region, PERIOD)
    assert result.total_target == result.total_statutory == 150
    assert {m.cbs_code: (m.target, m.statutory_target) for m in result.members}[GRONINGEN] == (100, 120)
    assert result.redistribution.decided_on == DECIDED
    (row,) = figures.municipality_figures(PERIOD, [g.pk])
    assert row.target == 100 and row.redistributed


@pytest.mark.django_db
def test_changing_an_agreement_keeps_the_original_statutory_quotas():
    region, (g, s, v) = make_region()
    save_redistribution(
        region=region, period=PERIOD, decided_on=DECIDED, agreed={g.pk: 100, s.pk: 26, v.pk: 24}
    )
    save_redistribution(
        region=region, period=PERIOD, decided_on=DECIDED, agreed={g.pk: 110, s.pk: 20, v.pk: 20}
    )
    shares = {s_.municipality_id: (s_.statutory, s_.agreed) for s_ in RedistributionShare.objects.all()}
    assert shares == {g.pk: (120, 110), s.pk: (16, 20), v.pk: (14, 20)}


@pytest.mark.django_db
@pytest.mark.parametrize("agreed", [(100, 26, 25), (120, 16, -1)])
def test_an_agreement_that_changes_the_sum_is_refused_and_changes_nothing(agreed):
    region, members = make_region()
    with pytest.raises(QuotaComputationError):
        save_redistribution(
            region=region,
            period=PERIOD,
            decided_on=DECIDED,
            agreed={m.pk: a for m, a in zip(members, agreed, strict=True)},
        )
    assert not RedistributionShare.objects.exists()
    assert Quota.objects.get(municipality=members[0], year=2026, half=2).target == 120


@pytest.mark.django_db
def test_an_agreement_needs_every_member_and_their_quotas():
    region, (g, s, v) = make_region()
    with pytest.raises(QuotaComputationError):
        save_redistribution(region=region, period=PERIOD, decided_on=DECIDED, agreed={g.pk: 134, s.pk: 16})
    with pytest.raises(QuotaComputationError):
        save_redistribution(
            region=region, period=Period(2027, 1), decided_on=DECIDED, agreed={g.pk: 1, s.pk: 1, v.pk: 1}
        )


@pytest.mark.django_db
def test_region_page_and_report_show_the_agreed_and_the_statutory_quota(client, pioneer):
    region, (g, s, v) = make_region()
    save_redistribution(
        region=region, period=PERIOD, decided_on=DECIDED, agreed={g.pk: 100, s.pk: 26, v.pk: 24}
    )
    client.force_login(pioneer)
    page = client.get(f"/regions/{region.pk}/?period={PERIOD}").content.decode()
    assert "art. 29" in page and ">120<" in page and ">100<" in page
    body = b"".join(client.get(f"/reports/regions/{region.pk}.csv?period={PERIOD}").streaming_content)
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0].endswith(";wettelijke_taakstelling")
    groningen = next(line for line in lines if line.startswith(GRONINGEN))
    assert groningen.split(";")[2] == "100" and groningen.split(";")[-1] == "120"


@on_postgresql
@pytest.mark.django_db
def test_the_database_refuses_shares_that_break_the_sum_whatever_writes_them():
    region, (g, s, v) = make_region()
    save_redistribution(
        region=region, period=PERIOD, decided_on=DECIDED, agreed={g.pk: 100, s.pk: 26, v.pk: 24}
    )
    share = RedistributionShare.objects.get(municipality=g)
    with pytest.raises(IntegrityError), transaction.atomic():
        RedistributionShare.objects.filter(pk=share.pk).update(agreed=101)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS housing_redistribution_sum IMMEDIATE")
    # Moving one person from one member to another in two statements is fine: checked at the end.
    with transaction.atomic():
        RedistributionShare.objects.filter(municipality=g).update(agreed=99)
        RedistributionShare.objects.filter(municipality=s).update(agreed=27)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS housing_redistribution_sum IMMEDIATE")
    assert sum(RedistributionShare.objects.values_list("agreed", flat=True)) == 150


@pytest.mark.slow
@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_edits_of_one_agreement_keep_the_sum():
    region, (g, s, v) = make_region()
    allocations = [{g.pk: 120 - 2 * i, s.pk: 16 + i, v.pk: 14 + i} for i in range(8)]
    barrier = threading.Barrier(len(allocations))
    errors = []

    def edit(agreed):
        try:
            barrier.wait(timeout=30)
            save_redistribution(region=region, period=PERIOD, decided_on=DECIDED, agreed=agreed)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(a,)) for a in allocations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    shares = {s_.municipality_id: (s_.statutory, s_.agreed) for s_ in RedistributionShare.objects.all()}
    assert len(shares) == 3 and RedistributionShare.objects.values("redistribution").distinct().count() == 1
    assert {pk: agreed for pk, (_st, agreed) in shares.items()} in allocations  # one edit, never a mix
    assert sum(a for _st, a in shares.values()) == sum(st for st, _a in shares.values()) == 150
    targets = dict(
        Quota.objects.filter(year=2026, half=2, municipality__in=[g, s, v]).values_list(
            "municipality", "target"
        )
    )
    assert targets == {pk: agreed for pk, (_st, agreed) in shares.items()}


@pytest.mark.django_db
def test_pioneer_records_a_redistribution_on_the_region_page_and_a_wrong_sum_changes_nothing(client, pioneer):
    region, (g, s, v) = make_region()
    client.force_login(pioneer)
    url = f"/regions/{region.pk}/redistribution/?period={PERIOD}"
    assert client.get(url).status_code == 200
    wrong = {
        "decided_on": "2026-05-01",
        f"member_{g.pk}": "100",
        f"member_{s.pk}": "26",
        f"member_{v.pk}": "30",
    }
    response = client.post(url, wrong)
    assert response.status_code == 200 and response.context["error"]
    assert not RedistributionShare.objects.exists()
    assert client.post(url, {**wrong, f"member_{v.pk}": "abc"}).status_code == 200
    assert not RedistributionShare.objects.exists()
    response = client.post(url, {**wrong, f"member_{v.pk}": "24"})
    assert response.status_code == 302
    assert Quota.objects.get(municipality=g, year=2026, half=2).target == 100
    assert sum(RedistributionShare.objects.values_list("agreed", flat=True)) == 150


@pytest.mark.django_db
def test_staff_and_coordinators_cannot_record_a_redistribution(client, staff_groningen, coordinator):
    region, (g, s, v) = make_region()
    data = {
        "decided_on": "2026-05-01",
        f"member_{g.pk}": "100",
        f"member_{s.pk}": "26",
        f"member_{v.pk}": "24",
    }
    for user in (staff_groningen, coordinator):
        client.force_login(user)
        assert client.post(f"/regions/{region.pk}/redistribution/?period={PERIOD}", data).status_code == 403
    assert not RedistributionShare.objects.exists()
