"""Audit history (django-auditlog): every create, change and delete of the audited models is kept
with its actor, and pioneers read only the history of their own scope in the admin."""

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.audit import audited_models
from accounts.roles import ensure_role_groups
from housing.models import Quota
from residents.models import Household
from tests.factories import (
    UTRECHT,
    BuddyFactory,
    BuddyMatchFactory,
    HouseholdFactory,
    IntentAgreementFactory,
    PlacementFactory,
    PropertyFactory,
    ResidentFactory,
    UserFactory,
    municipality,
)

pytestmark = pytest.mark.django_db


def entries_for(obj):
    return LogEntry.objects.get_for_object(obj).order_by("timestamp", "pk")


@pytest.mark.parametrize(
    "factory, field, value",
    [
        (HouseholdFactory, "reunification_expected_members", 2),
        (ResidentFactory, "gp_practice", "Huisartsenpraktijk Oost"),
        (PlacementFactory, "extension_reason", "Nareis loopt nog"),
        (PropertyFactory, "capacity", 6),
        (IntentAgreementFactory, "committed_persons", 30),
        (BuddyFactory, "languages", "Nederlands, Tigrinya"),
        (BuddyMatchFactory, "start_date", "2026-08-01"),
    ],
)
def test_create_change_and_delete_are_recorded_with_the_actor(staff_groningen, factory, field, value):
    with set_actor(staff_groningen):
        obj = factory()
        setattr(obj, field, value)
        obj.save()
        model, pk = type(obj), obj.pk
        obj_repr_entries = entries_for(obj)
        assert [e.action for e in obj_repr_entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
        assert field in obj_repr_entries[1].changes_dict
        model._base_manager.filter(pk=pk).first().delete()
    entries = LogEntry.objects.filter(content_type__model=model._meta.model_name, object_id=pk)
    assert list(entries.order_by("timestamp", "pk").values_list("action", flat=True)) == [
        LogEntry.Action.CREATE,
        LogEntry.Action.UPDATE,
        LogEntry.Action.DELETE,
    ]
    assert {e.actor for e in entries} == {staff_groningen}


def test_every_personal_data_model_is_audited():
    labels = {model._meta.label_lower for model, _options in audited_models()}
    assert {
        "residents.household",
        "residents.resident",
        "residents.placement",
        "housing.property",
        "housing.intentagreement",
        "buddies.buddy",
        "buddies.buddymatch",
    } <= labels


def test_password_changes_are_not_copied_into_the_history():
    user = UserFactory()
    user.set_password("another-long-password-77")
    user.save()
    for entry in entries_for(user):
        assert "password" not in entry.changes_dict


def test_a_change_through_the_admin_records_the_signed_in_user_and_address():
    admin_user = UserFactory(is_superuser=True, is_staff=True)
    client = Client(REMOTE_ADDR="192.0.2.44")
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:housing_quota_add"),
        {"municipality": municipality().pk, "year": 2026, "half": 2, "target": 40, "carried_over": 3},
    )
    assert response.status_code == 302, response.content[:2000]
    entry = entries_for(Quota.objects.get()).get()
    assert entry.actor == admin_user
    assert entry.action == LogEntry.Action.CREATE
    assert entry.remote_addr == "192.0.2.44"


def test_a_role_grant_is_recorded():
    from django.contrib.auth.models import Group

    user = UserFactory()
    group, _created = Group.objects.get_or_create(name="pioneer")
    user.groups.add(group)
    assert entries_for(user).filter(action=LogEntry.Action.UPDATE).exists()


def test_pioneer_reads_the_history_of_their_scope_only(pioneer):
    ensure_role_groups()
    own = HouseholdFactory()  # Groningen
    foreign = HouseholdFactory(municipality=municipality(UTRECHT))
    client = Client()
    client.force_login(pioneer)
    page = client.get(reverse("admin:auditlog_logentry_changelist"))
    assert page.status_code == 200
    shown = {
        entry.object_id for entry in page.context["cl"].result_list if entry.content_type.model == "household"
    }
    assert own.pk in shown
    assert foreign.pk not in shown
    foreign_entry = entries_for(foreign).get()
    assert client.get(reverse("admin:auditlog_logentry_change", args=[foreign_entry.pk])).status_code in (
        302,
        404,
    )


def test_nobody_deletes_history_in_the_admin():
    admin_user = UserFactory(is_superuser=True, is_staff=True)
    household = HouseholdFactory()
    entry = entries_for(household).get()
    client = Client()
    client.force_login(admin_user)
    url = reverse("admin:auditlog_logentry_delete", args=[entry.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()
    assert Household.objects.filter(pk=household.pk).exists()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_the_database_refuses_changing_or_deleting_audit_history_but_lets_a_user_go():
    from auditlog.models import LogEntry
    from django.db import DatabaseError, transaction

    from tests.factories import ResidentFactory, UserFactory

    resident = ResidentFactory()
    assert LogEntry.objects.get_for_object(resident).exists()
    for sql in ("UPDATE auditlog_logentry SET changes_text = 'x'", "DELETE FROM auditlog_logentry"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as c,
        ):
            c.execute(sql)
    actor = UserFactory()
    entry = LogEntry.objects.log_create(
        resident, action=LogEntry.Action.UPDATE, changes={"x": [1, 2]}, actor=actor
    )
    actor.delete()  # Django nulls the actor of their entries: the one update let through
    entry.refresh_from_db()
    assert entry.actor_id is None
