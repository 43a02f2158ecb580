"""Readers for the report tests: open exports as a spreadsheet user would, with real readers."""

import csv
import io

from openpyxl import load_workbook

BOM = b"\xef\xbb\xbf"


def body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def read_csv(response_or_bytes):
    """Rows of a CSV export (header first). Checks the BOM and the UTF-8 encoding on the way."""
    data = response_or_bytes if isinstance(response_or_bytes, bytes) else body(response_or_bytes)
    assert data.startswith(BOM), "CSV must start with a UTF-8 byte order mark for Excel"
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def read_xlsx(response):
    """(worksheet, rows) of an XLSX export, values as openpyxl types them."""
    workbook = load_workbook(io.BytesIO(body(response)))
    ws = workbook.worksheets[0]
    return ws, [list(row) for row in ws.iter_rows(values_only=True)]


def read_xlsx_cells(response):
    workbook = load_workbook(io.BytesIO(body(response)))
    ws = workbook.worksheets[0]
    return ws, [list(row) for row in ws.iter_rows()]
