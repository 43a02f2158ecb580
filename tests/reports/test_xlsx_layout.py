"""Spreadsheets for the ministry: filter and column widths on the data sheet, fractions as
percentages, and a second sheet with the period, the reference date and the definitions of the
figures. The CSV headers are a contract and do not change."""

import io

import pytest
from openpyxl import load_workbook

from figures import wording
from reports import evidence, tables
from tests.factories import RegionFactory, municipality
from tests.reports import test_reports
from tests.reports.reports_helpers import body, read_csv
from tests.reports.test_reports import PERIOD, QUOTA_HEADER, REGION_HEADER, get

pytestmark = pytest.mark.django_db

world = test_reports.world  # the same small data set as the other report tests


def workbook(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(body(response)))


def about(book):
    sheet = book.worksheets[1]
    return {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}


def test_quota_xlsx_has_a_filter_column_widths_and_an_explanation_sheet(client, coordinator, world):
    book = workbook(get(client, coordinator, f"/reports/quota.xlsx?period={PERIOD}"))
    data = book.worksheets[0]
    assert data.auto_filter.ref == f"A1:I{data.max_row}"
    assert data.column_dimensions["A"].width >= len("gemeentecode")
    assert data.column_dimensions["I"].width >= len("werkelijke_opgave")
    explained = about(book)
    assert book.sheetnames[1] == "Toelichting"
    assert explained["Periode"].endswith(f"({PERIOD})") and "helft van" in explained["Periode"]
    assert explained["Peildatum"].date() == PERIOD.reference_date()
    with_terms = dict(wording.definitions())
    for term in (
        "Taakstelling",
        "Achterstand of voorsprong vorige periode",
        "Gerealiseerd",
        "Werkelijke opgave",
    ):
        assert explained[term] == with_terms[term]
    assert "Nog te huisvesten" in explained and "Tijdelijk gehuisvest" in explained


def test_region_xlsx_shows_shares_as_percentages(client, coordinator, world):
    region = RegionFactory(members=[world["g"], world["u"]])
    book = workbook(get(client, coordinator, f"/reports/regions/{region.pk}.xlsx?period={PERIOD}"))
    data = book.worksheets[0]
    header = [c.value for c in data[1]]
    assert header == REGION_HEADER
    share = data.cell(row=2, column=header.index("aandeel") + 1)
    assert share.number_format == "0.0%" and 0 < share.value < 1
    assert about(book)["Gemeenten"] == region.name


def test_evidence_xlsx_explains_its_period_without_figure_definitions(client, coordinator, world):
    book = workbook(get(client, coordinator, f"/reports/evidence.xlsx?period={PERIOD}"))
    data = book.worksheets[0]
    assert [c.value for c in data[1]] == list(evidence.HEADER)
    for column in evidence.PERCENT_COLUMNS:
        assert data.cell(row=1, column=column + 1).value.endswith("_aandeel")
    assert "Peildatum" in about(book) and "Taakstelling" not in about(book)


def test_csv_headers_stay_the_contract(client, coordinator, world):
    rows = read_csv(get(client, coordinator, f"/reports/quota.csv?period={PERIOD}"))
    assert rows[0] == QUOTA_HEADER == list(tables.QUOTA_HEADER)
    region = RegionFactory(members=[municipality()])
    rows = read_csv(get(client, coordinator, f"/reports/regions/{region.pk}.csv?period={PERIOD}"))
    assert rows[0] == REGION_HEADER
