"""The two-role setup of the README: the application's role writes and reads the access log but
cannot change, remove, truncate or unprotect it."""

import os

import pytest
from django.db import DatabaseError, connection, transaction

from accesslog.models import AccessLogEntry

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles exist on PostgreSQL only"),
]

ROLE = f"thuisgevers_test_app_{os.getpid()}"  # roles are cluster-wide: one per test process
LOG = "accesslog_accesslogentry"
SEALS = "accesslog_accesslogseal"


@pytest.fixture
def app_role():
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {ROLE}")
        cursor.execute(f"CREATE ROLE {ROLE} NOLOGIN")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {ROLE}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {ROLE}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {ROLE}")
        cursor.execute(f"REVOKE UPDATE, DELETE ON {LOG}, {SEALS} FROM {ROLE}")
    yield ROLE
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
        cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {ROLE}")
        cursor.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {ROLE}")
        cursor.execute(f"REVOKE ALL ON SCHEMA public FROM {ROLE}")
        cursor.execute(f"DROP ROLE {ROLE}")


def as_app(cursor, sql):
    with transaction.atomic():
        cursor.execute(f"SET LOCAL ROLE {ROLE}")
        cursor.execute(sql)


@pytest.mark.parametrize(
    "sql",
    [
        f"UPDATE {LOG} SET actor_username = 'x'",
        f"DELETE FROM {LOG}",
        f"TRUNCATE {LOG}",
        f"ALTER TABLE {LOG} DISABLE TRIGGER accesslog_append_only",
        f"DROP TRIGGER accesslog_append_only ON {LOG}",
        "SET session_replication_role = replica",
        f"DELETE FROM {SEALS}",
        f"TRUNCATE {SEALS}",
    ],
)
def test_the_application_role_cannot_change_or_unprotect_the_log(app_role, sql):
    with connection.cursor() as cursor, pytest.raises(DatabaseError):
        as_app(cursor, sql)


def test_the_application_role_writes_and_reads_the_log(app_role):
    with connection.cursor() as cursor:
        as_app(
            cursor,
            f"INSERT INTO {LOG} (occurred_at, request_id, actor_username, action, subject_type, subject_id,"
            " subject_reference, result, purpose, request_method, request_path) VALUES (now(),"
            " gen_random_uuid(), 'groningen', 'view', 'residents.resident', '1', '', 'success', '',"
            " 'GET', '/')",
        )
    assert AccessLogEntry.objects.filter(actor_username="groningen").count() == 1
