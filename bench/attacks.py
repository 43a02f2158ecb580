"""Re-run the findings of issue 19 (security) against a running server, and count what still works.

    .venv/bin/python -m bench.attacks [--only races,edits,...] [--workers 4]

Gunicorn with 4 sync workers on 127.0.0.1 (bench/server.py), production settings (DEBUG off, second
factor on), on PostgreSQL in its own database (`ATTACKS_DATABASE_URL`, default
postgres://postgres@127.0.0.1:5432/thuisgevers_attacks): the owner role migrates and prepares the
data; the server runs as an application role made with the README's two-role statements. Behind a
"proxy" (TRUSTED_PROXY_COUNT=1, TRUSTED_PROXIES=127.0.0.2): clients that connect from 127.0.0.2 may
name their address in X-Forwarded-For, clients from 127.0.0.1 may not. X-Forwarded-For values are
documentation addresses (TEST-NET); no traffic leaves the loopback.

Each attack is a small function that returns how often it was tried and how often it succeeded,
measured in the answers and the database, never assumed. "Succeeded" is the attacker's success:
0 is the goal everywhere. The table is printed and written to bench-results/<stamp>-attacks.json.
docs/security.md has the figures of the last run.
"""

import argparse
import datetime as dt
import html
import io
import json
import os
import re
import secrets
import signal
import sys
import threading
import time
import zipfile
from html.parser import HTMLParser
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter

from bench.client import BenchError, sign_in
from bench.server import ROOT, Gunicorn, free_port

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/thuisgevers_attacks"
APP_ROLE = "thuisgevers_attacks_app"
PROXY_ADDRESS = "127.0.0.2"
CONCURRENT = 20
SECTIONS = ["races", "lowering", "edits", "walk", "log", "signin", "imports", "errors"]


# --- HTTP helpers --------------------------------------------------------------------------------


class _SourceAddressAdapter(HTTPAdapter):
    """Connects from a chosen loopback address (the trusted "proxy" is 127.0.0.2)."""

    def __init__(self, source, **kwargs):
        self.source = source
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


def _session(source=None):
    session = requests.Session()
    if source:
        adapter = _SourceAddressAdapter(source)
        session.mount("http://", adapter)
    return session


class _FormParser(HTMLParser):
    """The fields of the forms of a page, as a browser would send them (first submit button left out)."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"action": attrs.get("action"), "fields": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._form["fields"][attrs["name"]] = attrs.get("value", "on" if kind == "checkbox" else "")
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self._form["fields"].setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self._form["fields"][self._select] = attrs.get("value", "")
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self._form["fields"][self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form["fields"][self._textarea] += data


def form_fields(page_html, *, containing):
    """The fields of the first form on the page that has a field named `containing`."""
    parser = _FormParser()
    parser.feed(page_html)
    for form in parser.forms:
        if containing in form["fields"]:
            return dict(form["fields"])
    raise BenchError(f"no form with a field {containing!r} on the page")


def csrf_of(page_html):
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page_html)
    if not match:
        raise BenchError("no CSRF token on the page")
    return html.unescape(match.group(1))


def fire_at_once(calls):
    """Run every call in its own thread, released together by a barrier; returns the results (an
    exception object for a call that raised), in the order of `calls`."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=60)
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - reported as a result
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results


def post_later(session, url, data):
    """A call that posts `data` to `url` (for fire_at_once), without following the redirect."""
    return lambda: session.post(url, data=data, allow_redirects=False, timeout=120)


def status(result):
    return result.status_code if isinstance(result, requests.Response) else type(result).__name__


# --- data ----------------------------------------------------------------------------------------


class World:
    """Users and records the attacks use, made through the ORM as the owner role."""

    def __init__(self, base_url, password):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from housing import scope
        from housing.models import Municipality, UserScope

        self.base_url, self.password = base_url, password
        self.home = Municipality.objects.get(cbs_code="GM0014")  # Groningen
        self.foreign = Municipality.objects.get(cbs_code="GM0344")  # Utrecht
        self.keys, self.usernames = {}, {}
        user_model = get_user_model()

        def user(name, *, role=None, superuser=False, municipalities=()):
            account, _created = user_model.objects.get_or_create(username=name)
            account.is_superuser = account.is_staff = superuser
            account.is_active = True
            account.set_password(password)
            account.save()
            account.groups.set([Group.objects.get_or_create(name=role)[0]] if role else [])
            user_scope, _created = UserScope.objects.get_or_create(user=account)
            user_scope.municipalities.set(municipalities)
            TOTPDevice.objects.filter(user=account).delete()
            self.keys[name] = TOTPDevice.objects.create(user=account, name="attacks", confirmed=True).key
            return account

        self.admins = [user(f"attack_admin_{i}", superuser=True) for i in range(CONCURRENT)]
        self.staff = [
            user(f"attack_staff_{i}", role=scope.MUNICIPAL_STAFF, municipalities=[self.home])
            for i in range(2)
        ]
        self.target = user("attack_target", role=scope.MUNICIPAL_STAFF, municipalities=[self.home])
        self._sessions = {}

    def signed_in(self, account):
        name = account.get_username()
        if name not in self._sessions:
            self._sessions[name] = sign_in(self.base_url, name, self.password, totp_key=self.keys[name])
        return self._sessions[name]

    def property(self, *, capacity=2, occupied=1, municipality=None):
        """A property in use with `occupied` people living there since last month."""
        from housing.models import Property
        from residents import services

        prop = Property.objects.create(
            name=f"Aanvalspastorie {secrets.token_hex(3)}",
            street="Kerkstraat",
            house_number=str(secrets.randbelow(900) + 1),
            postcode="9711 AB",
            place="Groningen",
            municipality=municipality or self.home,
            kind=Property.Kind.PARSONAGE,
            capacity=capacity,
            status=Property.Status.IN_USE,
            funding=Property.Funding.HAR,
        )
        start = _today() - dt.timedelta(days=30)
        for household in self.households(occupied, municipality=municipality):
            services.place_household(household=household, property=prop, kind="har", start_date=start)
        return prop

    def households(self, count, *, municipality=None):
        from residents.models import Household, Resident

        made = []
        for _ in range(count):
            household = Household.objects.create(municipality=municipality or self.home, category="regular")
            Resident.objects.create(
                household=household,
                v_number=f"{secrets.randbelow(9 * 10**9) + 10**9}",
                given_name="Amal",
                family_name=f"Haddad{secrets.token_hex(2)}",
                birth_date=dt.date(1990, 5, 17),
            )
            made.append(household)
        return made


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _occupied(prop, day=None):
    from residents.models import Placement

    return Placement.objects.filter(property=prop).active_on(day or _today()).count()


def _log_rows(**filters):
    from accesslog.models import AccessLogEntry

    return AccessLogEntry.objects.filter(**filters).count()


# --- the attacks -----------------------------------------------------------------------------------


def attack_admin_placement_race(world, trials=3):
    """(1) 20 admin placement adds at once into a property with 1 free place; succeeded = a trial in
    which more people were placed than there are places."""
    from django.urls import reverse

    url = world.base_url + reverse("admin:residents_placement_add")
    sessions = [world.signed_in(admin) for admin in world.admins]
    over, saved = 0, []
    for _trial in range(trials):
        prop = world.property(capacity=2, occupied=1)
        residents = [h.residents.get() for h in world.households(CONCURRENT)]
        tokens = [csrf_of(s.get(url, timeout=60).text) for s in sessions]
        calls = [
            post_later(
                s,
                url,
                {
                    "csrfmiddlewaretoken": t,
                    "resident": r.pk,
                    "property": prop.pk,
                    "kind": "har",
                    "start_date": _today().isoformat(),
                },
            )
            for s, r, t in zip(sessions, residents, tokens, strict=True)
        ]
        results = fire_at_once(calls)
        saved.append(sum(1 for r in results if status(r) == 302))
        if _occupied(prop) > prop.capacity:
            over += 1
    return {"tried": trials, "succeeded": over, "detail": f"saved per trial: {saved} (1 free place each)"}


def _admin_property_data(prop, **changes):
    data = {
        "name": prop.name,
        "street": prop.street,
        "house_number": prop.house_number,
        "postcode": prop.postcode,
        "place": prop.place,
        "municipality": prop.municipality_id,
        "kind": prop.kind,
        "owner": prop.owner_id or "",
        "capacity": prop.capacity,
        "status": prop.status,
        "funding": prop.funding,
        "notes": prop.notes,
        "placements-TOTAL_FORMS": "0",
        "placements-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def attack_capacity_lowering_race(world, rounds=8):
    """(2) Capacity 2 → 1 in the admin at the same moment as a placement into the one free place;
    succeeded = a round that ends with more people than places."""
    from django.urls import reverse

    lowerer, placer = world.signed_in(world.admins[0]), world.signed_in(world.admins[1])
    over, outcomes = 0, []
    for _round in range(rounds):
        prop = world.property(capacity=2, occupied=1)
        resident = world.households(1)[0].residents.get()
        change_url = world.base_url + reverse("admin:housing_property_change", args=[prop.pk])
        add_url = world.base_url + reverse("admin:residents_placement_add")
        lower_token, place_token = csrf_of(lowerer.get(change_url).text), csrf_of(placer.get(add_url).text)
        lowering = {**_admin_property_data(prop, capacity=1), "csrfmiddlewaretoken": lower_token}
        placing = {
            "csrfmiddlewaretoken": place_token,
            "resident": resident.pk,
            "property": prop.pk,
            "kind": "har",
            "start_date": _today().isoformat(),
        }
        results = fire_at_once(
            [post_later(lowerer, change_url, lowering), post_later(placer, add_url, placing)]
        )
        prop.refresh_from_db()
        outcomes.append(f"{status(results[0])}/{status(results[1])}")
        if _occupied(prop) > prop.capacity:
            over += 1
    return {"tried": rounds, "succeeded": over, "detail": "lower/place answers: " + ", ".join(outcomes)}


def attack_lost_update(world, rounds=10):
    """(3) Two civil servants open the same property's edit page and save different notes at the same
    moment; succeeded = both are told "saved" (the second silently undid the first)."""
    from django.urls import reverse

    first, second = world.signed_in(world.staff[0]), world.signed_in(world.staff[1])
    lost, outcomes = 0, []
    for index in range(rounds):
        prop = world.property(capacity=4, occupied=0)
        url = world.base_url + reverse("property_edit", args=[prop.pk])
        forms = [form_fields(s.get(url).text, containing="capacity") for s in (first, second)]
        for number, form in enumerate(forms):
            form["notes"] = f"round {index}, editor {number}"
        results = fire_at_once([post_later(s, url, f) for s, f in zip((first, second), forms, strict=True)])
        outcomes.append("/".join(str(status(r)) for r in results))
        if all(status(r) == 302 for r in results):
            lost += 1
    return {"tried": rounds, "succeeded": lost, "detail": "answers: " + ", ".join(outcomes)}


def attack_access_log_walk(world):
    """(4) Every page and admin view that shows personal data, opened once: succeeded = a page shown
    (200) without a new access-log row. Then records of another municipality, by address and by a
    posted id: succeeded = shown, or refused without a refused row in the log."""
    from django.urls import reverse

    from residents.models import Placement

    staff, admin = world.signed_in(world.staff[0]), world.signed_in(world.admins[0])
    prop = world.property(capacity=3, occupied=1)
    placement = Placement.objects.filter(property=prop).select_related("resident__household").get()
    resident, household = placement.resident, placement.resident.household
    pages = [
        (staff, reverse("household_list")),
        (staff, reverse("household_detail", args=[household.pk])),
        (staff, reverse("resident_create", args=[household.pk])),
        (staff, reverse("resident_edit", args=[resident.pk])),
        (staff, reverse("placement_list")),
        (staff, reverse("placement_edit", args=[placement.pk])),
        (staff, reverse("search") + "?q=" + resident.family_name),
        (staff, reverse("signal_list")),
        (staff, "/reports/placements.csv"),
        (admin, reverse("admin:residents_household_change", args=[household.pk])),
        (admin, reverse("admin:residents_resident_change", args=[resident.pk])),
        (admin, reverse("admin:residents_resident_changelist")),
        (admin, reverse("admin:residents_placement_change", args=[placement.pk])),
        (admin, reverse("admin:auditlog_logentry_changelist")),
    ]
    # Pages with pseudonymous references only (no names, V-numbers, birth dates or care), which the
    # project logs by design neither (docs/access-log.md): opened, and reported apart.
    pseudonymous = [
        reverse("household_edit", args=[household.pk]),
        reverse("property_detail", args=[prop.pk]),
        reverse("admin:residents_household_changelist"),
        reverse("admin:residents_placement_changelist"),
    ]
    unlogged = []
    for session, path in pages:
        before = _log_rows(result="success")
        response = session.get(world.base_url + path, allow_redirects=False, timeout=120)
        if response.status_code == 200 and _log_rows(result="success") == before:
            unlogged.append(path)
    foreign_prop = world.property(capacity=3, occupied=1, municipality=world.foreign)
    foreign = Placement.objects.filter(property=foreign_prop).select_related("resident__household").get()
    own_household = world.households(1)[0]
    refusals = [
        ("GET", reverse("household_detail", args=[foreign.resident.household_id]), None),
        ("GET", reverse("resident_edit", args=[foreign.resident_id]), None),
        ("GET", reverse("placement_edit", args=[foreign.pk]), None),
        ("GET", reverse("property_edit", args=[foreign_prop.pk]), None),
        (
            "POST",
            reverse("placement_create"),
            {"household": own_household.pk, "property": foreign_prop.pk, "kind": "har"},
        ),
        ("POST", reverse("household_move", args=[own_household.pk]), {"property": foreign_prop.pk}),
        ("POST", reverse("match_create"), {"household": foreign.resident.household_id}),
    ]
    leaks = []
    for method, path, extra in refusals:
        before = _log_rows(result="refused")
        if method == "GET":
            response = staff.get(world.base_url + path, allow_redirects=False, timeout=60)
            shown = response.status_code == 200
        else:
            page_path = path if "move" in path else path + ("?household=" + str(own_household.pk))
            page = staff.get(world.base_url + page_path, timeout=60).text
            data = {
                "csrfmiddlewaretoken": csrf_of(page),
                "start_date": _today().isoformat(),
                "day": "",
                **extra,
            }
            response = staff.post(world.base_url + path, data=data, allow_redirects=False, timeout=60)
            shown = response.status_code == 302  # saved
        if shown or _log_rows(result="refused") == before:
            leaks.append(f"{method} {path} ({response.status_code})")
    return [
        {
            "finding": "(4a) personal-data pages without an access-log row",
            "tried": len(pages),
            "succeeded": len(unlogged),
            "detail": (", ".join(unlogged) or "every page wrote its rows")
            + f"; pseudonymous pages, not logged by design: {_unlogged(staff, admin, world, pseudonymous)}",
        },
        {
            "finding": "(4b) foreign records shown, or refused without a log row",
            "tried": len(refusals),
            "succeeded": len(leaks),
            "detail": ", ".join(leaks) or "all refused (404 or form error) and logged as refused",
        },
    ]


def _unlogged(staff, admin, world, paths):
    """How many of the pseudonymous pages answered 200 without a log row (expected: all)."""
    count = 0
    for path in paths:
        session = admin if path.startswith("/admin/") else staff
        before = _log_rows(result="success")
        if (
            session.get(world.base_url + path, timeout=60).status_code == 200
            and _log_rows(result="success") == before
        ):
            count += 1
    return f"{count} of {len(paths)}"


LOG, SEALS, TRIGGER = "accesslog_accesslogentry", "accesslog_accesslogseal", "accesslog_append_only"


def attack_access_log(world, app_url):
    """(5) As the application's database role: change, remove, truncate or unprotect the log;
    succeeded = a statement that went through (each in a transaction that is rolled back). Then as
    the owner, with the trigger set aside: change a sealed row; succeeded = verify_access_log does not
    notice."""
    import psycopg
    from django.db import connection

    from accesslog.seal import seal, verify

    # Table names of our own models, no input.
    statements = [
        f"UPDATE {LOG} SET actor_username = 'x'",  # noqa: S608
        f"DELETE FROM {LOG}",  # noqa: S608
        f"TRUNCATE {LOG}",
        f"ALTER TABLE {LOG} DISABLE TRIGGER {TRIGGER}",
        f"DROP TRIGGER {TRIGGER} ON {LOG}",
        "SET session_replication_role = replica",
        f"UPDATE {SEALS} SET digest = digest",  # noqa: S608
        f"DELETE FROM {SEALS}",  # noqa: S608
    ]
    went_through, refused_by = [], []
    with psycopg.connect(app_url) as conn:
        for sql in statements:
            try:
                with conn.transaction():
                    conn.execute(sql)
                    went_through.append(sql)
                    raise _Rollback
            except _Rollback:
                pass
            except psycopg.Error as exc:
                refused_by.append(type(exc).__name__)
    rows = [
        {
            "finding": "(5a) log changed or unprotected as the application role",
            "tried": len(statements),
            "succeeded": len(went_through),
            "detail": "; ".join(went_through) or "all refused: " + ", ".join(sorted(set(refused_by))),
        }
    ]

    # The owner (who runs migrate) can set the trigger aside; the hash chain still tells.
    seal(now=dt.datetime.now(dt.UTC) + dt.timedelta(hours=2))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, actor_username FROM {LOG} ORDER BY id LIMIT 1")  # noqa: S608
        row_id, original = cursor.fetchone()
        before = len(verify())
        cursor.execute(f"ALTER TABLE {LOG} DISABLE TRIGGER {TRIGGER}")
        cursor.execute(f"UPDATE {LOG} SET actor_username = %s WHERE id = %s", ["someone_else", row_id])  # noqa: S608
        cursor.execute(f"ALTER TABLE {LOG} ENABLE TRIGGER {TRIGGER}")
        after = verify()
        cursor.execute(f"ALTER TABLE {LOG} DISABLE TRIGGER {TRIGGER}")
        cursor.execute(f"UPDATE {LOG} SET actor_username = %s WHERE id = %s", [original, row_id])  # noqa: S608
        cursor.execute(f"ALTER TABLE {LOG} ENABLE TRIGGER {TRIGGER}")
    undetected = 1 if before == 0 and not after else 0
    rows.append(
        {
            "finding": "(5b) a sealed row changed by the owner, unnoticed by verify_access_log",
            "tried": 1,
            "succeeded": undetected,
            "detail": f"verify before: {before} findings; after the change: {len(after)} "
            f"({after[0].message if after else '-'}); restored after: {len(verify())}",
        }
    )
    return rows


class _Rollback(Exception):
    pass


THROTTLED = ("Te veel mislukte pogingen", "Too many failed attempts")


def _guess(base_url, username, password, *, forwarded=None, source=None):
    """One sign-in attempt; returns "accepted", "rejected" (password checked and wrong),
    "throttled" (refused before the password was checked) or "locked" (429)."""
    session = _session(source)
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    url = f"{base_url}/accounts/login/"
    page = session.get(url, headers=headers, timeout=60)
    response = session.post(
        url,
        data={"username": username, "password": password, "csrfmiddlewaretoken": csrf_of(page.text)},
        headers=headers,
        allow_redirects=False,
        timeout=120,
    )
    if response.status_code == 429:
        return "locked", response
    if response.status_code == 302:
        return "accepted", response
    if any(text in response.text for text in THROTTLED):
        return "throttled", response
    return "rejected", response


def attack_sign_in(world):
    """(6) 80 wrong passwords from 20 addresses (through the trusted proxy) for one account, at once;
    succeeded = a guess whose password was checked beyond the free ones (SIGNIN_FREE_FAILURES).
    Then the owner, from an address of their own: succeeded = still refused after waiting the delay
    the page names (at most a minute). Then an untrusted peer sending X-Forwarded-For: succeeded = a
    failure recorded under the forged address."""
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.db.models import Sum

    base, username = world.base_url, world.target.get_username()
    AccessAttempt.objects.filter(username=username).delete()
    addresses = [f"198.51.100.{n}" for n in range(1, 21)]
    calls = [
        lambda a=a, n=n: _guess(base, username, f"wrong-{a}-{n}", forwarded=a, source=PROXY_ADDRESS)[0]
        for a in addresses
        for n in range(4)
    ]
    outcomes = []
    for batch in range(0, len(calls), CONCURRENT):
        outcomes += fire_at_once(calls[batch : batch + CONCURRENT])
    checked = sum(1 for o in outcomes if o == "rejected")
    free = settings.SIGNIN_FREE_FAILURES
    rows = [
        {
            "finding": "(6a) password guesses checked beyond the free ones (80 from 20 addresses)",
            "tried": len(calls),
            "succeeded": max(0, checked - free),
            "detail": f"checked {checked} (free {free}), throttled {outcomes.count('throttled')}, "
            f"locked {outcomes.count('locked')}, other {[o for o in outcomes if not isinstance(o, str)][:2]}",
        }
    ]
    waited, outcome = 0.0, None
    started = time.monotonic()
    while time.monotonic() - started < 70:
        outcome, response = _guess(
            base, username, world.password, forwarded="203.0.113.10", source=PROXY_ADDRESS
        )
        if outcome == "accepted":
            break
        match = re.search(r"(\d+) seconde", response.text) or re.search(r"(\d+) second", response.text)
        pause = min(int(match.group(1)) if match else 5, 61)
        time.sleep(pause)
        waited += pause
    rows.append(
        {
            "finding": "(6b) the owner locked out by the stranger's guesses",
            "tried": 1,
            "succeeded": 0 if outcome == "accepted" else 1,
            "detail": f"owner's password accepted after waiting {waited:.0f} s"
            if outcome == "accepted"
            else outcome,
        }
    )
    spoofed = [f"203.0.113.{n}" for n in range(100, 105)]
    for address in spoofed:
        _guess(base, "attack_nobody", "wrong", forwarded=address)  # from 127.0.0.1: not a proxy
    recorded = AccessAttempt.objects.filter(username="attack_nobody", ip_address__in=spoofed).count()
    own = AccessAttempt.objects.filter(username="attack_nobody", ip_address="127.0.0.1").aggregate(
        n=Sum("failures_since_start")
    )["n"]
    rows.append(
        {
            "finding": "(6c) X-Forwarded-For forged by an untrusted peer believed",
            "tried": len(spoofed),
            "succeeded": recorded,
            "detail": f"failures recorded under the peer's own address 127.0.0.1: {own}",
        }
    )
    AccessAttempt.objects.filter(username__in=[username, "attack_nobody"]).delete()
    return rows


PROPERTY_HEADER = [
    "naam",
    "straat",
    "huisnummer",
    "postcode",
    "plaats",
    "gemeentecode",
    "soort",
    "aantal_plekken",
    "beschikbaar_vanaf",
    "beschikbaar_tot",
    "status",
    "financiering",
    "opmerkingen",
]


def _property_row(n, notes=""):
    return [
        f"P{n}",
        "Kerkstraat",
        str(n),
        "9711 AB",
        "Groningen",
        "GM0014",
        "pastorie",
        "4",
        "2026-07-01",
        "",
        "",
        "HAR",
        notes,
    ]


def _huge_xlsx(rows):
    """An XLSX of `rows` rows: openpyxl's workbook with its sheet replaced by raw sheet XML, a few
    hundred KB zipped and millions of rows unpacked."""
    from openpyxl import Workbook

    small = io.BytesIO()
    Workbook().save(small)
    out = io.BytesIO()
    with zipfile.ZipFile(small) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                book.writestr(item, source.read(item.filename))
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            header = "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in PROPERTY_HEADER)
            sheet.write(f"<row>{header}</row>".encode())
            chunk = b"<row><c><v>1</v></c></row>" * 10_000
            for _ in range(rows // 10_000):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def _csv(rows, encoding="utf-8", notes=""):
    text = ";".join(PROPERTY_HEADER) + "\r\n"
    text += "".join(";".join(_property_row(n, notes)) + "\r\n" for n in range(1, rows + 1))
    return text.encode(encoding)


def _preview(session, base_url, name, content, fmt):
    url = f"{base_url}/admin/housing/property/import/"
    token = csrf_of(session.get(url, timeout=60).text)
    return session.post(
        url,
        data={"csrfmiddlewaretoken": token, "format": fmt, "resource": 0},
        files={"import_file": (name, content)},
        allow_redirects=False,
        timeout=600,
    )


def attack_imports(world, server):
    """(7) A 2-million-row XLSX and a 100,000-row CSV: succeeded = a 500, a timeout or a worker that
    died. Latin-1 (Windows-1252) and UTF-16 CSV with accents: succeeded = the file was refused."""
    admin = world.signed_in(world.admins[0])
    base = world.base_url
    rows = []
    for label, name, make, fmt in [
        ("(7a) 2,000,000-row XLSX", "groot.xlsx", lambda: _huge_xlsx(2_000_000), 1),
        ("(7b) 100,000-row CSV", "groot.csv", lambda: _csv(100_000), 0),
    ]:
        content = make()
        workers = set(server.worker_pids())
        started = time.monotonic()
        try:
            response = _preview(admin, base, name, content, fmt)
            answer = response.status_code
            message = re.search(r"meer dan [\d.]+ rijen|groter dan|te groot", response.text)
        except requests.RequestException as exc:
            answer, message = type(exc).__name__, None
        seconds = time.monotonic() - started
        died = workers - set(server.worker_pids())
        failed = answer == 500 or not isinstance(answer, int) or bool(died)
        rows.append(
            {
                "finding": label,
                "tried": 1,
                "succeeded": int(failed),
                "detail": f"{len(content) / 1e6:.1f} MB, answer {answer} in {seconds:.1f} s"
                + (f" ({message.group(0)})" if message else "")
                + (f", workers died: {sorted(died)}" if died else ""),
            }
        )
    refused = []
    for encoding in ("cp1252", "utf-16"):
        response = _preview(admin, base, f"{encoding}.csv", _csv(3, encoding, notes="café Ærø"), 0)
        if "process_import" not in response.text:
            refused.append(f"{encoding} ({response.status_code})")
    rows.append(
        {
            "finding": "(7c) Latin-1 / UTF-16 CSV refused",
            "tried": 2,
            "succeeded": len(refused),
            "detail": ", ".join(refused) or "both previewed, ready to confirm",
        }
    )
    return rows


def attack_server_errors(world):
    """(8) The addresses that answered 500 in issue 19: succeeded = a 500 now."""
    admin = world.signed_in(world.admins[0])
    base = world.base_url
    answers = {}
    for path in [
        "/admin/auditlog/logentry/?resource_type=1,2",
        "/admin/residents/household/?created_at__year=" + "9" * 40,
    ]:
        answers[path] = admin.get(base + path, allow_redirects=False, timeout=60).status_code
    preview = _preview(admin, base, "een.csv", _csv(1), 0)
    confirm = form_fields(preview.text, containing="import_file_name")
    for field, value in [
        ("import_file_name", "../../etc/passwd"),
        ("import_file_name", "0" * 32),
        ("resource", "7"),
    ]:
        data = {**confirm, field: value}
        response = admin.post(
            base + "/admin/housing/property/process_import/", data=data, allow_redirects=False
        )
        answers[f"confirm with {field}={value}"] = response.status_code
    errors = [f"{k}: {v}" for k, v in answers.items() if v >= 500]
    return {
        "tried": len(answers),
        "succeeded": len(errors),
        "detail": ", ".join(f"{v}" for v in answers.values()) + (" — " + "; ".join(errors) if errors else ""),
    }


# --- running it ----------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.attacks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8250)
    parser.add_argument("--only", help="comma-separated: " + ",".join(SECTIONS))
    args = parser.parse_args(argv)
    sections = (args.only or ",".join(SECTIONS)).split(",")
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    owner_url = os.environ.get("ATTACKS_DATABASE_URL") or DEFAULT_DATABASE_URL
    if not owner_url.startswith(("postgres://", "postgresql://")):
        print("bench.attacks needs PostgreSQL: set ATTACKS_DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    from bench.run import _ensure_database, _production_env, _static_outdated

    env = _production_env(owner_url)
    env.update(TRUSTED_PROXY_COUNT="1", TRUSTED_PROXIES=f"{PROXY_ADDRESS}/32")
    os.environ.update(env)
    _ensure_database(owner_url)
    import django

    django.setup()
    from django.core.management import call_command

    started = time.monotonic()
    print("migrate (owner role)", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    if _static_outdated():
        print("collectstatic", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)
    app_url = _application_role(owner_url)
    password = secrets.token_urlsafe(18)
    results_dir = ROOT / "bench-results"
    results_dir.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    server_env = {**env, "DATABASE_URL": app_url}
    port = free_port(args.port)
    table = []
    with Gunicorn(
        server_env, port=port, workers=args.workers, log_path=results_dir / f"{stamp}-attacks.log"
    ) as server:
        print(
            f"gunicorn on {server.base_url}, {args.workers} workers, as database role {APP_ROLE}", flush=True
        )
        world = World(server.base_url, password)
        plan = [
            (
                "races",
                "(1) 20 admin placement adds at once into 1 free place, 3 trials",
                lambda: attack_admin_placement_race(world),
            ),
            (
                "lowering",
                "(2) capacity lowered while placing, 8 rounds",
                lambda: attack_capacity_lowering_race(world),
            ),
            (
                "edits",
                "(3) two users saving one property at once, 10 rounds",
                lambda: attack_lost_update(world),
            ),
            ("walk", None, lambda: attack_access_log_walk(world)),
            ("log", None, lambda: attack_access_log(world, app_url)),
            ("signin", None, lambda: attack_sign_in(world)),
            ("imports", None, lambda: attack_imports(world, server)),
            (
                "errors",
                "(8) the listed 500s (2 admin filters, 3 tampered confirmations)",
                lambda: attack_server_errors(world),
            ),
        ]
        for section, finding, run in plan:
            if section not in sections:
                continue
            begun = time.monotonic()
            try:
                out = run()
            except Exception as exc:  # noqa: BLE001 - one broken attack does not stop the others
                out = {"tried": 0, "succeeded": None, "detail": f"attack failed to run: {exc!r}"}
            for row in out if isinstance(out, list) else [{"finding": finding, **out}]:
                row["seconds"] = round(time.monotonic() - begun, 1)
                table.append(row)
                print(
                    f"{row['finding']}: tried {row['tried']}, succeeded {row['succeeded']} — {row['detail']}",
                    flush=True,
                )
    print()
    print(markdown_table(table))
    out = results_dir / f"{stamp}-attacks.json"
    out.write_text(json.dumps({"started_at": stamp, "attacks": table}, indent=2, ensure_ascii=False) + "\n")
    print(f"\nJSON: {out.relative_to(ROOT)} ({time.monotonic() - started:.0f} s)")
    return 0 if all(row["succeeded"] == 0 for row in table) else 3


def markdown_table(table):
    lines = ["| finding | tried | succeeded | detail |", "|---|---:|---:|---|"]
    for row in table:
        lines.append(f"| {row['finding']} | {row['tried']} | {row['succeeded']} | {row['detail']} |")
    return "\n".join(lines)


def _application_role(owner_url):
    """The README's application role (no DDL, no UPDATE or DELETE on the log) and its address."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE])
        if not cursor.fetchone():
            cursor.execute(f"CREATE ROLE {APP_ROLE} LOGIN")
        name = connection.settings_dict["NAME"]
        for sql in [
            f'GRANT CONNECT ON DATABASE "{name}" TO {APP_ROLE}',
            f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}",
            f"REVOKE UPDATE, DELETE ON {LOG}, {SEALS} FROM {APP_ROLE}",
        ]:
            cursor.execute(sql)
    parts = urlsplit(owner_url)
    host = parts.netloc.split("@")[-1]
    return urlunsplit(parts._replace(netloc=f"{APP_ROLE}@{host}"))


if __name__ == "__main__":
    sys.exit(main())
