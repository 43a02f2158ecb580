"""Every page fits at 1280 px (desktop) and at 375 px (phone), for every role that may open it: the
page never scrolls sideways, and no table is cut off inside its scrolling region (a table wider
than its box hides columns, as the progress column did on the dashboard). Stacked tables on the
phone show each label beside its value, not over it."""

import pytest

from tests.e2e.conftest import DESKTOP, MOBILE, pages_for, screenshot

pytestmark = pytest.mark.e2e

# For each table region wider than its box: the caption (or the first header) and both widths.
CUT_TABLES = """() => [...document.querySelectorAll('.table-wrapper')]
  .filter((box) => box.getClientRects().length && box.scrollWidth > box.clientWidth + 1)
  .map((box) => {
    const caption = box.querySelector('caption, th');
    const name = (caption ? caption.textContent : '?').trim().slice(0, 60);
    return `${name}: ${box.scrollWidth}px in ${box.clientWidth}px`;
  })"""

# Stacked cells whose label (the ::before grid item) and value share a line but overlap.
OVERLAPS = """() => {
  const found = [];
  for (const cell of document.querySelectorAll('.table--stack td[data-label]')) {
    const style = getComputedStyle(cell);
    if (style.display !== 'grid') continue;
    const label = parseFloat(getComputedStyle(cell, '::before').width) || 0;
    const columns = style.gridTemplateColumns.split(' ').map(parseFloat);
    if (columns.length >= 2 && label > columns[0] + 1) found.push(cell.dataset.label);
  }
  return [...new Set(found)].slice(0, 5);
}"""


def layout_problems(page, base_url, paths, size):
    problems = []
    for path in paths:
        response = page.goto(base_url + path)
        if response is None or response.status != 200:
            problems.append(f"{size} {path}: HTTP {response.status if response else None}")
            continue
        width, window = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if width > window:
            problems.append(f"{size} {path}: the page is {width}px wide in a {window}px window")
        for table in page.evaluate(CUT_TABLES):
            problems.append(f"{size} {path}: table cut off — {table}")
        for label in page.evaluate(OVERLAPS):
            problems.append(f"{size} {path}: stacked label “{label}” runs over its value")
    return problems


@pytest.mark.parametrize("role", ["staff", "pioneer", "coordinator"])
def test_every_page_fits_at_desktop_and_phone_width(role, demo_data, signed_in, live_server):
    paths = [p for p in pages_for(demo_data, role) if not p.startswith("/admin/")]
    problems = []
    desktop = signed_in(demo_data.users[role], viewport=DESKTOP)
    problems += layout_problems(desktop, live_server.url, paths, "1280px")
    phone = signed_in(demo_data.users[role], viewport=MOBILE, is_mobile=True, has_touch=True)
    problems += layout_problems(phone, live_server.url, paths, "375px")
    if role == "staff":
        screenshot(phone, "mobile-last-page")
    assert not problems, "\n" + "\n".join(problems)
