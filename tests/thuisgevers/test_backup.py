"""Backups and migrations: a pg_dump of the demo data restores into a fresh database with
identical figures; every migration can be reversed to zero and applied again; no model change
lacks a migration."""

import os
import shutil
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
PG_TOOLS = all(shutil.which(tool) for tool in ("pg_dump", "pg_restore", "createdb", "dropdb", "psql"))

FIGURES_SCRIPT = """
import django, json
django.setup()
from dataclasses import asdict
from housing.periods import Period
from figures import figures
from residents.models import Household, Placement, Resident
period = Period.current()
rows = [asdict(r) for p in (period, period.previous()) for r in figures.municipality_figures(p)]
print(json.dumps({
    "municipalities": rows,
    "capacity": asdict(figures.capacity_figures()),
    "counts": [Household.objects.count(), Resident.objects.count(), Placement.objects.count()],
}, default=str, sort_keys=True))
"""


def _figures(database_url):
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": database_url}
    result = subprocess.run(
        [sys.executable, "-c", FIGURES_SCRIPT], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


def _pg_url(name):
    settings = connection.settings_dict
    user = settings.get("USER") or "postgres"
    auth = f"{user}:{settings['PASSWORD']}" if settings.get("PASSWORD") else user
    return f"postgres://{auth}@{settings.get('HOST') or '127.0.0.1'}:{settings.get('PORT') or 5432}/{name}"


def _pg_env():
    settings = connection.settings_dict
    env = {
        **os.environ,
        "PGHOST": settings.get("HOST") or "127.0.0.1",
        "PGPORT": str(settings.get("PORT") or 5432),
    }
    env["PGUSER"] = settings.get("USER") or "postgres"
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    return env


@pytest.mark.skipif(
    connection.vendor != "postgresql" or not PG_TOOLS, reason="pg_dump/pg_restore: PostgreSQL only"
)
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_pg_dump_of_demo_data_restores_with_identical_figures(tmp_path):
    call_command("seed_demo", password="demo-password-for-backup-test-1", stdout=StringIO())
    source = connection.settings_dict["NAME"]
    before = _figures(_pg_url(source))
    assert '"counts": [0, 0, 0]' not in before  # the demo data is really there

    env = _pg_env()
    dump = tmp_path / "thuisgevers.dump"
    target = f"tg_restore_{uuid.uuid4().hex[:8]}"
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source], env=env, check=True
    )
    subprocess.run(["createdb", target], env=env, check=True)
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "-d", target, str(dump)],
            env=env,
            check=True,
            capture_output=True,
        )
        after = _figures(_pg_url(target))
    finally:
        subprocess.run(["dropdb", "--if-exists", target], env=env, check=False)
    assert after == before


def _scratch_database(tmp_path):
    if connection.vendor == "postgresql":
        name = f"tg_migrate_{uuid.uuid4().hex[:8]}"
        subprocess.run(["createdb", name], env=_pg_env(), check=True)
        return _pg_url(name), lambda: subprocess.run(
            ["dropdb", "--if-exists", name], env=_pg_env(), check=False
        )
    return f"sqlite:///{tmp_path / 'migrate.sqlite3'}", lambda: None


@pytest.mark.skipif(connection.vendor == "postgresql" and not PG_TOOLS, reason="needs createdb/dropdb")
@pytest.mark.slow
@pytest.mark.django_db
def test_every_migration_reverses_to_zero_and_applies_again(tmp_path):
    url, drop = _scratch_database(tmp_path)
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": url}

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, f"{args}: {result.stdout[-2000:]}{result.stderr[-3000:]}"
        return result.stdout

    try:
        manage("migrate", "--noinput")
        for app in ("buddies", "residents", "housing"):  # dependents first
            manage("migrate", app, "zero", "--noinput")
        manage("migrate", "--noinput")
        plan = manage("showmigrations", "--plan")
        assert "[ ]" not in plan
    finally:
        drop()


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())
    except SystemExit as exc:
        pytest.fail(f"makemigrations --check found model changes without a migration (exit {exc.code})")
