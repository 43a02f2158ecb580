"""Schemathesis against the served OpenAPI document, signed in as each role: no server error and no
answer that contradicts the schema, for every operation (a bounded number of examples each).

In a folder of its own that sorts after tests/e2e: a transactional test empties the database when it
ends, and the browser suite's module-wide demo data must not start from that (pytest-xdist hands
tests to a worker in collection order)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from housing import scope
from tests.api.conftest import token_for
from tests.factories import (
    UTRECHT,
    HouseholdFactory,
    PlacementFactory,
    PropertyFactory,
    QuotaFactory,
    RegionFactory,
    ResidentFactory,
    municipality,
)

SCHEMATHESIS = shutil.which("schemathesis") or str(Path(sys.executable).with_name("schemathesis"))
EXAMPLES = os.environ.get("SCHEMATHESIS_EXAMPLES", "8")


def _some_data():
    region = RegionFactory()
    region.members.set([municipality("GM0014"), municipality(UTRECHT)])
    QuotaFactory(municipality=municipality("GM0014"), year=2026, half=2, target=20)
    for code in ("GM0014", UTRECHT):
        household = HouseholdFactory(municipality=municipality(code))
        prop = PropertyFactory(municipality=municipality(code), capacity=6)
        for resident in ResidentFactory.create_batch(2, household=household, gp_practice=""):
            PlacementFactory(resident=resident, property=prop)


@pytest.mark.slow
# Serialised rollback: the flush after a transactional test would otherwise leave the next tests on
# this worker (the browser suite's demo data) without the CBS municipality list.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("role", "codes"),
    [(scope.MUNICIPAL_STAFF, ["GM0014"]), (scope.PIONEER, ["GM0014", "GM0037"]), (scope.COORDINATOR, [])],
)
def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    live_server, settings, tmp_path, role, codes
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"client": "100000/minute", "anonymous": "100000/minute"},
    }
    _some_data()
    token = token_for(role, codes)
    result = subprocess.run(
        [
            SCHEMATHESIS,
            "run",
            f"{live_server.url}/api/v1/openapi.json",
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            "all",
            "--max-examples",
            EXAMPLES,
            "--phases",
            "examples,coverage,fuzzing",
            "--workers",
            "1",
            "--no-color",
            "--seed",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
    )
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
    assert "16 operations" in result.stdout or "Tested: 16" in result.stdout
