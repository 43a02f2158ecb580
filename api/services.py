"""Issuing, changing and revoking API clients (the admin site calls these)."""

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from api.models import ApiClient, hash_token, new_token
from housing.models import UserScope


def default_expiry():
    return timezone.now() + dt.timedelta(days=settings.API_TOKEN_DAYS)


def sync_service_user(client):
    """Give the client's service user the client's role and municipalities (its scope)."""
    user = client.service_user
    user.groups.set([Group.objects.get_or_create(name=client.role)[0]])
    user_scope, _created = UserScope.objects.get_or_create(user=user)
    user_scope.municipalities.set(client.municipalities.all())


@transaction.atomic
def save_new_client(client, *, created_by=None):
    """Save a new `client` with its service user and a new token. Returns the token (not stored:
    show it once). Call `sync_service_user` after setting its municipalities."""
    user = get_user_model().objects.create(username=f"api-{secrets.token_hex(6)}", is_active=True)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    token = new_token()
    client.service_user = user
    client.token_hash = hash_token(token)
    client.token_hint = token[:10]
    client.expires_at = client.expires_at or default_expiry()
    client.created_by = created_by
    client.save()
    return token


@transaction.atomic
def issue_client(*, name, role, municipalities=(), expires_at=None, created_by=None):
    """Create a client with a new token. Returns (client, token)."""
    client = ApiClient(name=name, role=role, expires_at=expires_at)
    token = save_new_client(client, created_by=created_by)
    client.municipalities.set(municipalities)
    sync_service_user(client)
    return client, token


@transaction.atomic
def rotate_token(*, client):
    """A new token for `client`; the old one stops working at once. Returns the new token."""
    token = new_token()
    client.token_hash = hash_token(token)
    client.token_hint = token[:10]
    client.save(update_fields=["token_hash", "token_hint"])
    return token


@transaction.atomic
def revoke_client(*, client):
    """The token stops working at once; the client and its history stay."""
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
    return client
