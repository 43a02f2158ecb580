"""A civil servant's week without the admin, in the browser: find a household by V-number and by a
misspelt name, add a reunified family member, extend a HAR stay with its reason, plan the next home
ahead and see the "ends within 8 weeks" signal go, end the stay for the whole household. Every edit
is in the audit history and the pages with personal data wrote the access log.

In English (the locators are the templates' msgids), like test_journeys.py."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, context_args, login, signal_rows

pytestmark = pytest.mark.e2e

ENDING_SOON = "Temporary placement ends within 8 weeks without a next home"


def search(page, text):
    box = page.get_by_role("search").first.get_by_label("Search by name, V-number, reference or birth date")
    box.fill(text)
    with page.expect_navigation():
        box.press("Enter")


def test_civil_servant_week_without_the_admin(new_context, live_server, demo_data):
    from accesslog.models import AccessLogEntry
    from residents.models import Placement, Resident
    from tests.factories import (
        HouseholdFactory,
        PlacementFactory,
        PropertyFactory,
        ResidentFactory,
        municipality,
    )

    today = dt.date.today()
    groningen = municipality("GM0014")
    har = PropertyFactory(name="Pastorie Week", municipality=groningen, capacity=6)
    PropertyFactory(name="Woning Week", municipality=groningen, capacity=4, kind="house")
    household = HouseholdFactory(municipality=groningen, reunification_expected_members=1)
    start = today - dt.timedelta(days=340)
    for given, number in (("Samira", "7700000001"), ("Karim", "7700000002")):
        resident = ResidentFactory(
            household=household, given_name=given, family_name="Haddad", v_number=number
        )
        PlacementFactory(
            resident=resident, property=har, start_date=start, planned_end=today + dt.timedelta(days=14)
        )
    base = live_server.url
    page = new_context(**context_args(locale="en-GB")).new_page()
    login(page, base, demo_data.users["staff"], PASSWORD)

    # Finds the household by V-number, and by a misspelt name.
    search(page, "7700000001")
    expect(page.get_by_role("table")).to_contain_text("Samira Haddad")
    search(page, "Karim Hadad")
    page.get_by_role("link", name="Karim Haddad").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(household.reference)
    household_url = page.url.split("#")[0]
    assert AccessLogEntry.objects.filter(action="list", subject_reference__startswith="BW-").exists()
    assert signal_rows(page, base, ENDING_SOON, household.reference) == 1

    # Adds a family member who arrived through family reunification, into the current placement.
    page.goto(household_url)
    page.get_by_role("link", name="Add a resident").click()
    page.get_by_label("V-number", exact=True).fill("7700000003")
    page.get_by_label("Given name").fill("Lina")
    page.get_by_label("Family name").fill("Haddad")
    page.get_by_label("Arrived on").fill(today.isoformat())
    page.get_by_role("button", name="Add resident").click()
    expect(page.get_by_role("status")).to_contain_text("Lina Haddad has been added")
    lina = Resident.objects.get(v_number="7700000003")
    assert lina.placements.get().property == har

    # Extends the HAR stay past 12 months: refused without a reason, saved with one.
    new_end = today + dt.timedelta(days=42)
    page.get_by_role("link", name="Extend the stay").click()
    page.get_by_label("New planned end").fill(new_end.isoformat())
    page.get_by_role("button", name="Extend").click()
    expect(page.locator(".form-field__error, .error-summary").first).to_be_visible()
    assert not Placement.objects.filter(planned_end=new_end).exists()
    page.get_by_label("Extension reason").fill("Wacht op nareis van de oudste zoon.")
    page.get_by_role("button", name="Extend").click()
    expect(page.get_by_role("status")).to_contain_text("is extended until")
    assert Placement.objects.filter(planned_end=new_end, extension_reason__startswith="Wacht").count() == 3
    assert signal_rows(page, base, ENDING_SOON, household.reference) == 1

    # Plans the next home ahead, starting on the planned end: the signal goes.
    page.goto(household_url)
    page.get_by_role("link", name="Move to the next home").click()
    choice = page.get_by_label("Next property").locator("option", has_text="Woning Week")
    page.get_by_label("Next property").select_option(choice.get_attribute("value"))
    page.get_by_label("Kind of placement").select_option("permanent")
    page.get_by_label("Moving day").fill(new_end.isoformat())
    page.get_by_role("button", name="Move household").click()
    expect(page.get_by_role("status")).to_contain_text("move to Woning Week")
    assert signal_rows(page, base, ENDING_SOON, household.reference) == 0

    # Ends the stay of the whole household later on.
    page.goto(household_url)
    page.get_by_role("link", name="End the stay of the whole household").click()
    page.get_by_label("Move-out date").fill((new_end + dt.timedelta(days=30)).isoformat())
    page.get_by_label("Outflow", exact=True).select_option("left")
    page.get_by_role("button", name="End all placements").click()
    expect(page.get_by_role("status")).to_contain_text("end on")
    assert not Placement.objects.filter(resident__household=household, end_date__isnull=True).exists()

    # Every edit is in the audit history, on the pages themselves.
    page.goto(f"{base}/residents/{lina.pk}/edit/")
    expect(page.get_by_role("table").filter(has_text="Changes, newest first")).to_contain_text("create")
    placement = Placement.objects.filter(resident=lina, property=har).get()
    page.goto(f"{base}/placements/{placement.pk}/edit/")
    history = page.get_by_role("table").filter(has_text="Changes, newest first")
    expect(history.get_by_role("row").filter(has_text="Wacht op nareis")).to_have_count(1)
    assert AccessLogEntry.objects.filter(subject_id=str(lina.pk), action="view").exists()
