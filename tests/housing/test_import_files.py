"""Import files as they arrive: kept in the database between preview and confirmation (never in a
server's /tmp, so any server can confirm), bounded in size, in the encodings Dutch Excel writes,
and a tampered or expired confirmation refused in Dutch with nothing saved."""

import io
import os
import tempfile

import pytest
from django.db import connection
from openpyxl import Workbook

from housing.imports import purge_expired
from housing.models import Property
from tests.housing.test_imports import (
    CSV_FORMAT,
    PROPERTY_HEADER,
    XLSX_FORMAT,
    confirm,
    csv_file,
    preview,
    property_row,
    xlsx_file,
)

pytestmark = pytest.mark.usefixtures("admin_pioneer")


@pytest.fixture
def admin_pioneer(pioneer):
    from accounts.roles import ensure_role_groups

    ensure_role_groups()
    return pioneer


def pending_files():
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM import_upload")
        return cursor.fetchone()[0]


def encoded_csv(text, encoding):
    file = io.BytesIO(text.encode(encoding))
    file.name = "import.csv"
    return file


def csv_text(rows):
    return ";".join(PROPERTY_HEADER) + "\r\n" + "".join(";".join(row) + "\r\n" for row in rows)


def test_the_file_waits_in_the_database_not_in_tmp_and_is_removed_on_confirmation(client, admin_pioneer):
    client.force_login(admin_pioneer)
    before = set(os.listdir(tempfile.gettempdir()))
    response = preview(client, "housing/property", csv_file(PROPERTY_HEADER, [property_row(1)]), CSV_FORMAT)
    assert set(os.listdir(tempfile.gettempdir())) - before == set()
    assert pending_files() == 1
    response = confirm(client, "housing/property", response)
    assert response.status_code == 302
    assert Property.objects.count() == 1
    assert pending_files() == 0


def test_a_second_confirmation_of_the_same_file_is_refused_in_dutch(client, admin_pioneer):
    client.force_login(admin_pioneer)
    response = preview(client, "housing/property", csv_file(PROPERTY_HEADER, [property_row(1)]), CSV_FORMAT)
    confirm(client, "housing/property", response)
    again = confirm(client, "housing/property", response)
    assert again.status_code == 302
    followed = client.get(again["Location"])
    assert "Er is niets geïmporteerd" in followed.content.decode()
    assert "niet meer beschikbaar" in followed.content.decode()
    assert Property.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("import_file_name", "../../etc/passwd"), ("import_file_name", "0" * 32), ("resource", "7")],
)
def test_a_tampered_confirmation_changes_nothing_and_says_so(client, admin_pioneer, field, value):
    client.force_login(admin_pioneer)
    response = preview(client, "housing/property", csv_file(PROPERTY_HEADER, [property_row(1)]), CSV_FORMAT)
    form = response.context["confirm_form"]
    data = {name: form.initial.get(name, f.initial) for name, f in form.fields.items()}
    data[field] = value
    answer = client.post("/admin/housing/property/process_import/", data)
    assert answer.status_code in (200, 302)
    if answer.status_code == 302:
        assert "Er is niets geïmporteerd" in client.get(answer["Location"]).content.decode()
    assert Property.objects.count() == 0


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_file_over_the_row_limit_is_refused_before_any_row_is_read(client, admin_pioneer, settings, kind):
    settings.IMPORT_MAX_ROWS = 20
    client.force_login(admin_pioneer)
    rows = [property_row(n) for n in range(1, 22)]
    file, fmt = (
        (csv_file(PROPERTY_HEADER, rows), CSV_FORMAT)
        if kind == "csv"
        else (xlsx_file(PROPERTY_HEADER, rows), XLSX_FORMAT)
    )
    response = preview(client, "housing/property", file, fmt)
    assert response.status_code == 200
    assert "meer dan 20 rijen" in response.content.decode()
    assert "confirm_form" not in response.context
    assert Property.objects.count() == 0 and pending_files() == 0


@pytest.mark.slow
def test_an_xlsx_of_200_000_rows_is_refused_quickly(client, admin_pioneer):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(PROPERTY_HEADER)
    for n in range(200_000):
        sheet.append([n])
    file = io.BytesIO()
    workbook.save(file)
    file.seek(0)
    file.name = "big.xlsx"
    client.force_login(admin_pioneer)
    response = preview(client, "housing/property", file, XLSX_FORMAT)
    assert "meer dan 10000 rijen" in response.content.decode().replace(".", "").replace("\u202f", "")
    assert Property.objects.count() == 0


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_csv_in_the_encodings_dutch_excel_writes_imports_accented_names(client, admin_pioneer, encoding):
    client.force_login(admin_pioneer)
    row = property_row(1, naam="Pastorie Café Ëlst")
    response = preview(client, "housing/property", encoded_csv(csv_text([row]), encoding), CSV_FORMAT)
    assert "confirm_form" in response.context, response.content.decode()[:2000]
    confirm(client, "housing/property", response)
    assert list(Property.objects.values_list("name", flat=True)) == ["Pastorie Café Ëlst"]


def test_a_file_that_is_no_text_gets_a_dutch_message(client, admin_pioneer):
    client.force_login(admin_pioneer)
    file = io.BytesIO(b"\x81\x8d\x8f\x90\x9d" * 10)  # undefined in Windows-1252, invalid UTF-8
    file.name = "import.csv"
    response = preview(client, "housing/property", file, CSV_FORMAT)
    assert response.status_code == 200
    assert "kan niet als tekst worden gelezen" in response.content.decode()


def test_a_csv_chosen_as_xlsx_gets_a_dutch_message(client, admin_pioneer):
    client.force_login(admin_pioneer)
    response = preview(client, "housing/property", csv_file(PROPERTY_HEADER, [property_row(1)]), XLSX_FORMAT)
    assert response.status_code == 200
    assert "geen Excel-werkmap" in response.content.decode()


def test_expired_files_are_purged(client, admin_pioneer):
    import datetime as dt

    client.force_login(admin_pioneer)
    preview(client, "housing/property", csv_file(PROPERTY_HEADER, [property_row(1)]), CSV_FORMAT)
    preview(client, "housing/property", csv_file(PROPERTY_HEADER, [property_row(2)]), CSV_FORMAT)
    assert pending_files() == 2
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE import_upload SET expires = %s WHERE cache_key IN (SELECT cache_key FROM import_upload"
            " ORDER BY cache_key LIMIT 1)",
            [dt.datetime(2000, 1, 1, tzinfo=dt.UTC)],
        )
    assert purge_expired() == 1
    assert pending_files() == 1


def test_the_daily_retention_run_removes_expired_import_files(client, admin_pioneer):
    import datetime as dt

    from django.core.management import call_command

    client.force_login(admin_pioneer)
    preview(client, "housing/property", csv_file(PROPERTY_HEADER, [property_row(1)]), CSV_FORMAT)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE import_upload SET expires = %s", [dt.datetime(2000, 1, 1, tzinfo=dt.UTC)])
    out = io.StringIO()
    call_command("purge_personal_data", "--apply", stdout=out)
    assert pending_files() == 0
    assert "1" in out.getvalue().splitlines()[-1]
