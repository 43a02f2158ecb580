"""The benchmark run: database, data, server, measurements, table, JSON.

Production-like: DEBUG off, a random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, the second factor on for
every user (a TOTP code is computed from a device the bench creates), static files collected.
Only what plain HTTP on loopback needs is relaxed: no HTTPS redirect, no Secure cookie flag.
"""

import argparse
import datetime as dt
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from bench import forecast as bench_forecast
from bench import matching as bench_matching
from bench import report
from bench.client import BenchError, Timer, api_session, cookie_header, sign_in, summarise
from bench.server import ROOT, Gunicorn, RssSampler, free_port, load, machine

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/thuisgevers_bench"
NATIONAL_PLACEMENTS = 100_000  # below this the national data set is (re)generated
LIST_PAGES = [
    ("properties", "/properties/", "/admin/housing/property/"),
    ("households", "/households/", "/admin/residents/household/"),
    ("placements", "/placements/", "/admin/residents/placement/"),
    ("buddies", "/buddies/", "/admin/buddies/buddy/"),
    ("agreements", "/agreements/", "/admin/housing/intentagreement/"),
    ("municipalities", "/municipalities/", "/admin/housing/municipality/"),
    ("signals", "/signals/", None),
]
# The signals page and the list it is judged against (issue 18: at most twice its time).
SIGNALS_COMPARED = {"signals": "/signals/", "households": "/households/"}
# API list endpoints and the HTML list page each is compared with (same scope, same page size).
API_LISTS = [
    ("properties", "/api/v1/properties", "/properties/"),
    ("households", "/api/v1/households", "/households/"),
    ("placements", "/api/v1/placements", "/placements/"),
    ("signals", "/api/v1/signals", "/signals/"),
    ("municipalities", "/api/v1/municipalities", "/municipalities/"),
]
# Seconds between data changes during the dashboard load test. Real use changes far less: the
# national data set holds ~143,000 placements made over three years (~130 a day); with every other
# edit (residents, properties, matches) counted, a few thousand changes a working day, one per ~10 s
# at most. Every change makes each worker compute its figures again.
CHANGE_INTERVAL = 10.0
EXPORT_BUDGET = 60  # seconds of repeats per export after the first measured request
EXPORTS = ["quota", "placements", "regions/{region}", "signals", "evidence"]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page (default 20)")
    parser.add_argument("--export-requests", type=int, default=3, help="timed requests per export")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--seconds", type=int, default=30, help="duration of each throughput run")
    parser.add_argument("--connections", type=int, default=6, help="concurrent connections under load")
    parser.add_argument(
        "--only",
        help="comma-separated sections: pages,lists,signals,api,exports,forecast,matching,throughput",
    )
    parser.add_argument("--report", metavar="JSON", help="print the table of an earlier run and stop")
    args = parser.parse_args(argv)
    if args.report:
        results = json.loads(Path(args.report).read_text(encoding="utf-8"))
        results["targets"] = report.targets(results)
        print(report.table(results))
        return 0
    sections = set((args.only or "pages,lists,signals,api,exports,forecast,matching,throughput").split(","))

    started = time.monotonic()
    # A SIGTERM (timeout, Ctrl-C from make) unwinds normally, so gunicorn is stopped too.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    # Its own variable, not DATABASE_URL: the bench adds national data to the database and empties
    # its access log, which must never happen to a development or production database by accident.
    database_url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    if not database_url.startswith(("postgres://", "postgresql://")):
        print("make bench needs PostgreSQL: set BENCH_DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    results_dir = ROOT / "bench-results"
    results_dir.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    instrument_log = results_dir / f"{stamp}-requests.jsonl"
    server_log = results_dir / f"{stamp}-gunicorn.log"

    env = _production_env(database_url)
    os.environ.update(env)
    _ensure_database(database_url)
    import django

    django.setup()
    setup = _prepare(say=_say(started))
    results = {
        "started_at": stamp,
        "commit": _git_commit(),
        "machine": machine(),
        "database": _redacted(database_url),
        "data": setup["data"],
        "settings": {
            "workers": args.workers,
            "requests": args.requests,
            "export_requests": args.export_requests,
        },
    }
    say = _say(started)
    if "forecast" in sections:  # in this process, before the server starts: no HTTP involved
        results["forecast"] = bench_forecast.measure(setup, say=say)
    if "matching" in sections:  # in this process too: the ranking, not HTTP
        results["matching"] = bench_matching.measure(setup, say=say)
    port = free_port(args.port)
    instrumented = {**env, "BENCH_INSTRUMENT": "1", "BENCH_INSTRUMENT_LOG": str(instrument_log)}
    try:
        with Gunicorn(instrumented, port=port, workers=args.workers, log_path=server_log) as server:
            say(f"gunicorn on {server.base_url} with {args.workers} workers (instrumented)")
            timer = Timer(server.base_url, instrument_log)
            users = setup["users"]
            keys = setup["totp_keys"]
            admin = sign_in(server.base_url, users["admin"], setup["password"], totp_key=keys["admin"])
            staff_one = sign_in(
                server.base_url, users["staff_one"], setup["password"], totp_key=keys["staff_one"]
            )
            staff_all = sign_in(
                server.base_url, users["staff_all"], setup["password"], totp_key=keys["staff_all"]
            )
            if "pages" in sections:
                results["dashboard"] = _dashboards(timer, admin, staff_one, staff_all, setup, args, say)
                results["dashboard"].update(_staff_dashboard_all(timer, staff_all, args, say))
            if "lists" in sections:
                results["lists"] = _lists(timer, admin, staff_one, staff_all, args, say)
            if "signals" in sections:
                results["signals"] = _signals_vs_households(timer, admin, args, say)
            if "api" in sections:
                api = api_session(setup["api_token"])
                results["api"] = _api_lists(timer, api, staff_all, args, say)
            if "exports" in sections:
                results["exports"] = _exports(timer, server, admin, staff_one, setup, args, say)
        if "throughput" in sections:
            with Gunicorn(env, port=port, workers=args.workers, log_path=server_log) as server:
                say(f"gunicorn on {server.base_url} without instrumentation, for throughput")
                staff_one = sign_in(
                    server.base_url,
                    users["staff_one"],
                    setup["password"],
                    totp_key=setup["totp_keys"]["staff_one"],
                )
                results["throughput"] = _throughput(server, staff_one, args, say)
    except BenchError as exc:
        print(f"bench failed: {exc} (server log: {server_log})", file=sys.stderr)
        return 1
    results["targets"] = report.targets(results)
    results["seconds"] = round(time.monotonic() - started, 1)
    out = results_dir / f"{stamp}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(report.table(results))
    print(f"\nJSON: {out.relative_to(ROOT)}  ({results['seconds']} s)")
    return 0 if all(t["met"] is not False for t in results["targets"]) else 3


def _say(started):
    def say(message):
        print(f"[{time.monotonic() - started:6.1f}s] {message}", flush=True)

    return say


def _production_env(database_url):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="thuisgevers.settings",
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        # Plain HTTP on loopback: no redirect to HTTPS and cookies without the Secure flag.
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL="WARNING",
    )
    env.pop("BENCH_INSTRUMENT", None)
    env.pop("BENCH_INSTRUMENT_LOG", None)
    return env


def _ensure_database(database_url):
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))


def _prepare(say):
    """Migrate, collect static files, make the national data (once) and the bench users."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accesslog.models import AccessLogEntry, AccessLogReference, AccessLogSubject
    from housing import scope
    from housing.models import Municipality, Property, Region, UserScope
    from residents.models import Household, Placement, Resident

    say("migrate")
    call_command("migrate", interactive=False, verbosity=0)
    if _static_outdated():
        say("collectstatic")
        call_command("collectstatic", interactive=False, verbosity=0)
    data = {}
    if Placement.objects.count() >= NATIONAL_PLACEMENTS:
        data["generated"] = False
        say("national data present: not generated again (drop the database to regenerate)")
    else:
        from demo.national import generate

        say("generating the national data set")
        begun = time.monotonic()
        generate(stdout=sys.stdout)
        data["generated"] = True
        data["generation_seconds"] = round(time.monotonic() - begun, 1)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    # Every export logs every person (~100,000 records of a bulk entry), so the log of the bench
    # database grows by about half a million rows a run, and writing to a bigger log (its indexes)
    # costs more. Each run starts from an empty log so runs compare; this is the bench's own
    # database (TRUNCATE is not an UPDATE or DELETE: the append-only trigger does not apply).
    with connection.cursor() as cursor:
        log = (AccessLogEntry, AccessLogSubject, AccessLogReference)
        tables = ", ".join(model._meta.db_table for model in log)
        cursor.execute(f"TRUNCATE {tables}")  # noqa: S608 - the models' table names
    data["counts"] = {
        "properties": Property.objects.count(),
        "households": Household.objects.count(),
        "residents": Resident.objects.count(),
        "placements": Placement.objects.count(),
    }

    password = secrets.token_urlsafe(18)
    user_model = get_user_model()
    municipality = Municipality.objects.annotate(n=Count("households")).order_by("-n", "cbs_code").first()
    region = Region.objects.annotate(n=Count("members")).order_by("-n", "name").first()

    def user(username, *, role=None, municipalities=(), superuser=False):
        account, _created = user_model.objects.get_or_create(username=username)
        account.is_superuser = account.is_staff = superuser
        account.is_active = True
        account.set_password(password)
        account.save()
        account.groups.set([Group.objects.get_or_create(name=role)[0]] if role else [])
        user_scope, _created = UserScope.objects.get_or_create(user=account)
        user_scope.municipalities.set(municipalities)
        return account

    accounts = {
        "admin": user("bench_admin", superuser=True),
        "staff_one": user("bench_staff_one", role=scope.MUNICIPAL_STAFF, municipalities=[municipality]),
        "staff_all": user(
            "bench_staff_all", role=scope.MUNICIPAL_STAFF, municipalities=list(Municipality.objects.all())
        ),
    }
    # Everyone who sees personal data signs in with a second factor in production: a device each.
    totp_keys = {}
    for name, account in accounts.items():
        TOTPDevice.objects.filter(user=account).delete()
        totp_keys[name] = TOTPDevice.objects.create(user=account, name="bench", confirmed=True).key
    # An API client with the scope of bench_staff_all, so the API and the pages are compared on the
    # same data: all 342 municipalities, municipal staff.
    from api.models import ApiClient
    from api.services import issue_client

    old = ApiClient.objects.filter(name="bench").first()
    if old is not None:
        old.delete()
        old.service_user.delete()
    _client, api_token = issue_client(
        name="bench", role=scope.MUNICIPAL_STAFF, municipalities=Municipality.objects.all()
    )
    say(f"users ready; municipality {municipality.cbs_code} {municipality.name}, region {region.name}")
    return {
        "api_token": api_token,
        "data": data,
        "password": password,
        "totp_keys": totp_keys,
        "users": {"admin": "bench_admin", "staff_one": "bench_staff_one", "staff_all": "bench_staff_all"},
        "municipality": {
            "cbs_code": municipality.cbs_code,
            "name": municipality.name,
            "province": municipality.province,
        },
        "region": {"pk": region.pk, "name": region.name, "members": region.n},
    }


def _static_outdated():
    """collectstatic (with compression) takes ~40 s: only when a static file is new or changed."""
    from django.contrib.staticfiles import finders

    manifest = ROOT / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return True
    built, known = manifest.stat().st_mtime, json.loads(manifest.read_text())["paths"]
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            if path.replace(os.sep, "/") not in known or os.path.getmtime(storage.path(path)) > built:
                return True
    return False


def _changed():
    """A data change as far as cached figures are concerned: the next request computes them."""
    from figures import cache as figure_cache

    figure_cache.bump()


def _dashboards(timer, admin, staff_one, staff_all, setup, args, say):
    """Each dashboard computed (a data change before every request) and served from the cache."""
    code, region = setup["municipality"]["cbs_code"], setup["region"]["pk"]
    province = quote(setup["municipality"]["province"])
    out = {}
    for name, session, path in [
        ("one municipality", admin, f"/dashboard/?municipality={code}"),
        ("one region", admin, f"/dashboard/?region={region}"),
        ("all municipalities", admin, "/dashboard/"),
        ("municipal staff (own scope)", staff_one, "/dashboard/"),
        # The province's supervision page (art. 29 checkpoints of every municipality of a province).
        ("province supervision", admin, f"/supervision/?province={province}"),
    ]:
        out[name] = _measured(timer, session, path, repeat=args.requests, before=_changed)
        # Each gunicorn worker has its own cache: warm them all before timing the cached page.
        out[name]["cached"] = _measured(timer, session, path, repeat=args.requests, warmup=3 * args.workers)
        say(
            f"dashboard {name}: {out[name].get('total_ms_median')} ms, {out[name].get('queries')} queries; "
            f"cached {out[name]['cached'].get('total_ms_median')} ms"
        )
    return out


def _staff_dashboard_all(timer, staff_all, args, say):
    """The municipal dashboard of a staff member with all 342 municipalities, computed: its query
    count must equal that of a staff member with one (query counts constant in data size)."""
    name = "municipal staff (all 342)"
    entry = _measured(timer, staff_all, "/dashboard/", repeat=max(3, args.requests // 4), before=_changed)
    say(f"dashboard {name}: {entry.get('total_ms_median')} ms, {entry.get('queries')} queries")
    return {name: entry}


def _measured(timer, session, path, **kwargs):
    """One page's measurements, or its error: one broken page does not stop the run."""
    try:
        return {"path": path, **timer.measure(session, path, **kwargs)}
    except BenchError as exc:
        return {"path": path, "error": str(exc)}


def _lists(timer, admin, staff_one, staff_all, args, say):
    """Each list page in the steady state (figures cached where a page caches them) and on the first
    view after a data change; the admin changelist; queries for 1 and for 342 municipalities."""
    out = {}
    for name, path, admin_path in LIST_PAGES:
        entry = _measured(timer, admin, path, repeat=args.requests, warmup=3 * args.workers)
        entry["after_change"] = _measured(timer, admin, path, repeat=args.requests, before=_changed)
        if admin_path:
            entry["admin"] = _measured(timer, admin, admin_path, repeat=args.requests)
        # The same page for one municipality and for all 342, computed: the query count must not change.
        one = _measured(timer, staff_one, path, repeat=1, warmup=1, minimum=1, before=_changed)
        every = _measured(timer, staff_all, path, repeat=1, warmup=1, minimum=1, before=_changed)
        entry["queries_one_municipality"] = one.get("queries", one.get("error"))
        entry["queries_all_municipalities"] = every.get("queries", every.get("error"))
        out[name] = entry
        admin_ms = entry.get("admin", {}).get("total_ms_median")
        say(f"{path}: {entry.get('total_ms_median')} ms ({entry.get('queries')} q), admin {admin_ms} ms")
    return out


def _signals_vs_households(timer, admin, args, say):
    """The signals page and the households list requested in turn, as seen again and on the first
    view after a data change: measured one after the other (as the lists section does), the load of
    other processes on a shared machine can differ between the two by more than the ratio judged."""
    out = {}
    for state, before in [("steady", None), ("after_change", _changed)]:
        try:
            out[state] = _alternating(timer, admin, SIGNALS_COMPARED, repeat=args.requests, before=before)
        except BenchError as exc:
            out[state] = {"error": str(exc)}
            continue
        say(
            f"{state}: /signals/ {out[state]['signals'].get('total_ms_median')} ms, "
            f"/households/ {out[state]['households'].get('total_ms_median')} ms (in turn)"
        )
    return out


def _alternating(timer, session, paths, *, repeat, before=None, warmup=2):
    """{name: summary} of the pages of `paths` ({name: path}) requested in turn, `repeat` times each
    after `warmup` rounds; `before()` runs before every request."""
    before = before or (lambda: None)
    samples = {name: [] for name in paths}
    for round_number in range(warmup + repeat):
        for name, path in paths.items():
            before()
            sample = timer.get(session, path)
            if round_number >= warmup:
                samples[name].append(sample)
    return {name: {"path": paths[name], **summarise(found)} for name, found in samples.items()}


def _api_lists(timer, api, staff_all, args, say):
    """Each API list endpoint against the matching HTML list page, both for municipal staff with
    every municipality (same scope, same page size of 25), the page in its steady state."""
    out = {}
    for name, path, page in API_LISTS:
        entry = _measured(timer, api, path, repeat=args.requests, warmup=3 * args.workers)
        entry["page"] = _measured(timer, staff_all, page, repeat=args.requests, warmup=3 * args.workers)
        out[name] = entry
        say(
            f"{path}: {entry.get('total_ms_median')} ms ({entry.get('queries')} q), "
            f"page {entry['page'].get('total_ms_median')} ms"
        )
    return out


def _exports(timer, server, admin, staff_one, setup, args, say):
    out = {}
    for template in EXPORTS:
        path = "/reports/" + template.format(region=setup["region"]["pk"]) + ".csv"
        try:
            with RssSampler(server.worker_pids()) as sampler:
                # The first request is the warm-up, and also counts for memory (a worker's first
                # full export is where it would grow). Repeats stop after EXPORT_BUDGET seconds.
                measured = timer.measure(
                    admin,
                    path,
                    repeat=args.export_requests,
                    warmup=1,
                    stream=True,
                    budget=EXPORT_BUDGET,
                    minimum=1,
                )
        except BenchError as exc:
            out[template] = {"path": path, "error": str(exc)}
            say(f"{path}: {exc}")
            continue
        entry = {"path": path, **measured, "memory": sampler.result()}
        try:
            entry["queries_one_municipality"] = timer.get(staff_one, path, stream=True).get("queries")
        except BenchError as exc:  # e.g. a region outside the staff member's scope: 404
            entry["queries_one_municipality"] = str(exc)
        baseline = _copy_baseline(template, setup)
        if baseline:
            entry["copy"] = baseline
        out[template] = entry
        say(
            f"{path}: {entry['wall_ms_median']} ms, {entry['bytes']} bytes, "
            f"+{entry['memory']['growth_mib']} MiB"
        )
    return out


def _copy_baseline(template, setup, repeat=3):
    """PostgreSQL COPY … TO STDOUT of the export's own query, over the same loopback."""
    if template != "placements":
        return None
    import statistics

    import psycopg
    from django.contrib.auth import get_user_model
    from django.db import connection

    from figures.selection import build_selection
    from reports import placements

    admin = get_user_model().objects.get(username=setup["users"]["admin"])
    selection = build_selection(admin, {}, personal=True, strict=True)
    queryset = placements.placements_queryset(admin, selection).values_list(*placements._FIELDS[:-1])
    sql, params = queryset.query.sql_with_params()
    connection.ensure_connection()
    query = psycopg.ClientCursor(connection.connection).mogrify(sql, params)
    copy_sql = f"COPY ({query}) TO STDOUT WITH (FORMAT csv, DELIMITER ';', HEADER)"
    url = os.environ["DATABASE_URL"]
    times, size = [], 0
    with psycopg.connect(url, options="-c jit=off") as conn:  # as the application's connections
        for _i in range(repeat + 1):
            started = time.perf_counter()
            size = 0
            with conn.cursor() as cursor, cursor.copy(copy_sql) as copy:
                for block in copy:
                    size += len(block)
            times.append((time.perf_counter() - started) * 1000)
    times = times[1:]
    return {
        "wall_ms_median": round(statistics.median(times), 1),
        "bytes": size,
        "sql": "the export's queryset",
    }


def _throughput(server, staff_one, args, say):
    cookie = cookie_header(staff_one)
    check = staff_one.get(server.base_url + "/dashboard/", allow_redirects=False, timeout=60)
    if check.status_code != 200:
        raise BenchError(f"municipal dashboard answers {check.status_code} before the load test")
    out = {}
    for name, path, with_cookie in [
        ("healthz", "/healthz", False),
        ("municipal dashboard", "/dashboard/", True),
    ]:
        # While the dashboard is under load the data changes every CHANGE_INTERVAL seconds, so cached
        # figures are computed again during the run and the rate includes that work.
        with _Changes(CHANGE_INTERVAL if with_cookie else None) as changes:
            result = load(
                server.base_url + path,
                cookie if with_cookie else None,
                seconds=args.seconds,
                connections=args.connections,
            )
        out[name] = {"path": path, **result, "data_changes": changes.count}
        say(
            f"{path}: {out[name]['rps']} requests/s, {out[name]['errors']} errors ({out[name]['tool']}), "
            f"{changes.count} data changes"
        )
    check = staff_one.get(server.base_url + "/dashboard/", allow_redirects=False, timeout=60)
    if check.status_code != 200:
        raise BenchError(f"municipal dashboard answers {check.status_code} after the load test")
    return out


class _Changes:
    """A thread that makes a data change every `interval` seconds (none when interval is None)."""

    def __init__(self, interval):
        import threading

        self.interval, self.count = interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        from django.db import connection

        try:
            while not self._stop.wait(self.interval):
                _changed()
                self.count += 1
        finally:
            connection.close()

    def __enter__(self):
        if self.interval:
            self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        if self.interval:
            self._thread.join()


def _git_commit():
    try:
        command = ["git", "rev-parse", "--short", "HEAD"]
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S603,S607
        return result.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def _redacted(url):
    parts = urlsplit(url)
    netloc = parts.netloc.split("@")[-1]
    return urlunsplit(parts._replace(netloc=netloc))


if __name__ == "__main__":
    sys.exit(main())
