"""Shared fixtures. Factories live in tests/factories.py."""

import pytest

from housing import scope
from tests.factories import GRONINGEN, UTRECHT, make_user


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing with PBKDF2 costs ~0.3 s a user; tests only need a working hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached figures (thuisgevers.figure_cache) are keyed on a data version that only moves when a
    transaction commits; inside a test's transaction it does not, so each test starts with an empty
    cache. Tests of the cache itself commit (transactional tests or captured on_commit callbacks)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request):
    """A transactional test ends with a flush that also empties the tables the data migrations filled
    (the CBS municipality list, the role groups). Put them back before such a test when a flush
    before it left them empty, whichever test ran first on this worker."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        from housing.loaders import load_municipalities
        from housing.models import Municipality
        from thuisgevers.roles import ensure_role_groups

        if not Municipality.objects.exists():
            load_municipalities(Municipality)
            ensure_role_groups()


@pytest.fixture
def staff_groningen(db):
    return make_user(scope.MUNICIPAL_STAFF, [GRONINGEN], username="groningen")


@pytest.fixture
def staff_utrecht(db):
    return make_user(scope.MUNICIPAL_STAFF, [UTRECHT], username="utrecht")


@pytest.fixture
def pioneer(db):
    return make_user(scope.PIONEER, [GRONINGEN, "GM0037"], username="pionier", is_staff=True)


@pytest.fixture
def coordinator(db):
    return make_user(scope.COORDINATOR, username="coordinator")


@pytest.fixture
def no_role_user(db):
    return make_user(None, username="charlie")
