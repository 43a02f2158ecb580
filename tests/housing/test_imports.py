"""Spreadsheet imports in the admin site: dry-run preview, Dutch row errors, all or nothing,
scope, CSV and XLSX."""

import datetime as dt
import io
import re

import pytest
import tablib
from openpyxl import Workbook

from accounts.roles import ensure_role_groups
from housing.models import Property, Quota
from housing.resources import PropertyResource, QuotaResource
from residents.models import Household, Resident
from residents.resources import HouseholdResidentResource
from tests.factories import PropertyFactory, QuotaFactory, ResidentFactory

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
CSV_FORMAT, XLSX_FORMAT = 0, 1  # the order of AllOrNothingImportMixin.formats


def property_row(n, **changes):
    row = {
        "naam": f"Pastorie {n}",
        "straat": "Kerkstraat",
        "huisnummer": str(n),
        "postcode": "9711ab",
        "plaats": "Groningen",
        "gemeentecode": "GM0014",
        "soort": "pastorie",
        "aantal_plekken": "4",
        "beschikbaar_vanaf": "2026-07-01",
        "beschikbaar_tot": "31-12-2026",
        "status": "",
        "financiering": "HAR",
        "opmerkingen": "",
    }
    row.update(changes)
    return [row[c] for c in PROPERTY_HEADER]


def csv_file(header, rows):
    text = ";".join(header) + "\r\n" + "".join(";".join(str(v) for v in row) + "\r\n" for row in rows)
    file = io.BytesIO(("\ufeff" + text).encode("utf-8"))
    file.name = "import.csv"
    return file


def xlsx_file(header, rows):
    workbook = Workbook()
    ws = workbook.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    file = io.BytesIO()
    workbook.save(file)
    file.seek(0)
    file.name = "import.xlsx"
    return file


def dataset(header, rows):
    data = tablib.Dataset(headers=header)
    for row in rows:
        data.append(row)
    return data


@pytest.fixture
def admin_pioneer(pioneer):
    ensure_role_groups()
    return pioneer


def preview(client, model_path, file, fmt):
    url = f"/admin/{model_path}/import/"
    return client.post(url, {"import_file": file, "format": fmt, "resource": 0})


def confirm(client, model_path, response):
    form = response.context["confirm_form"]
    data = {name: form.initial.get(name, field.initial) for name, field in form.fields.items()}
    return client.post(f"/admin/{model_path}/process_import/", data)


def test_good_csv_with_100_properties_previews_then_imports_all(client, admin_pioneer):
    client.force_login(admin_pioneer)
    rows = [property_row(n) for n in range(1, 101)]
    response = preview(client, "housing/property", csv_file(PROPERTY_HEADER, rows), CSV_FORMAT)
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert Property.objects.count() == 0, "the preview is a dry run"
    response = confirm(client, "housing/property", response)
    assert response.status_code == 302
    assert Property.objects.count() == 100
    assert set(Property.objects.values_list("postcode", flat=True)) == {"9711 AB"}
    assert Property.objects.get(name="Pastorie 7").available_until == dt.date(2026, 12, 31)


def test_one_bad_row_among_100_changes_nothing_and_names_the_row(client, admin_pioneer):
    client.force_login(admin_pioneer)
    rows = [property_row(n) for n in range(1, 101)]
    rows.insert(56, property_row(999, postcode="97AB 11"))  # data row 57
    response = preview(client, "housing/property", csv_file(PROPERTY_HEADER, rows), CSV_FORMAT)
    result = response.context["result"]
    assert [row.number for row in result.invalid_rows] == [57]
    assert "postcode" in result.invalid_rows[0].field_specific_errors
    assert "confirm_form" not in response.context, "a file with errors cannot be confirmed"
    content = response.content.decode()
    assert "57" in content and "9711 AB" in content  # row number and the postcode explanation
    assert Property.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        ({"postcode": "12345"}, "postcode", "9711 AB"),
        ({"gemeentecode": "GM9999"}, "gemeentecode", "GM9999"),
        ({"gemeentecode": "GM0344"}, "gemeentecode", "GM0344"),  # exists, but not the pioneer's
        ({"aantal_plekken": "0"}, "aantal_plekken", "0"),
        ({"beschikbaar_tot": "2026-06-01"}, "beschikbaar_tot", ""),
        ({"beschikbaar_vanaf": "31-02-2026"}, "beschikbaar_vanaf", "31-02-2026"),
        ({"soort": "kasteel"}, "soort", "kasteel"),
    ],
)
def test_bad_property_row_is_refused_with_message_under_its_column(admin_pioneer, changes, column, message):
    data = dataset(PROPERTY_HEADER, [property_row(1), property_row(2, **changes), property_row(3)])
    result = PropertyResource().import_data(data, dry_run=False, user=admin_pioneer)
    assert [row.number for row in result.invalid_rows] == [2]
    errors = result.invalid_rows[0].field_specific_errors
    assert column in errors, errors
    assert message in " ".join(errors[column])
    assert Property.objects.count() == 0, "all or nothing: the good rows 1 and 3 are not saved either"


def test_property_messages_are_dutch(admin_pioneer):
    data = dataset(PROPERTY_HEADER, [property_row(1, aantal_plekken="0", gemeentecode="GM9999")])
    result = PropertyResource().import_data(data, dry_run=True, user=admin_pioneer)
    errors = result.invalid_rows[0].field_specific_errors
    assert errors["gemeentecode"] == ["Onbekende CBS-code “GM9999”."]
    assert "plek" in errors["aantal_plekken"][0]


def test_good_xlsx_with_real_date_cells_imports_all(client, admin_pioneer):
    client.force_login(admin_pioneer)
    rows = []
    for n in range(1, 21):
        row = property_row(n, aantal_plekken=3, huisnummer=n)
        row[PROPERTY_HEADER.index("beschikbaar_vanaf")] = dt.datetime(2026, 7, 1)
        row[PROPERTY_HEADER.index("beschikbaar_tot")] = dt.date(2027, 1, 31)
        rows.append(row)
    response = preview(client, "housing/property", xlsx_file(PROPERTY_HEADER, rows), XLSX_FORMAT)
    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    confirm(client, "housing/property", response)
    assert Property.objects.count() == 20
    prop = Property.objects.get(name="Pastorie 5")
    assert (prop.available_from, prop.capacity, prop.house_number) == (dt.date(2026, 7, 1), 3, "5")


def test_xlsx_with_one_bad_row_changes_nothing(client, admin_pioneer):
    client.force_login(admin_pioneer)
    rows = [property_row(n) for n in range(1, 31)] + [property_row(31, aantal_plekken=0)]
    response = preview(client, "housing/property", xlsx_file(PROPERTY_HEADER, rows), XLSX_FORMAT)
    assert [row.number for row in response.context["result"].invalid_rows] == [31]
    assert Property.objects.count() == 0


def test_confirmed_import_that_became_invalid_saves_nothing_and_says_so(client, admin_pioneer):
    """Between preview and confirmation someone adds one of the file's properties: the confirmed
    import must still be all or nothing, and must not report success."""
    client.force_login(admin_pioneer)
    rows = [property_row(n) for n in range(1, 11)]
    response = preview(client, "housing/property", csv_file(PROPERTY_HEADER, rows), CSV_FORMAT)
    assert "confirm_form" in response.context
    PropertyFactory(name="Pastorie 5", postcode="9711 AB", house_number="5")
    response = confirm(client, "housing/property", response)
    assert response.status_code == 302
    assert Property.objects.count() == 1, "only the property made by hand"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("5" in m and m.startswith("Er is niets") for m in messages), messages


def test_import_page_is_for_pioneers_only(client, admin_pioneer, coordinator, staff_groningen):
    client.force_login(admin_pioneer)
    assert client.get("/admin/housing/property/import/").status_code == 200
    staff_groningen.is_staff = True
    staff_groningen.save()
    client.force_login(staff_groningen)
    assert client.get("/admin/housing/property/import/").status_code == 403


def test_import_page_documents_the_columns(client, admin_pioneer):
    client.force_login(admin_pioneer)
    content = client.get("/admin/residents/household/import/").content.decode()
    for column in ("huishouden", "gemeentecode", "v_nummer", "nareis_aangekomen_op"):
        assert column in content


QUOTA_HEADER = ["gemeentecode", "periode", "taakstelling", "achterstand_vorige_periode"]


def test_quota_import_creates_and_updates_by_municipality_and_period(admin_pioneer):
    QuotaFactory(year=2026, half=2, target=10)
    data = dataset(QUOTA_HEADER, [["GM0014", "2026-H2", "44", "-3"], ["GM0037", "2027-H1", "12", ""]])
    result = QuotaResource().import_data(data, dry_run=False, user=admin_pioneer)
    assert not result.has_validation_errors() and not result.has_errors()
    assert Quota.objects.count() == 2
    assert Quota.objects.get(municipality__cbs_code="GM0014").target == 44
    assert Quota.objects.get(municipality__cbs_code="GM0037").carried_over == 0


def test_quota_import_refuses_bad_period_duplicate_and_foreign_municipality(admin_pioneer):
    data = dataset(
        QUOTA_HEADER,
        [
            ["GM0014", "2026-H2", "40", ""],
            ["GM0014", "2026-H2", "41", ""],  # same municipality and period again
            ["GM0037", "2026-H3", "12", ""],
            ["GM0344", "2026-H2", "12", ""],
        ],
    )
    result = QuotaResource().import_data(data, dry_run=False, user=admin_pioneer)
    errors = {row.number: row.error_dict for row in result.invalid_rows}
    assert set(errors) == {2, 3, 4}
    assert "1" in " ".join(errors[2]["__all__"])
    assert list(errors[3]) == ["periode"]
    assert "gemeentecode" in errors[4]
    assert Quota.objects.count() == 0


HOUSEHOLD_HEADER = [
    "huishouden",
    "gemeentecode",
    "categorie",
    "nareis_verwacht",
    "nareis_aangevraagd_op",
    "nareis_aangekomen_op",
    "v_nummer",
    "voornaam",
    "achternaam",
    "geboortedatum",
    "zorgverzekering",
    "verzekerd_sinds",
]


def household_rows():
    return [
        [
            "1",
            "GM0014",
            "regulier",
            "2",
            "2026-01-10",
            "",
            "1234567890",
            "Amal",
            "Haddad",
            "1988-03-02",
            "verzekerd",
            "2026-07-10",
        ],
        ["1", "", "", "", "", "", "1234567891", "Sami", "Haddad", "2015-09-30", "", ""],
        ["2", "GM0037", "ex-amv", "", "", "", "1234567892", "Yonas", "Tesfaye", "2006-01-01", "geen", ""],
    ]


def test_household_import_groups_residents_by_household_key(admin_pioneer):
    data = dataset(HOUSEHOLD_HEADER, household_rows())
    result = HouseholdResidentResource().import_data(data, dry_run=False, user=admin_pioneer)
    assert not result.has_validation_errors() and not result.has_errors(), result.invalid_rows
    assert Household.objects.count() == 2 and Resident.objects.count() == 3
    haddad = Household.objects.get(residents__v_number="1234567890")
    assert haddad.residents.count() == 2
    assert (haddad.municipality.cbs_code, haddad.reunification_expected_members) == ("GM0014", 2)
    assert Resident.objects.get(v_number="1234567890").health_insurance == Resident.Insurance.INSURED
    assert Household.objects.get(residents__v_number="1234567892").category == Household.Category.EX_AMV
    assert re.fullmatch(r"HH-[0-9A-Z]{8}", haddad.reference)


@pytest.mark.parametrize(
    ("row_index", "changes", "column"),
    [
        (2, {"v_nummer": "1234567890"}, "v_nummer"),  # duplicate within the file
        (2, {"v_nummer": "123"}, "v_nummer"),
        (0, {"gemeentecode": "GM9999"}, "gemeentecode"),
        (0, {"nareis_aangekomen_op": "2025-12-01"}, "nareis_aangekomen_op"),  # before the application
        (1, {"gemeentecode": "GM0037"}, "gemeentecode"),  # differs from the household's first row
        (2, {"voornaam": ""}, "voornaam"),
    ],
)
def test_bad_household_row_saves_nothing_and_names_row_and_column(admin_pioneer, row_index, changes, column):
    rows = household_rows()
    for key, value in changes.items():
        rows[row_index][HOUSEHOLD_HEADER.index(key)] = value
    result = HouseholdResidentResource().import_data(
        dataset(HOUSEHOLD_HEADER, rows), dry_run=False, user=admin_pioneer
    )
    invalid = {row.number: row.error_dict for row in result.invalid_rows}
    assert row_index + 1 in invalid, invalid
    assert column in invalid[row_index + 1], invalid
    assert Household.objects.count() == 0 and Resident.objects.count() == 0


def test_v_number_already_in_the_database_is_refused(admin_pioneer):
    ResidentFactory(v_number="1234567891")
    result = HouseholdResidentResource().import_data(
        dataset(HOUSEHOLD_HEADER, household_rows()), dry_run=False, user=admin_pioneer
    )
    invalid = {row.number: row.error_dict for row in result.invalid_rows}
    assert list(invalid) == [2]
    assert "1234567891" in invalid[2]["v_nummer"][0]
    assert Resident.objects.count() == 1


def test_household_import_through_admin_with_xlsx(client, admin_pioneer):
    client.force_login(admin_pioneer)
    response = preview(
        client, "residents/household", xlsx_file(HOUSEHOLD_HEADER, household_rows()), XLSX_FORMAT
    )
    result = response.context["result"]
    assert not result.has_validation_errors() and not result.has_errors()
    assert Resident.objects.count() == 0
    confirm(client, "residents/household", response)
    assert Resident.objects.count() == 3 and Household.objects.count() == 2
