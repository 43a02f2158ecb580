"""Deleting is never the way to lose data (SPEC §5): records with history are protected on every
path — the ORM, cascades from other models, the admin site and the pages (405 for DELETE, see
test_fuzz.py)."""

import datetime as dt

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.db.models import ProtectedError, RestrictedError
from django.test import RequestFactory
from django.urls import reverse

from buddies.models import BuddyMatch
from housing.models import IntentAgreement, Municipality, Organisation, Property
from residents.models import Household, Placement, Resident
from residents.services import place_household
from tests.factories import (
    BuddyMatchFactory,
    IntentAgreementFactory,
    PropertyFactory,
    ResidentFactory,
)

HISTORY_MODELS = [Household, Resident, Placement, Property, IntentAgreement, Municipality, Organisation]


def test_every_relation_to_a_record_with_history_protects_it():
    """No CASCADE or SET_NULL from any model of any app into the records that carry history."""
    offenders = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not (field.is_relation and field.many_to_one and field.concrete):
                continue
            if field.related_model in HISTORY_MODELS:
                on_delete = field.remote_field.on_delete
                if on_delete not in (models.PROTECT, models.RESTRICT):
                    offenders.append(f"{model._meta.label}.{field.name}: {on_delete.__name__}")
    assert offenders == []


@pytest.fixture
def placed(db):
    agreement = IntentAgreementFactory()
    prop = PropertyFactory(agreement=agreement, capacity=4)
    resident = ResidentFactory()
    (placement,) = place_household(
        household=resident.household, property=prop, kind="har", start_date=dt.date(2026, 7, 1)
    )
    BuddyMatchFactory(household=resident.household)
    return {
        "property": prop,
        "household": resident.household,
        "resident": resident,
        "placement": placement,
        "agreement": agreement,
    }


@pytest.mark.parametrize("key", ["property", "household", "resident", "agreement"])
def test_orm_delete_of_a_record_with_history_is_refused_and_changes_nothing(placed, key):
    before = (Placement.objects.count(), Resident.objects.count(), BuddyMatch.objects.count())
    with pytest.raises((ProtectedError, RestrictedError)):
        placed[key].delete()
    assert (Placement.objects.count(), Resident.objects.count(), BuddyMatch.objects.count()) == before


def test_queryset_delete_of_municipalities_with_records_is_refused(placed):
    with pytest.raises((ProtectedError, RestrictedError)):
        Municipality.objects.filter(pk=placed["household"].municipality_id).delete()


@pytest.mark.parametrize("model", [Household, Resident, Placement, Property, IntentAgreement])
def test_admin_offers_no_delete_for_records_with_history_even_to_superusers(placed, model, django_user_model):
    model_admin = admin.site._registry.get(model)
    if model_admin is None:
        pytest.fail(f"{model._meta.label} is not in the admin site")
    superuser = django_user_model.objects.create_superuser(
        "root", "root@example.org", "x-very-long-password-1"
    )
    request = RequestFactory().get("/admin/")
    request.user = superuser
    assert model_admin.has_delete_permission(request) is False
    assert "delete_selected" not in model_admin.get_actions(request)


@pytest.mark.parametrize("key", ["property", "household", "resident", "placement", "agreement"])
def test_admin_delete_page_is_refused_and_changes_nothing(placed, key, client, django_user_model):
    superuser = django_user_model.objects.create_superuser(
        "root", "root@example.org", "x-very-long-password-1"
    )
    client.force_login(superuser)
    obj = placed[key]
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_delete", args=[obj.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()
