"""WCAG 2.1 AA in a real browser: axe-core on every page for every role, the keyboard, the language.

Every address of SPEC §7 is walked by each role that may open it; any axe violation fails the test and
is printed with the element it was found on. Screenshots of the walk land in test-artifacts/.
"""

import time

import pytest

from tests.e2e.conftest import MOBILE, axe_violations, format_violations, pages_for, screenshot

pytestmark = pytest.mark.e2e


def walk(page, base_url, paths, *, shot_prefix=None):
    """Open each path; return (problems, violations report). A page that does not answer 200, has no
    `lang="nl"` or scrolls sideways (wide tables scroll inside their own region) is a problem as much
    as an axe violation."""
    problems, reports = [], []
    for path in paths:
        started = time.monotonic()
        response = page.goto(base_url + path)
        loaded = time.monotonic()
        status = response.status if response else None
        if status != 200:
            problems.append(f"{path}: HTTP {status}")
            continue
        lang = page.locator("html").get_attribute("lang")
        if lang != "nl":
            problems.append(f'{path}: <html lang="{lang}">, expected "nl"')
        width, window = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if width > window:
            problems.append(f"{path}: the page is {width}px wide in a {window}px window (WCAG 1.4.10 reflow)")
        violations = axe_violations(page)
        if violations:
            reports.append(format_violations(path, violations))
        axed = time.monotonic()
        if shot_prefix:
            screenshot(page, f"{shot_prefix}{path}")
        timing = (
            f"load {loaded - started:.1f}s, axe {axed - loaded:.1f}s, shot {time.monotonic() - axed:.1f}s"
        )
        print(f"{path}: {timing}")
    return problems, reports


def assert_clean(problems, reports):
    message = "\n".join(problems + reports)
    assert not problems and not reports, f"\n{message}"


def test_login_page_passes_axe_in_dutch(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "nl"
    violations = axe_violations(page)
    screenshot(page, "desktop-login")
    assert not violations, format_violations("/accounts/login/", violations)


@pytest.mark.parametrize("role", ["staff", "pioneer", "coordinator", "supervisor"])
def test_every_page_passes_axe_for_role(role, demo_data, signed_in, live_server):
    page = signed_in(demo_data.users[role])
    prefix = "desktop-" if role == "staff" else None  # screenshots: the civil servant's view
    assert_clean(*walk(page, live_server.url, pages_for(demo_data, role), shot_prefix=prefix))


def test_coordinator_gets_the_no_access_page_for_personal_data_and_it_passes_axe(
    demo_data, signed_in, live_server
):
    page = signed_in(demo_data.users["coordinator"])
    response = page.goto(f"{live_server.url}/households/")
    assert response.status == 403
    assert page.locator("html").get_attribute("lang") == "nl"
    violations = axe_violations(page)
    assert not violations, format_violations("/households/ (coordinator)", violations)


MAIN_PAGES = ["/dashboard/", "/households/", "/properties/", "/signals/", "/placements/new/"]


def test_main_pages_pass_axe_at_mobile_width(demo_data, signed_in, live_server):
    page = signed_in(demo_data.users["staff"], viewport=MOBILE, is_mobile=True, has_touch=True)
    paths = [*MAIN_PAGES, f"/households/{demo_data.household.pk}/"]
    assert_clean(*walk(page, live_server.url, paths, shot_prefix="mobile-"))


# --- keyboard ----------------------------------------------------------------------------------------

FOCUSABLE = (
    "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), "
    "select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])"
)

# Marks every visible focusable element in the header and main with a number, so Tab's path can be
# compared with the set of controls a person must be able to reach.
MARK_FOCUSABLE = """(selector) => {
  const visible = (el) => {
    const s = getComputedStyle(el);
    return s.visibility !== 'hidden' && s.display !== 'none' && el.getClientRects().length > 0;
  };
  const els = [...document.querySelectorAll('header, nav, main')]
    .flatMap((root) => [...root.querySelectorAll(selector)]);
  const unique = [...new Set(els)].filter(visible);
  unique.forEach((el, i) => el.setAttribute('data-e2e-focus', String(i)));
  return unique.map((el) => el.outerHTML.slice(0, 120));
}"""

ACTIVE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const shadow = s.boxShadow && s.boxShadow !== 'none';
  return {
    mark: el.getAttribute('data-e2e-focus'),
    html: el.outerHTML.slice(0, 120),
    // False when focus is inside the element's own shadow tree (the date picker's calendar button),
    // which the browser draws its own focus ring for.
    ownFocus: el.matches(':focus'),
    focusVisible: el.matches(':focus-visible'),
    visibleIndicator: outline || shadow,
  };
}"""


def tab_through(page, limit=200):
    """Press Tab until focus leaves the page or returns to an element already seen."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        if active is None or (
            seen and active["html"] == seen[0]["html"] and active["mark"] == seen[0]["mark"]
        ):
            break
        seen.append(active)
    return seen


def test_tab_reaches_skip_link_first_and_it_moves_focus_to_main(demo_data, signed_in, live_server):
    page = signed_in(demo_data.users["staff"])
    page.goto(f"{live_server.url}/dashboard/")
    page.keyboard.press("Tab")
    first = page.evaluate(
        "() => ({href: document.activeElement.getAttribute('href'), "
        "text: document.activeElement.textContent.trim()})"
    )
    assert first["href"] == "#main", f"first Tab stop is {first}, not the skip link"
    assert page.evaluate("() => document.activeElement.matches(':focus-visible')")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    assert page.url.endswith("#main")


@pytest.mark.parametrize("path", ["/dashboard/", "/households/new/", "/placements/new/", "/properties/"])
def test_every_nav_link_and_form_control_is_reached_by_tab_with_visible_focus(
    path, demo_data, signed_in, live_server
):
    page = signed_in(demo_data.users["staff"])
    page.goto(f"{live_server.url}{path}")
    expected = page.evaluate(MARK_FOCUSABLE, FOCUSABLE)
    assert expected, f"{path}: no focusable elements found"
    page.locator("body").focus()
    seen = tab_through(page, limit=len(expected) + 40)
    reached = {s["mark"] for s in seen if s["mark"] is not None}
    missing = [html for i, html in enumerate(expected) if str(i) not in reached]
    assert not missing, f"{path}: not reachable by Tab:\n" + "\n".join(missing)
    invisible = [
        s["html"] for s in seen if s["ownFocus"] and not (s["focusVisible"] and s["visibleIndicator"])
    ]
    assert not invisible, f"{path}: focus not visible on:\n" + "\n".join(invisible)


def test_enter_in_the_password_field_submits_the_login_form(demo_data, page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Gebruikersnaam").fill(demo_data.users["staff"])
    page.get_by_label("Wachtwoord").fill("e2e-demo-password-2026")
    page.get_by_label("Wachtwoord").press("Enter")
    page.wait_for_url("**/dashboard/")
    assert page.get_by_role("heading", level=1).count() == 1


def test_switching_to_english_sets_html_lang_en(demo_data, signed_in, live_server):
    page = signed_in(demo_data.users["staff"])
    page.goto(f"{live_server.url}/dashboard/")
    assert page.locator("html").get_attribute("lang") == "nl"
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    violations = axe_violations(page)
    assert not violations, format_violations("/dashboard/ (en)", violations)
