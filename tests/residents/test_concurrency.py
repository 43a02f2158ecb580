"""Placements under concurrency (SPEC §5): the capacity and overlap rules hold when many users place
at the same moment.

On PostgreSQL, 20 threads — each with its own database connection — start together at a barrier.
On SQLite a test database in memory cannot be shared by threads with real locking (shared-cache mode
answers "table is locked" instead of waiting), so the SQLite test runs the same race in a subprocess
against a temporary database file, where `transaction_mode=IMMEDIATE` serialises the writers.
"""

import datetime as dt
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import translation

from residents.models import Placement
from residents.services import place_household
from tests.factories import HouseholdFactory, PropertyFactory, ResidentFactory

# Twenty threads or a subprocess per test (`make test-fast` skips them).
pytestmark = pytest.mark.slow

THREADS = 20
START = dt.date(2026, 7, 1)

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: row locks and the exclusion constraint exist there only; "
    "SQLite is covered by test_sqlite_immediate_transactions_serialise_concurrent_placements",
)


def race(attempts):
    """Run every `attempt()` in its own thread, all released at the same moment by a barrier.

    Returns (successes, refusal messages, unexpected errors).
    """
    barrier = threading.Barrier(len(attempts))
    successes, refusals, errors = [], [], []
    lock = threading.Lock()

    def run(attempt):
        try:
            with translation.override("nl"):
                barrier.wait(timeout=30)
                result = attempt()
            with lock:
                successes.append(result)
        except ValidationError as exc:
            with lock:
                refusals.append(" ".join(exc.messages))
        except Exception as exc:  # noqa: BLE001 - anything else is a failure the test reports
            with lock:
                errors.append(repr(exc))
        finally:
            connections.close_all()  # each thread opened its own connection

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return successes, refusals, errors


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_twenty_users_placing_into_the_last_free_place_at_once_yields_exactly_one_placement():
    prop = PropertyFactory(capacity=3)
    for _ in range(2):  # two of three places taken
        earlier = ResidentFactory().household
        place_household(household=earlier, property=prop, kind="har", start_date=START)
    households = [ResidentFactory(household=HouseholdFactory()).household for _ in range(THREADS)]

    successes, refusals, errors = race(
        [
            lambda h=h: place_household(household=h, property=prop, kind="har", start_date=START)
            for h in households
        ]
    )

    assert errors == []
    assert len(successes) == 1
    assert len(refusals) == THREADS - 1
    assert all(" is vol: 0 vrije plekken" in message for message in refusals), refusals[:3]
    assert Placement.objects.filter(property=prop).count() == 3 == prop.capacity
    assert Placement.objects.filter(property=prop).active_on(START).count() <= prop.capacity


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_twenty_users_placing_one_resident_into_twenty_properties_at_once_yields_one_placement():
    resident = ResidentFactory()
    household = resident.household
    properties = PropertyFactory.create_batch(THREADS, capacity=5)

    successes, refusals, errors = race(
        [
            lambda p=p: place_household(household=household, property=p, kind="har", start_date=START)
            for p in properties
        ]
    )

    assert errors == []
    assert len(successes) == 1
    assert len(refusals) == THREADS - 1
    assert all("woont al in" in message or "al een andere plaatsing" in message for message in refusals), (
        refusals[:3]
    )
    assert Placement.objects.filter(resident=resident).count() == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_households_placed_crosswise_into_two_properties_never_deadlock_or_overlap():
    """Two-person households raced into two properties in both orders: locks are taken in one
    order (property, then residents by id), so no deadlock; each resident ends up placed once."""
    households = []
    for _ in range(5):
        household = HouseholdFactory()
        ResidentFactory.create_batch(2, household=household)
        households.append(household)
    first, second = PropertyFactory(capacity=40), PropertyFactory(capacity=40)
    attempts = [
        lambda h=h, p=p: place_household(household=h, property=p, kind="har", start_date=START)
        for h in households
        for p in (first, second)
    ]

    successes, refusals, errors = race(attempts)

    assert errors == []
    assert len(successes) == len(households)
    assert len(refusals) == len(households)
    for household in households:
        assert Placement.objects.filter(resident__household=household).count() == 2
        assert (
            Placement.objects.filter(resident__household=household).values("property").distinct().count() == 1
        )


SQLITE_RACE = Path(__file__).with_name("sqlite_race.py")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite variant of the race tests")
def test_sqlite_immediate_transactions_serialise_concurrent_placements(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "thuisgevers.settings",
    }
    result = subprocess.run(
        [sys.executable, str(SQLITE_RACE), str(THREADS)],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["capacity"] == {
        "attempts": THREADS,
        "successes": 1,
        "refused_full": THREADS - 1,
        "errors": [],
        "placements": 3,
        "places": 3,
    }
    assert figures["overlap"] == {
        "attempts": THREADS,
        "successes": 1,
        "refused_overlap": THREADS - 1,
        "errors": [],
        "placements": 1,
    }
