"""The journeys of civil servant, pioneer and coordinator, as a person takes them in the browser:
by roles and labels only.

They run in English (the browser asks for it), so the locators are the msgids of the templates and
do not change when a Dutch translation is reworded. The Dutch pages are walked by
test_accessibility.py.
"""

import datetime as dt
import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, context_args, login, signal_rows

pytestmark = pytest.mark.e2e

ENGLISH = context_args(locale="en-GB")
QUOTA_HEADER = [
    "gemeentecode",
    "gemeente",
    "periode",
    "taakstelling",
    "achterstand_vorige_periode",
    "gerealiseerd",
    "tijdelijk_gehuisvest",
    "nog_te_huisvesten",
    "werkelijke_opgave",
]


def english_page(new_context):
    return new_context(**ENGLISH).new_page()


def resident(page, number):
    return page.get_by_role("group", name=f"Resident {number}")


def test_civil_servant_registers_places_cares_for_and_ends_a_household(new_context, live_server, demo_data):
    from tests.factories import PropertyFactory, municipality

    PropertyFactory(name="Pastorie E2E", municipality=municipality("GM0014"), capacity=4)
    base = live_server.url
    today = dt.date.today()
    started = today - dt.timedelta(days=30)
    page = english_page(new_context)

    # Signs in (Enter in the password field) and lands on the dashboard.
    login(page, base, demo_data.users["staff"], PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard/"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("table").filter(has_text="Groningen").first).to_be_visible()

    # Registers a household with two residents.
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Households").click()
    page.get_by_role("link", name=re.compile("New household")).click()
    page.get_by_label("Linked municipality").select_option(label="Groningen")
    first = resident(page, 1)
    first.get_by_label("V-number").fill("4455667788")
    first.get_by_label("Given name").fill("Amal")
    first.get_by_label("Family name").fill("Haddad")
    page.get_by_role("button", name="Add a resident").click()
    second = resident(page, 2)
    expect(first.get_by_label("Given name")).to_have_value("Amal")
    second.get_by_label("V-number").fill("4455667799")
    second.get_by_label("Given name").fill("Yusuf")
    second.get_by_label("Family name").fill("Haddad")
    page.get_by_role("button", name="Save household").click()
    expect(page.get_by_role("status")).to_contain_text("has been saved")
    expect(page.get_by_role("table").filter(has_text="Amal Haddad")).to_contain_text("Yusuf Haddad")
    reference = page.get_by_role("heading", level=1).locator(".mono").inner_text().strip()
    household_url = page.url

    # Places it into a property.
    page.get_by_role("link", name="Place this household").click()
    choice = page.get_by_label("Property").locator("option", has_text="Pastorie E2E")
    page.get_by_label("Property").select_option(choice.get_attribute("value"))
    page.get_by_label("Kind of placement").select_option("har")
    page.get_by_label("Start date").fill(started.isoformat())
    page.get_by_role("button", name="Place household").click()
    expect(page.get_by_role("status")).to_contain_text("been placed")
    expect(page.get_by_role("heading", name="Current placements")).to_be_visible()

    # Without GP and insurance the household is a care signal.
    assert signal_rows(page, base, "No GP or health insurance", reference) == 1

    # Records GP and health insurance for both residents.
    page.goto(household_url)
    for name in ("Amal Haddad", "Yusuf Haddad"):
        care = page.locator("form").filter(has=page.get_by_role("heading", name=re.compile(name)))
        care.get_by_label("GP practice").fill("Huisartsenpraktijk Oosterpoort")
        care.get_by_label("Registered with GP on").fill(today.isoformat())
        care.get_by_label("Health insurance").select_option("insured")
        care.get_by_label("Insured since").fill(today.isoformat())
        care.get_by_role("button", name=re.compile("Save care details")).click()
        expect(page.get_by_role("status")).to_contain_text("care details")

    # The care signal has gone.
    assert signal_rows(page, base, "No GP or health insurance", reference) == 0

    # Ends both placements with an outflow.
    page.goto(household_url)
    for _ in range(2):
        current = page.locator("[id^=placement-]").first
        current.get_by_label("Move-out date").fill(today.isoformat())
        current.get_by_label("Outflow").select_option("permanent_here")
        current.get_by_role("button", name=re.compile("End placement")).click()
        expect(page.get_by_role("status")).to_contain_text("ends on")
    expect(page.locator("[id^=placement-]")).to_have_count(0)
    history = page.get_by_role("table").filter(has_text="newest first")
    expect(history.get_by_role("row").filter(has_text="permanent home in this municipality")).to_have_count(2)


def test_civil_servant_of_another_municipality_gets_404_for_the_household(
    new_context, live_server, demo_data
):
    page = english_page(new_context)
    login(page, live_server.url, demo_data.users["other_staff"], PASSWORD)
    response = page.goto(f"{live_server.url}/households/{demo_data.household.pk}/")
    assert response.status == 404
    expect(page.get_by_role("main")).not_to_contain_text(demo_data.household.reference)
    # … while the household of their own municipality opens.
    own = page.goto(f"{live_server.url}/households/{demo_data.foreign_household.pk}/")
    assert own.status == 200


def test_coordinator_downloads_the_quota_report_as_xlsx_that_opens(new_context, live_server, demo_data):
    page = new_context(**ENGLISH, accept_downloads=True).new_page()
    login(page, live_server.url, demo_data.users["coordinator"], PASSWORD)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Reports").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Quota report"))
    with page.expect_download() as download_info:
        row.get_by_role("link", name="XLSX").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert list(rows[0]) == QUOTA_HEADER
    codes = {r[0] for r in rows[1:]}
    assert "GM0014" in codes
    assert all(isinstance(r[3], int) for r in rows[1:]), "quota (taakstelling) cells are numbers"


def admin_field(page, label):
    """A field of an admin form by its label, which the admin writes as "Label:"."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def choose_autocomplete(page, field_id, text):
    """Pick `text` in one of the admin's autocomplete (select2) fields, by keyboard."""
    page.locator(f"#{field_id} + .select2 .select2-selection").click()
    search = page.locator(".select2-container--open .select2-search__field")
    search.fill(text)
    page.locator(".select2-results__option", has_text=text).first.wait_for()
    search.press("Enter")
    expect(page.locator(f"#{field_id}")).not_to_have_value("")


IMPORT_HEADER = "naam;straat;huisnummer;postcode;plaats;gemeentecode;soort;aantal_plekken;status;financiering"


def test_pioneer_creates_property_and_agreement_in_admin_and_import_names_the_bad_row(
    new_context, live_server, demo_data
):
    page = english_page(new_context)
    login(page, live_server.url, demo_data.users["pioneer"], PASSWORD)
    page.goto(f"{live_server.url}/admin/")

    # A property, through the admin's add form.
    page.get_by_role("link", name="Properties", exact=True).click()
    page.get_by_role("link", name=re.compile("Add property")).click()
    admin_field(page, "Name").fill("Klooster Ter Apel E2E")
    admin_field(page, "Street").fill("Boslaan")
    admin_field(page, "House number").fill("3")
    admin_field(page, "Postcode").fill("9711 AB")
    admin_field(page, "Place").fill("Groningen")
    choose_autocomplete(page, "id_municipality", "Groningen")
    admin_field(page, "Property kind").select_option("convent")
    admin_field(page, "Capacity (places)").fill("12")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(page.locator("#result_list").get_by_role("link", name="Klooster Ter Apel E2E")).to_be_visible()

    # An intent agreement.
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Intent agreements", exact=True).click()
    page.get_by_role("link", name=re.compile("Add intent agreement")).click()
    choose_autocomplete(page, "id_municipality", "Groningen")
    admin_field(page, "Committed persons").fill("30")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # A CSV import with one bad row: nothing is saved and the row is named.
    good = "E2E-import Noord;Kerkstraat;1;9711 AB;Groningen;GM0014;pastorie;4;;HAR"
    bad = "E2E-import Zuid;Kerkstraat;2;97AB 11;Groningen;GM0014;pastorie;4;;HAR"
    csv = "\ufeff" + "\r\n".join([IMPORT_HEADER, good, good.replace("Noord", "Oost"), bad]) + "\r\n"
    page.goto(f"{live_server.url}/admin/housing/property/")
    page.get_by_role("link", name="Import").click()
    page.locator("input[type=file]").set_input_files(
        {"name": "panden.csv", "mimeType": "text/csv", "buffer": csv.encode("utf-8")}
    )
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", name="Some rows failed to validate")).to_be_visible()
    bad_row = page.get_by_role("row").filter(has_text="97AB 11")
    expect(bad_row).to_have_count(1)
    expect(bad_row.get_by_role("cell").first).to_have_text("3")  # the third data row is named
    expect(page.get_by_role("button", name="Confirm import")).to_have_count(0)
    page.goto(f"{live_server.url}/admin/housing/property/?q=E2E-import")
    expect(page.locator("#result_list")).to_have_count(0)  # nothing was saved: no result table
