"""Matching in the browser (issue 16): a pioneer finds who fits the last free place of the parsonage,
reads why the others do not, proposes the household; the municipality accepts, and the household
is placed, and the forecast's realised figure for the next checkpoint goes up by one — no admin, no
typed address."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, context_args, login

DUTCH = context_args(locale="nl-NL")

pytestmark = pytest.mark.e2e


def test_pioneer_proposes_the_municipality_accepts_and_the_household_is_placed(
    new_context, live_server, demo_data
):
    from housing.models import Property
    from residents.models import Placement

    base = live_server.url
    parsonage = Property.objects.get(name="Pastorie Noorderkerk")
    page = new_context(**DUTCH).new_page()
    login(page, base, demo_data.users["pioneer"], PASSWORD)
    realised_before = realised_so_far(page, base)

    page.goto(f"{base}/waiting/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Wachtende huishoudens")
    page.goto(f"{base}{parsonage.get_absolute_url()}")
    page.get_by_role("link", name="Wie past hier").click()
    expect(page.get_by_role("heading", level=2, name="1 huishouden past")).to_be_visible()
    not_fitting = page.get_by_role("table").filter(has_text="Huishoudens die niet passen")
    expect(not_fitting).to_contain_text("Nareis verwacht: 3 erbij in")
    expect(not_fitting).to_contain_text("Heeft een open voorstel voor Kantoor Oosterhamrikkade.")
    fitting = page.get_by_role("table").filter(has_text="Huishoudens die passen, op volgorde")
    reference = fitting.get_by_role("rowheader").first.inner_text()
    fitting.get_by_role("link", name=re.compile("^Voorstellen")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{reference} voorstellen")
    page.get_by_role("button", name="Voorstellen").click()
    expect(page.get_by_role("status")).to_contain_text(f"Huishouden {reference} is voorgesteld")
    proposal_url = page.url

    # The municipality decides.
    page = new_context(**DUTCH).new_page()
    login(page, base, demo_data.users["staff"], PASSWORD)
    page.goto(f"{base}/proposals/")
    page.get_by_role("link", name=re.compile(f"{reference} → Pastorie Noorderkerk")).click()
    assert page.url == proposal_url
    page.get_by_label("Accepteren: het huishouden plaatsen").check()
    page.get_by_role("button", name="Besluit opslaan").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Geaccepteerd: huishouden {reference} is geplaatst in Pastorie Noorderkerk"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    expect(page.locator("#placements-title ~ div table")).to_contain_text("Pastorie Noorderkerk")
    assert Placement.objects.filter(property=parsonage, resident__household__reference=reference).count() == 1

    assert realised_so_far(page, base) == realised_before + 1

    # The parsonage is full now: nobody fits any more, and the page says why.
    page.goto(f"{base}/properties/{parsonage.pk}/matches/")
    expect(page.get_by_role("heading", level=2, name="0 huishoudens passen")).to_be_visible()


def realised_so_far(page, base):
    """'Realised so far' for the next checkpoint in Groningen's forecast (its municipality page)."""
    page.goto(f"{base}/municipalities/GM0014/")
    table = page.get_by_role("table").filter(has=page.locator("#forecast-checkpoints-caption"))
    cell = table.locator("tbody tr").first.locator("td").nth(1)
    return int(cell.inner_text().replace(".", ""))
