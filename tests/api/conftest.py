"""API clients (application tokens) for each role, and a DRF test client that sends the token."""

import pytest
from rest_framework.test import APIClient

from api.services import issue_client
from housing import scope
from housing.models import Municipality
from tests.factories import GRONINGEN


def token_for(role, codes=(), name=None):
    _client, token = issue_client(
        name=name or f"{role} {'-'.join(codes)}",
        role=role,
        municipalities=Municipality.objects.filter(cbs_code__in=codes),
    )
    return token


def http(token=None):
    client = APIClient()
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def api_groningen(db):
    return http(token_for(scope.MUNICIPAL_STAFF, [GRONINGEN]))


@pytest.fixture
def api_coordinator(db):
    return http(token_for(scope.COORDINATOR))
