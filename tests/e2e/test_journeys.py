"""The journeys of issue 8, as a person takes them in the browser: by roles and labels only.

They run in English (the browser asks for it), so the locators are the msgids of the templates and
do not change when a Dutch translation is reworded. The Dutch pages are walked by
test_accessibility.py.
"""

import datetime as dt
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, context_args, login

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


def signal_rows(page, base_url, reference):
    page.goto(f"{base_url}/signals/")
    return page.get_by_role("row").filter(has_text=reference)


def test_civil_servant_registers_places_cares_for_and_ends_a_household(new_context, live_server, demo_data):
    base = live_server.url
    today = dt.date.today()
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
    page.get_by_label("Property").select_option(index=1)
    page.get_by_label("Kind of placement").select_option("har")
    page.get_by_label("Start date").fill(today.isoformat())
    page.get_by_role("button", name="Place household").click()
    expect(page.get_by_role("status")).to_contain_text("has been placed")
    expect(page.get_by_role("heading", name="Current placements")).to_be_visible()

    # Without GP and insurance the household is a care signal.
    expect(signal_rows(page, base, reference).first).to_be_visible()

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
    expect(signal_rows(page, base, reference)).to_have_count(0)

    # Ends both placements with an outflow.
    page.goto(household_url)
    for _ in range(2):
        current = page.locator("[id^=placement-]").first
        current.get_by_label("Move-out date").fill((today + dt.timedelta(days=1)).isoformat())
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
    workbook = openpyxl.load_workbook(download.path(), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert list(rows[0]) == QUOTA_HEADER
    codes = {r[0] for r in rows[1:]}
    assert "GM0014" in codes
    assert all(isinstance(r[3], int) for r in rows[1:]), "quota (taakstelling) cells are numbers"


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
    page.get_by_label("Name", exact=True).fill("Klooster Ter Apel E2E")
    page.get_by_label("Street").fill("Boslaan")
    page.get_by_label("House number").fill("3")
    page.get_by_label("Postcode").fill("9711 AB")
    page.get_by_label("Place").fill("Groningen")
    choose_autocomplete(page, "id_municipality", "Groningen")
    page.get_by_label("Property kind").select_option("convent")
    page.get_by_label("Capacity (places)").fill("12")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(page.get_by_role("link", name="Klooster Ter Apel E2E")).to_be_visible()

    # An intent agreement.
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Intent agreements", exact=True).click()
    page.get_by_role("link", name=re.compile("Add intent agreement")).click()
    choose_autocomplete(page, "id_municipality", "Groningen")
    page.get_by_label("Committed persons").fill("30")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # A CSV import with one bad row: nothing is saved and the row is named.
    good = "Pastorie Noord;Kerkstraat;1;9711 AB;Groningen;GM0014;pastorie;4;;HAR"
    bad = "Pastorie Zuid;Kerkstraat;2;97AB 11;Groningen;GM0014;pastorie;4;;HAR"
    csv = "\ufeff" + "\r\n".join([IMPORT_HEADER, good, good.replace("Noord", "Oost"), bad]) + "\r\n"
    page.goto(f"{live_server.url}/admin/housing/property/")
    page.get_by_role("link", name="Import").click()
    page.locator("input[type=file]").set_input_files(
        {"name": "panden.csv", "mimeType": "text/csv", "buffer": csv.encode("utf-8")}
    )
    page.get_by_label("Format").select_option(index=1)
    page.get_by_role("button", name="Submit").click()
    errors = page.locator(".import-preview, .validation-error-container, .errornote, .errorlist, table")
    expect(errors.filter(has_text="3").first).to_be_visible()
    expect(page.locator("#content")).to_contain_text("postcode")
    expect(page.get_by_role("button", name="Confirm import")).to_have_count(0)
    page.goto(f"{live_server.url}/admin/housing/property/?q=Pastorie+Noord")
    expect(page.get_by_role("link", name="Pastorie Noord")).to_have_count(0)
