"""The placement race on a SQLite database file, run by test_concurrency.py in a subprocess.

Usage: DATABASE_URL=sqlite:////tmp/x.sqlite3 python tests/residents/sqlite_race.py 20
Prints one JSON line with the outcome. Threads share the file; `transaction_mode=IMMEDIATE` makes
each placement take the write lock when its transaction begins, so the checks and the insert of one
placement run before the next placement's checks.
"""

import datetime as dt
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from residents.models import Placement  # noqa: E402
from residents.services import place_household  # noqa: E402
from tests.factories import PropertyFactory, ResidentFactory  # noqa: E402
from tests.residents.test_concurrency import race  # noqa: E402

START = dt.date(2026, 7, 1)


def main(threads):
    call_command("migrate", verbosity=0)
    prop = PropertyFactory(capacity=3)
    for _ in range(2):
        place_household(household=ResidentFactory().household, property=prop, kind="har", start_date=START)
    households = [ResidentFactory().household for _ in range(threads)]
    ok, refused, errors = race(
        [
            lambda h=h: place_household(household=h, property=prop, kind="har", start_date=START)
            for h in households
        ]
    )
    capacity = {
        "attempts": threads,
        "successes": len(ok),
        "refused_full": sum(" is vol: " in m for m in refused),
        "errors": errors,
        "placements": Placement.objects.filter(property=prop).count(),
        "places": prop.capacity,
    }

    resident = ResidentFactory()
    properties = PropertyFactory.create_batch(threads, capacity=5)
    ok, refused, errors = race(
        [
            lambda p=p: place_household(
                household=resident.household, property=p, kind="har", start_date=START
            )
            for p in properties
        ]
    )
    overlap = {
        "attempts": threads,
        "successes": len(ok),
        "refused_overlap": sum("woont al in" in m or "al een andere plaatsing" in m for m in refused),
        "errors": errors,
        "placements": Placement.objects.filter(resident=resident).count(),
    }
    print(json.dumps({"capacity": capacity, "overlap": overlap}))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
