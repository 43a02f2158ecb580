"""The buddy, agreement and signal part of a working week, in the browser and without the admin:
a civil servant creates a buddy and starts and ends a match; a pioneer takes an agreement from
contact to signed with a contact moment and downloads its college proposal; a signal is handled with
a note and leaves the open list. Every edit shows in the page's change history."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, context_args, login

pytestmark = pytest.mark.e2e

ENGLISH = context_args(locale="en-GB")


def test_civil_servant_creates_a_buddy_and_starts_and_ends_a_match(new_context, live_server, demo_data):
    from tests.factories import HouseholdFactory, PlacementFactory, ResidentFactory, municipality

    household = HouseholdFactory(municipality=municipality("GM0014"))
    PlacementFactory(
        resident=ResidentFactory(household=household, family_name="Buddyloos"),
        start_date=dt.date.today() - dt.timedelta(days=20),
    )
    base = live_server.url
    page = new_context(**ENGLISH).new_page()
    login(page, base, demo_data.users["staff"], PASSWORD)

    page.goto(f"{base}/buddies/")
    page.get_by_role("link", name="New buddy").click()
    page.get_by_role("button", name="Save").click()  # bad input: nothing saved, says why
    expect(page.get_by_role("alert")).to_contain_text("This field is required")
    page.get_by_label("Name", exact=True).fill("Els E2E")
    page.get_by_label("Municipality").select_option(label="Groningen")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Buddy Els E2E has been saved")
    buddy_url = page.url

    page.get_by_role("link", name="Match with a household").click()
    page.get_by_label("Household").select_option(label=f"Buddyloos ({household.reference})")
    page.get_by_label("Start date").fill("2030-01-01")  # in the future: refused
    page.get_by_role("button", name="Save match").click()
    expect(page.get_by_role("alert")).to_contain_text("cannot start in the future")
    page.get_by_label("Start date").fill((dt.date.today() - dt.timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Save match").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Els E2E is now the buddy of Buddyloos ({household.reference})"
    )

    page.goto(buddy_url)
    page.get_by_role("link", name=re.compile("^End match with")).click()
    page.get_by_role("button", name="End match").click()
    expect(page.get_by_role("status")).to_contain_text("has ended")
    page.get_by_role("link", name=re.compile("^Correct match with")).click()
    history = page.get_by_role("table").filter(has_text="Changes, newest first")
    expect(history.get_by_role("row")).to_have_count(3)  # header, created, changed (ended)
    expect(history).to_contain_text(demo_data.users["staff"])


def test_pioneer_takes_an_agreement_from_contact_to_signed_and_downloads_the_proposal(
    new_context, live_server, demo_data
):
    base = live_server.url
    today = dt.date.today()
    page = new_context(**ENGLISH).new_page()
    login(page, base, demo_data.users["pioneer"], PASSWORD)

    page.goto(f"{base}/agreements/")
    page.get_by_role("link", name="New intent agreement").click()
    page.get_by_label("Municipality (lead)").select_option(label="Groningen")
    page.get_by_label("Committed persons").fill("24")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("at least 25")
    page.get_by_label("Committed persons").fill("30")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("has been saved")

    contact = page.get_by_role("form", name="Record a contact moment")
    contact.get_by_label("Kind").select_option("phone_call")
    contact.get_by_label("Summary").fill("Eerste gesprek met de wethouder")
    contact.get_by_role("button", name="Record contact moment").click()
    expect(page.get_by_role("status")).to_contain_text("contact moment has been recorded")

    step = page.get_by_role("form", name="Next step")
    step.get_by_label("Next status").select_option("signed")
    step.get_by_role("button", name="Change status").click()  # no college decision: refused
    expect(page.get_by_role("alert")).to_contain_text("college decision date is required")
    step = page.get_by_role("form", name="Next step")
    step.get_by_label("Next status").select_option("signed")
    step.get_by_label("College decision date").fill((today - dt.timedelta(days=7)).isoformat())
    step.get_by_label("Signed on").fill(today.isoformat())
    step.get_by_role("button", name="Change status").click()
    expect(page.get_by_role("status")).to_contain_text("is now ‘signed’")
    history = page.get_by_role("table").filter(has_text="Changes, newest first")
    expect(history).to_contain_text("Eerste gesprek")
    expect(history.get_by_role("row")).to_have_count(4)  # header, agreement created, activity, signed

    with page.expect_download() as info:
        page.get_by_role("link", name="Draft college proposal (Word)").click()
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    with open(download.path(), "rb") as handle:
        assert handle.read(2) == b"PK"  # a zip container: a Word document


def test_civil_servant_marks_a_signal_handled_and_it_leaves_the_open_list(
    new_context, live_server, demo_data
):
    from tests.factories import HouseholdFactory, PlacementFactory, ResidentFactory, municipality

    household = HouseholdFactory(municipality=municipality("GM0014"))
    PlacementFactory(
        resident=ResidentFactory(
            household=household, family_name="Signaal", gp_practice="", health_insurance="none"
        ),
        start_date=dt.date.today() - dt.timedelta(days=5),
    )
    base = live_server.url
    page = new_context(**ENGLISH).new_page()
    login(page, base, demo_data.users["staff"], PASSWORD)
    page.goto(f"{base}/signals/?kind=care_gap&ordering=-date")
    row = page.get_by_role("row").filter(has_text=household.reference)
    expect(row).to_contain_text("Signaal")
    row.get_by_role("link", name=re.compile("^Mark handled")).click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("a note is required")
    page.get_by_label("Note").fill("Huisarts gebeld, inschrijving volgt")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("The signal has been saved")
    assert page.url.endswith("/signals/?kind=care_gap&ordering=-date")  # the filter is kept
    expect(page.get_by_role("row").filter(has_text=household.reference)).to_have_count(0)
    page.get_by_label("State").select_option(label="Handled")
    page.get_by_role("button", name="Apply filters").click()
    handled = page.get_by_role("row").filter(has_text=household.reference)
    expect(handled).to_contain_text("Huisarts gebeld, inschrijving volgt")
    handled.get_by_role("link", name=re.compile("^Change state")).click()
    expect(page.get_by_role("table").filter(has_text="Changes, newest first")).to_contain_text(
        demo_data.users["staff"]
    )
