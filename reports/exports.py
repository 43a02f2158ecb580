"""Streaming CSV and XLSX responses (SPEC §8).

Every report is a header row plus an iterable of rows (tuples of str, int, float, Decimal, date or
None). The rows are never collected in a list: CSV is encoded line by line into a
`StreamingHttpResponse` (or batch by batch for exports of many rows, `csv_batch_response`); XLSX goes
through openpyxl's write-only workbook (rows are written to a temporary file as they come) and is
then sent as a `FileResponse` from that file. Memory therefore stays flat however many rows a
queryset iterator yields.

Formula injection is neutralised by one rule, `neutralise()`, used by both formats; `neutralised()`
is the same rule as a database expression, for exports that leave their cells to the database.
"""

import csv
import datetime as dt
import decimal
import io
import tempfile

from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import Concat, Left
from django.db.models.lookups import In
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PERCENT = "percent"  # marker in a column spec: a fraction shown as a percentage in XLSX


def neutralise(value):
    """Make a text cell inert for spreadsheet programs (OWASP CSV injection).

    A text value that starts with = + - @ tab or carriage return gets a leading apostrophe, so Excel
    and LibreOffice show it as text instead of running it as a formula. Numbers and dates are left
    alone: a negative number is data, not a formula.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralised(field):
    """`neutralise` as a database expression on the text column or lookup path `field`: the same
    cells, computed by the database (tested against `neutralise` on SQLite and PostgreSQL)."""
    value = F(field)
    starts_a_formula = In(Left(value, 1), FORMULA_PREFIXES)  # every prefix is one character
    return Case(
        When(starts_a_formula, then=Concat(Value("'"), value)), default=value, output_field=CharField()
    )


def _csv_value(value):
    """One cell as CSV text: ISO dates, decimal comma for fractions (Dutch Excel), inert text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float | decimal.Decimal):
        return f"{value:.4f}".rstrip("0").rstrip(".").replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))


def csv_lines(header, rows):
    """CSV of any rows (cells as `_csv_value` writes them), one chunk per row."""
    return csv_batch_lines(header, _one_row_batches(rows))


def _one_row_batches(rows):
    for row in rows:
        yield [[_csv_value(v) for v in row]]


def csv_batch_lines(header, batches):
    """CSV in one chunk per batch of rows, for exports of many rows.

    The cells go to the csv module as they are: None is an empty cell and any other value its
    `str()` (a date is ISO yyyy-mm-dd). The caller applies `neutralise` to text that users type and
    passes only values whose `str()` is their CSV form (no floats, booleans or datetimes); `csv_lines`
    converts any row with `_csv_value` first, so for such rows the bytes are the same.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    yield (BOM + buffer.getvalue()).encode("utf-8")
    for batch in batches:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(batch)
        yield buffer.getvalue().encode("utf-8")


def _attachment(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def csv_response(filename, header, rows):
    return _attachment(
        StreamingHttpResponse(csv_lines(header, rows), content_type=CSV_CONTENT_TYPE), filename
    )


def csv_batch_response(filename, header, batches):
    """A streamed CSV from lists of rows (see `csv_batch_lines`)."""
    lines = csv_batch_lines(header, batches)
    return _attachment(StreamingHttpResponse(lines, content_type=CSV_CONTENT_TYPE), filename)


def _xlsx_cell(ws, value, percent=False):
    if isinstance(value, str):
        value = neutralise(value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text
    elif isinstance(value, dt.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    elif percent and isinstance(value, float | decimal.Decimal):
        cell.number_format = "0.0%"
    return cell


def _column_width(name):
    """A width (in characters) that shows the whole header and a typical value."""
    return min(max(len(str(name)) + 3, 12), 48)


def write_xlsx(file, header, rows, *, title="Export", percent_columns=(), about=()):
    """Write header and rows to `file` with a write-only workbook: the header row frozen and
    filtered, columns as wide as their header, fractions as percentages. `about` — (label, value)
    rows such as the period, the reference date and the definitions of the figures — goes to a
    second sheet ("Toelichting"), so the file explains itself when it is mailed on."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(title=title[:31])
    ws.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(index)].width = _column_width(name)
    bold = Font(bold=True)
    header_cells = []
    for name in header:
        cell = _xlsx_cell(ws, name)
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    percent_columns = set(percent_columns)
    count = 0
    for row in rows:
        ws.append([_xlsx_cell(ws, v, i in percent_columns) for i, v in enumerate(row)])
        count += 1
    if header:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    if about:
        sheet = workbook.create_sheet(title=_("Explanation")[:31])
        sheet.column_dimensions["A"].width = 36
        sheet.column_dimensions["B"].width = 100
        for label, value in about:
            label_cell = _xlsx_cell(sheet, label)
            label_cell.font = bold
            sheet.append([label_cell, _xlsx_cell(sheet, value)])
    workbook.save(file)


def xlsx_response(filename, header, rows, *, title="Export", percent_columns=(), about=()):
    # Spooled to disk: the workbook is a zip file and must be complete before the first byte is sent.
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    write_xlsx(file, header, rows, title=title, percent_columns=percent_columns, about=about)
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_CONTENT_TYPE)


def export_response(fmt, filename, header, rows, **xlsx_options):
    """`fmt` is "csv" or "xlsx" (the URL's extension)."""
    if fmt == "xlsx":
        return xlsx_response(filename, header, rows, **xlsx_options)
    return csv_response(filename, header, rows)
