"""The hash chain over the access log finds every change made behind the application's back."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from accesslog.log import log_access
from accesslog.models import AccessLogEntry, AccessLogSeal
from accesslog.seal import SEAL_DELAY, seal, verify

pytestmark = pytest.mark.django_db


def write_rows(rf, user, count, *, start=1):
    request = rf.get("/households/")
    request.user = user
    log_access(
        request, "list", [("residents.resident", n, f"BW-{n:08d}") for n in range(start, start + count)]
    )


def later():
    return timezone.now() + SEAL_DELAY + dt.timedelta(minutes=1)


def raw(sql, params=()):
    """Change the table as its owner could, past the append-only trigger."""
    table = AccessLogEntry._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER accesslog_append_only")
        cursor.execute(sql.format(table=table), params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER accesslog_append_only")


def test_seals_chain_and_an_untouched_log_verifies(rf, staff_groningen):
    write_rows(rf, staff_groningen, 5)
    first = seal(now=later())
    write_rows(rf, staff_groningen, 3, start=6)
    second = seal(now=later() + dt.timedelta(seconds=1))
    assert (first.row_count, second.row_count) == (5, 3)
    assert second.previous_digest == first.digest
    assert verify() == []
    out = io.StringIO()
    call_command("verify_access_log", stdout=out)
    assert "2" in out.getvalue()


def test_rows_younger_than_the_delay_wait_for_the_next_seal(rf, staff_groningen):
    write_rows(rf, staff_groningen, 2)
    assert seal() is None
    assert AccessLogSeal.objects.count() == 0


def test_a_changed_sealed_row_is_found(rf, staff_groningen):
    write_rows(rf, staff_groningen, 4)
    seal(now=later())
    victim = AccessLogEntry.objects.order_by("id")[1]
    raw("UPDATE {table} SET actor_username = %s WHERE id = %s", ["someone-else", victim.id])
    findings = verify()
    assert [f.message for f in findings] == ["a sealed row was changed"]
    with pytest.raises(CommandError):
        call_command("verify_access_log", stdout=io.StringIO(), stderr=io.StringIO())


def test_a_removed_sealed_row_is_found(rf, staff_groningen):
    write_rows(rf, staff_groningen, 4)
    seal(now=later())
    raw("DELETE FROM {table} WHERE id = %s", [AccessLogEntry.objects.order_by("id").first().id])
    assert "4 rows were sealed, 3 are there" in verify()[0].message


def test_a_back_dated_row_written_after_a_seal_is_found(rf, staff_groningen):
    write_rows(rf, staff_groningen, 2)
    link = seal(now=later())
    write_rows(rf, staff_groningen, 1, start=3)
    newest = AccessLogEntry.objects.order_by("-id").first()
    raw(
        "UPDATE {table} SET occurred_at = %s WHERE id = %s",
        [link.sealed_before - dt.timedelta(days=30), newest.id],
    )
    assert [f.message for f in verify()] == [
        f"row {newest.id} was written after this seal but dated before it"
    ]


def test_a_removed_seal_breaks_the_chain(rf, staff_groningen):
    write_rows(rf, staff_groningen, 2)
    seal(now=later())
    write_rows(rf, staff_groningen, 2, start=3)
    seal(now=later() + dt.timedelta(seconds=1))
    first = AccessLogSeal.objects.order_by("last_id").first()
    with connection.cursor() as cursor:
        table = AccessLogSeal._meta.db_table
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER accesslog_seal_append_only")
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [first.id])
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER accesslog_seal_append_only")
    messages = [f.message for f in verify()]
    assert "the chain is broken before this seal: a seal was removed or changed" in messages


def test_seals_cannot_be_changed_through_the_application(rf, staff_groningen):
    write_rows(rf, staff_groningen, 1)
    link = seal(now=later())
    with pytest.raises(PermissionError):
        link.save()
    with pytest.raises(PermissionError):
        AccessLogSeal.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_the_database_refuses_changes_to_seals(rf, staff_groningen):
    from django.db import DatabaseError, transaction

    write_rows(rf, staff_groningen, 1)
    seal(now=later())
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AccessLogSeal._meta.db_table}")


def test_bulk_entries_are_sealed_with_their_records(rf, staff_groningen):
    from accesslog.log import log_access_query
    from accesslog.models import AccessLogSubject
    from residents.models import Resident
    from tests.factories import ResidentFactory

    for _ in range(3):
        ResidentFactory()
    write_rows(rf, staff_groningen, 2)
    request = rf.get("/reports/placements.csv")
    request.user = staff_groningen
    assert log_access_query(request, "export", Resident.objects.all()) == 3
    sealed = seal(now=later())
    assert sealed.row_count == 3  # two entries about one record, one bulk entry
    assert verify() == []
    table = AccessLogSubject._meta.db_table
    victim = AccessLogSubject.objects.order_by("subject_id").first()

    def raw_subjects(sql, params):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER accesslog_subject_append_only")
            cursor.execute(sql.format(table=table), params)
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER accesslog_subject_append_only")

    raw_subjects(
        "UPDATE {table} SET subject_reference = 'BW-FORGED' WHERE subject_id = %s", [victim.subject_id]
    )
    assert [f.message for f in verify()] == ["a sealed row was changed"]
    raw_subjects("DELETE FROM {table} WHERE subject_id = %s", [victim.subject_id])
    assert [f.message for f in verify()] == ["a sealed row was changed"]


def test_entries_about_one_record_hash_as_before_bulk_entries_existed(rf, staff_groningen):
    """Seals made before the bulk shape still verify: an entry's line did not change."""
    import hashlib

    from accesslog.seal import FIELDS, GENESIS

    write_rows(rf, staff_groningen, 2)
    sealed = seal(now=later())
    hasher = hashlib.sha256(GENESIS.encode())
    for values in AccessLogEntry.objects.order_by("id").values_list(*FIELDS):
        parts = []
        for name, value in zip(FIELDS, values, strict=True):
            if name == "occurred_at":
                value = value.astimezone(dt.UTC).isoformat(timespec="microseconds")
            parts.append("" if value is None else str(value).replace("\\", "\\\\").replace("|", "\\|"))
        hasher.update(("|".join(parts) + "\n").encode())
    assert sealed.digest == hasher.hexdigest()
