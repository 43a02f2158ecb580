"""Shared fixtures. Factories live in tests/factories.py."""

import pytest

from housing import scope
from tests.factories import GRONINGEN, UTRECHT, make_supervisor, make_user


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing with PBKDF2 costs ~0.3 s a user; tests only need a working hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached figures (figures.cache) are keyed on a data version that only moves when a
    transaction commits; inside a test's transaction it does not, so each test starts with an empty
    cache. Tests of the cache itself commit (transactional tests or captured on_commit callbacks)."""
    from django.core.cache import cache

    cache.clear()


def restore_reference_data():
    """Put back what the migrations filled and a flush emptied: content types and permissions, the
    role groups, the CBS municipality and population lists. Does nothing where they are there."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.sql import emit_post_migrate_signal

    from accounts.roles import ensure_role_groups
    from housing.loaders import (
        POPULATION_FILE,
        POPULATION_SOURCE,
        POPULATION_YEAR,
        load_municipalities,
        load_population,
    )
    from housing.models import Municipality, Population

    ContentType.objects.clear_cache()
    if not ContentType.objects.exists():
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    ensure_role_groups()  # post_migrate makes them only after `migrate` (accounts/apps.py)
    if not Municipality.objects.exists():
        load_municipalities(Municipality)
    if not Population.objects.exists():
        load_population(
            Population, Municipality, POPULATION_FILE, year=POPULATION_YEAR, source=POPULATION_SOURCE
        )


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request):
    """A transactional test ends with a flush that also empties the tables the migrations filled.
    Put them back before such a test when a flush before it left them empty, whichever test ran
    first on this worker. (pytest-django runs every transactional test after the others, so those
    never see a flushed database; the browser tests restore them in `demo_data`.) No test uses
    serialized_rollback: a flush before it re-creates content types with new ids, which then collide
    with the serialised copy it restores."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        restore_reference_data()


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
def supervisor_groningen(db):
    return make_supervisor("Groningen", username="toezicht")


@pytest.fixture
def no_role_user(db):
    return make_user(None, username="charlie")
