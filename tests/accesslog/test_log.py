import logging

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import RequestFactory

from accesslog.log import log_access, log_access_query, log_refused
from accesslog.models import AccessLogEntry, AccessLogReference, AccessLogSubject, AccessRecord
from housing import scope
from residents.models import Household, Resident
from tests.factories import GRONINGEN, ResidentFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_of(rf: RequestFactory):
    def build(user, path="/households/1/?tab=care"):
        request = rf.get(path, REMOTE_ADDR="192.0.2.10")
        request.user = user
        return request

    return build


def test_log_access_writes_one_row_per_subject_with_actor_address_and_purpose(request_of, staff_groningen):
    request = request_of(staff_groningen)
    written = log_access(
        request,
        "view",
        [("residents.resident", 1, "BW-AAAA2222"), ("residents.Resident", 2, "BW-BBBB3333")],
        purpose="household_page",
    )
    assert written == 2
    rows = list(AccessLogEntry.objects.order_by("subject_id"))
    assert [(r.subject_type, r.subject_id, r.subject_reference) for r in rows] == [
        ("residents.resident", "1", "BW-AAAA2222"),
        ("residents.resident", "2", "BW-BBBB3333"),
    ]
    for row in rows:
        assert row.actor == staff_groningen
        assert row.actor_username == "groningen"
        assert row.action == "view"
        assert row.result == "success"
        assert row.client_address == "192.0.2.10"
        assert row.purpose == "household_page"
        assert row.request_path == "/households/1/"
        assert row.occurred_at.utcoffset().total_seconds() == 0
    assert rows[0].request_id == rows[1].request_id


def test_log_access_in_one_request_shares_the_trace_id_and_skips_duplicates(request_of, staff_groningen):
    request = request_of(staff_groningen)
    log_access(request, "view", [("residents.household", 5, "HH-1"), ("residents.household", 5, "HH-1")])
    log_access(request, "export", [("residents.resident", 9, "BW-9")])
    assert AccessLogEntry.objects.count() == 2
    assert AccessLogEntry.objects.values("request_id").distinct().count() == 1


def test_log_access_accepts_model_instances_and_keeps_only_the_reference(request_of, staff_groningen):
    resident = ResidentFactory(given_name="Amina", family_name="Haddad")
    log_access(request_of(staff_groningen), "print", [resident])
    row = AccessLogEntry.objects.get()
    assert (row.subject_type, row.subject_id, row.subject_reference) == (
        "residents.resident",
        str(resident.pk),
        resident.reference,
    )
    stored = " ".join(str(v) for v in AccessLogEntry.objects.values_list().get())
    assert "Amina" not in stored and "Haddad" not in stored and resident.v_number not in stored


def test_log_access_uses_bulk_insert(request_of, staff_groningen, django_assert_max_num_queries):
    subjects = [("residents.resident", i, f"BW-{i}") for i in range(60)]
    with django_assert_max_num_queries(2):
        log_access(request_of(staff_groningen), "export", subjects)
    assert AccessLogEntry.objects.count() == 60


def _fields(record):
    return {
        f.name: getattr(record, f.name)
        for f in AccessRecord._meta.concrete_fields
        if f.name not in ("entry", "occurred_at")
    }


def test_log_access_query_writes_the_rows_log_access_writes_as_one_bulk_entry(
    request_of, staff_groningen, django_assert_num_queries
):
    residents = [ResidentFactory() for _ in range(3)]
    request = request_of(staff_groningen, path="/reports/placements.csv?period=2026-H2")
    queryset = Resident.objects.filter(pk__in=[r.pk for r in residents[:2]])
    with django_assert_num_queries(
        1 if connection.vendor == "postgresql" else 3
    ):  # SQLite: entry, records, new references
        written = log_access_query(request, "export", queryset, purpose="report_placements")
    assert written == 2
    # One entry naming its records in the narrow table, not one full row per record.
    bulk = AccessLogEntry.objects.get()
    assert (bulk.subject_count, bulk.subject_id, bulk.subject_reference) == (2, "", "")
    assert AccessLogSubject.objects.filter(entry=bulk).count() == 2
    by_query = {r.subject_id: r for r in AccessRecord.objects.all()}
    assert set(by_query) == {str(r.pk) for r in residents[:2]}
    # Read through AccessRecord, a bulk entry is the rows log_access writes for the same records.
    log_access(request, "export", residents[:2], purpose="report_placements")
    direct = AccessRecord.objects.exclude(entry=bulk)
    assert direct.count() == 2
    for record in direct:
        assert _fields(record) == _fields(by_query[record.subject_id])
        assert abs(record.occurred_at - by_query[record.subject_id].occurred_at).total_seconds() < 60
    record = by_query[str(residents[0].pk)]
    assert (record.subject_type, record.subject_reference) == ("residents.resident", residents[0].reference)
    assert (record.actor, record.client_address, record.request_method) == (
        staff_groningen,
        "192.0.2.10",
        "GET",
    )
    assert record.request_path == "/reports/placements.csv?period=2026-H2"
    for resident in residents[:2]:
        found = AccessRecord.objects.for_subject("residents.resident", resident.pk)
        assert sorted(found.values_list("entry__subject_count", flat=True), key=str) == [2, None]
    assert not AccessRecord.objects.for_subject("residents.resident", residents[2].pk).exists()


def test_log_access_query_logs_each_record_once_and_nothing_for_an_empty_queryset(
    request_of, staff_groningen
):
    resident = ResidentFactory()
    ResidentFactory(household=resident.household)
    request = request_of(staff_groningen)
    # A join that repeats the household once per resident.
    twice = Household.objects.filter(residents__household=resident.household)
    assert twice.count() == 2
    assert log_access_query(request, "view", twice) == 1
    record = AccessRecord.objects.get()
    assert (record.subject_type, record.subject_id) == ("residents.household", str(resident.household.pk))
    assert record.subject_reference == resident.household.reference
    assert log_access_query(request, "view", Resident.objects.none()) == 0
    assert log_access_query(request, "view", Resident.objects.filter(pk__in=[])) == 0
    assert log_access_query(request, "view", Resident.objects.filter(pk=-1)) == 0
    assert AccessRecord.objects.count() == 1
    assert AccessLogEntry.objects.count() == 1, "no entry for an export of nobody"


def test_log_access_query_without_a_signed_in_user_or_address(rf):
    from django.contrib.auth.models import AnonymousUser

    resident = ResidentFactory()
    request = rf.get("/", REMOTE_ADDR="")
    request.user = AnonymousUser()
    assert log_access_query(request, "view", Resident.objects.all()) == 1
    assert log_access_query(None, "view", Resident.objects.all(), result="error") == 1
    first, second = AccessRecord.objects.order_by("entry_id")
    assert (first.actor, first.actor_username, first.client_address) == (None, "", None)
    assert (second.request_path, second.request_method, second.result) == ("", "", "error")
    assert first.request_id != second.request_id
    assert {first.subject_reference, second.subject_reference} == {resident.reference}


def test_log_access_query_refuses_an_unknown_action(request_of, staff_groningen):
    with pytest.raises(ValueError, match="Unknown access log action"):
        log_access_query(request_of(staff_groningen), "peek", Resident.objects.all())


def test_unknown_action_is_a_programming_error(request_of, staff_groningen):
    with pytest.raises(ValueError, match="Unknown access log action"):
        log_access(request_of(staff_groningen), "peek", [("residents.resident", 1, "BW-1")])
    assert not AccessLogEntry.objects.exists()


def test_log_refused_writes_a_security_event_without_reference_or_query(request_of, staff_utrecht, caplog):
    request = request_of(staff_utrecht, path="/households/7/?q=Haddad")
    with caplog.at_level(logging.WARNING, logger="thuisgevers.security"):
        log_refused(request, "residents.household", 7)
    row = AccessLogEntry.objects.get()
    assert row.result == "refused"
    assert row.subject_reference == ""
    assert row.request_path == "/households/7/"
    assert "Haddad" not in caplog.text
    assert "access refused: user=utrecht" in caplog.text


def test_entries_cannot_be_changed_or_deleted_through_the_orm(request_of, staff_groningen):
    log_access(request_of(staff_groningen), "view", [("residents.resident", 1, "BW-1")])
    entry = AccessLogEntry.objects.get()
    entry.purpose = "something else"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.all().update(purpose="x")
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.all().delete()
    assert AccessLogEntry.objects.get().purpose == "housing_status_holders"


def test_entries_outlive_the_user_who_made_them(request_of):
    user = make_user(scope.MUNICIPAL_STAFF, [GRONINGEN], username="leaving")
    log_access(request_of(user), "view", [("residents.resident", 1, "BW-1")])
    get_user_model().objects.filter(pk=user.pk).delete()
    entry = AccessLogEntry.objects.get()
    assert entry.actor is None
    assert entry.actor_username == "leaving"


@pytest.mark.postgres
def test_database_refuses_update_and_delete_on_postgresql(request_of, staff_groningen):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    log_access(request_of(staff_groningen), "view", [("residents.resident", 1, "BW-1")])
    table = AccessLogEntry._meta.db_table
    for sql in (f"UPDATE {table} SET purpose = 'x'", f"DELETE FROM {table}"):
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as c:
            c.execute(sql)
    assert AccessLogEntry.objects.get().purpose == "housing_status_holders"


def test_client_address_ignores_forwarded_for_without_trusted_proxies(rf, settings):
    from accesslog.log import client_address

    settings.TRUSTED_PROXY_COUNT = 0
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "10.0.0.2"


def test_client_address_behind_one_proxy_is_the_entry_that_proxy_added(rf, settings):
    from accesslog.log import client_address

    settings.TRUSTED_PROXY_COUNT = 1
    forged_then_real = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.9")
    assert client_address(forged_then_real) == "198.51.100.9"
    garbage = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_address(garbage) is None


def test_forwarded_for_from_a_client_that_is_no_trusted_proxy_is_ignored(rf, settings):
    from accesslog.log import client_address

    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    direct = rf.get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert client_address(direct) == "203.0.113.7"
    through_proxy = rf.get("/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert client_address(through_proxy) == "198.51.100.9"


def test_admin_search_on_the_access_log_does_not_crash(client, request_of, staff_groningen):
    from tests.factories import UserFactory

    log_access(request_of(staff_groningen), "view", [("residents.resident", 1, "BW-AAAA2222")])
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    for term in ("BW-AAAA2222", "groningen", "not a uuid", "12"):
        assert client.get("/admin/accesslog/accesslogentry/", {"q": term}).status_code == 200


def test_admin_search_finds_a_lower_case_reference_and_a_user_name(client, request_of, staff_groningen):
    from tests.factories import UserFactory

    log_access(request_of(staff_groningen), "view", [("residents.resident", 1, "BW-AAAA2222")])
    log_access(request_of(staff_groningen), "view", [("residents.resident", 2, "BW-BBBB3333")])
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    found = client.get("/admin/accesslog/accesslogentry/", {"q": " bw-aaaa2222 "})
    assert [e.subject_reference for e in found.context["cl"].result_list] == ["BW-AAAA2222"]
    by_user = client.get("/admin/accesslog/accesslogentry/", {"q": staff_groningen.username.upper()})
    assert len(by_user.context["cl"].result_list) == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("address", "kept"),
    [
        ("/admin/residents/resident/?q=V123456789", "/admin/residents/resident/"),
        ("/households/?name=Haddad&municipality=GM0014", "/households/?municipality=GM0014"),
        ("/reports/quota.csv?period=2026-H2&region=3", "/reports/quota.csv?period=2026-H2&region=3"),
        ("/households/?municipality=Haddad&period=Fatima", "/households/"),
        ("/households/?page=2&q=1990-01-01", "/households/?page=2"),
    ],
)
def test_the_log_keeps_no_query_parameter_that_could_identify_a_person(rf, staff_groningen, address, kept):
    request = rf.get(address)
    request.user = staff_groningen
    log_access(request, "list", [("residents.resident", 1, "BW-AAAA2222")])
    assert AccessLogEntry.objects.get().request_path == kept


def test_bulk_records_cannot_be_changed_or_deleted(request_of, staff_groningen):
    ResidentFactory()
    log_access_query(request_of(staff_groningen), "export", Resident.objects.all())
    record = AccessLogSubject.objects.get()
    with pytest.raises(PermissionError):
        record.delete()
    with pytest.raises(PermissionError):
        AccessLogSubject.objects.all().update(subject_reference="x")
    with pytest.raises(PermissionError):
        AccessLogSubject.objects.all().delete()
    with pytest.raises(PermissionError):
        AccessRecord.objects.get().save()
    if connection.vendor == "postgresql":
        table = AccessLogSubject._meta.db_table
        for sql in (f"UPDATE {table} SET subject_reference = 'x'", f"DELETE FROM {table}"):
            with (
                pytest.raises(Exception, match="append-only"),
                transaction.atomic(),
                connection.cursor() as c,
            ):
                c.execute(sql)
    assert AccessLogSubject.objects.get().subject_reference == record.subject_reference


def test_bulk_entries_register_each_reference_once_and_only_the_first_time(request_of, staff_groningen):
    first, second = ResidentFactory(), ResidentFactory()
    request = request_of(staff_groningen)
    log_access_query(request, "export", Resident.objects.filter(pk=first.pk))
    log_access_query(request, "export", Resident.objects.all())
    log_access_query(request, "export", Resident.objects.all())
    registered = AccessLogReference.objects.values_list("reference", "subject_type", "subject_id")
    assert sorted(registered) == sorted((r.reference, "residents.resident", r.pk) for r in (first, second))
    assert AccessLogSubject.objects.count() == 1 + 2 + 2
    household = first.household
    log_access_query(request, "export", Household.objects.filter(pk=household.pk))
    assert AccessLogReference.objects.filter(subject_type="residents.household").get().reference == (
        household.reference
    )


def test_the_records_of_a_reference_are_found_also_after_the_person_is_deleted(request_of, staff_groningen):
    wanted, other = ResidentFactory(), ResidentFactory()
    request = request_of(staff_groningen)
    log_access_query(request, "export", Resident.objects.all())
    log_access_query(request, "export", Resident.objects.filter(pk=wanted.pk))
    reference, pk = wanted.reference, wanted.pk
    wanted.delete()
    found = AccessLogSubject.objects.with_reference(reference)
    assert sorted(found.values_list("subject_id", flat=True)) == [pk, pk]
    assert len({row.entry_id for row in found}) == 2
    assert not AccessLogSubject.objects.with_reference(reference.lower()).exists(), "exact, in capitals"
    assert list(AccessLogSubject.objects.with_reference(other.reference).values_list("subject_id")) == [
        (other.pk,)
    ]


def test_registered_references_cannot_be_changed_or_deleted(request_of, staff_groningen):
    ResidentFactory()
    log_access_query(request_of(staff_groningen), "export", Resident.objects.all())
    registered = AccessLogReference.objects.get()
    with pytest.raises(PermissionError):
        registered.delete()
    with pytest.raises(PermissionError):
        AccessLogReference.objects.all().update(reference="x")
    with pytest.raises(PermissionError):
        AccessLogReference.objects.all().delete()
    if connection.vendor == "postgresql":
        table = AccessLogReference._meta.db_table
        for sql in (f"UPDATE {table} SET reference = 'x'", f"DELETE FROM {table}"):
            with (
                pytest.raises(Exception, match="append-only"),
                transaction.atomic(),
                connection.cursor() as c,
            ):
                c.execute(sql)
    assert AccessLogReference.objects.get().reference == registered.reference
