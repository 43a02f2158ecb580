"""A superuser issues API tokens in the admin site; the token is shown once and stored hashed."""

import re

import pytest
from django.urls import reverse

from api.models import ApiClient, hash_token
from housing import scope
from housing.models import Municipality
from tests.api.conftest import http
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db, settings):
    settings.OTP_REQUIRED = False
    return make_user(None, username="beheer", is_superuser=True, is_staff=True)


def test_a_superuser_issues_a_token_that_is_shown_once_and_works(client, superuser):
    client.force_login(superuser)
    groningen = Municipality.objects.get(cbs_code="GM0014")
    response = client.post(
        reverse("admin:api_apiclient_add"),
        {"name": "Zaaksysteem Groningen", "role": scope.MUNICIPAL_STAFF, "municipalities": [groningen.pk]},
    )
    assert response.status_code == 200
    token = re.search(r'value="(tg_[^"]+)"', response.content.decode()).group(1)
    api_client = ApiClient.objects.get(name="Zaaksysteem Groningen")
    assert api_client.token_hash == hash_token(token)
    assert (
        token not in client.get(reverse("admin:api_apiclient_change", args=[api_client.pk])).content.decode()
    )
    assert http(token).get("/api/v1/municipalities").json()["count"] == 1


def test_a_pioneer_cannot_open_the_api_clients(client, pioneer, settings):
    settings.OTP_REQUIRED = False
    client.force_login(pioneer)
    assert client.get(reverse("admin:api_apiclient_changelist")).status_code == 403
