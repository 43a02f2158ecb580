"""How an uploaded spreadsheet is read and kept between the preview and the confirmation.

- **Any server.** Between the dry-run preview and the confirmation the file is kept in the database
  (the `imports` cache, a table of its own), never in a server's /tmp, so the confirmation may reach
  another server behind the load balancer. It expires after `IMPORT_KEEP_SECONDS` and is removed on
  confirmation; a name that is unknown, expired or tampered with is refused with a Dutch message.
- **Bounded.** At most `IMPORT_MAX_ROWS` data rows and `IMPORT_MAX_COLUMNS` columns are read; a
  larger file is refused before any row is processed, so a small XLSX that unpacks into millions of
  rows cannot tie a worker up.
- **What Dutch Excel writes.** CSV in UTF-8 (with or without byte order mark), UTF-16 (Excel's
  "Unicode text", always with a byte order mark) or Windows-1252 (Excel's plain "CSV"), with `;` or
  `,` as delimiter.
"""

import codecs
import io
import secrets

import tablib
from django.conf import settings
from django.core.cache import caches
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV, XLSX
from import_export.tmp_storages import BaseStorage

CACHE_ALIAS = "imports"


class ImportFileError(ValueError):
    """A file that cannot be imported; the message is Dutch and shown to the user."""


def _too_large():
    return ImportFileError(
        _("The file has more than %(rows)s rows. Split it into smaller files and import them one by one.")
        % {"rows": settings.IMPORT_MAX_ROWS}
    )


def decode_text(data):
    """The text of a CSV file, from the encodings Dutch spreadsheet programs write."""
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    if data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "cp1252"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        _("The file cannot be read as text. Save it as “CSV UTF-8” or as an Excel workbook (.xlsx).")
    )


class SpreadsheetCSV(CSV):
    """CSV as Dutch Excel saves it (`;`, often with a byte order mark) or with commas: the
    delimiter is taken from the header row."""

    def create_dataset(self, in_stream, **kwargs):
        text = decode_text(in_stream)
        if text.count("\n") > settings.IMPORT_MAX_ROWS + 1:
            raise _too_large()
        header = text.split("\n", 1)[0]
        kwargs.setdefault("delimiter", ";" if header.count(";") >= header.count(",") else ",")
        try:
            return super().create_dataset(text, **kwargs)
        except Exception as exc:  # csv.Error and tablib's errors have no common base
            raise ImportFileError(_("The file cannot be read as CSV: %(error)s") % {"error": exc}) from exc


class SpreadsheetXLSX(XLSX):
    """The first sheet of a workbook, read lazily and only up to the row and column limits."""

    def create_dataset(self, in_stream):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        except Exception as exc:  # a zip, XML or openpyxl error: not a workbook we can read
            raise ImportFileError(_("The file is not an Excel workbook (.xlsx).")) from exc
        try:
            rows = workbook.active.iter_rows(values_only=True, max_col=settings.IMPORT_MAX_COLUMNS)
            dataset = tablib.Dataset()
            header = next(rows, None)
            if header is None:
                return dataset
            dataset.headers = list(header)
            for number, row in enumerate(rows, start=1):
                if number > settings.IMPORT_MAX_ROWS:
                    raise _too_large()
                if any(value is not None for value in row):
                    row = list(row)[: len(header)]
                    dataset.append(row + [None] * (len(header) - len(row)))
            return dataset
        finally:
            workbook.close()


class ExpiredImport(ImportFileError):
    pass


class DatabaseImportStorage(BaseStorage):
    """django-import-export's storage for the file between preview and confirmation, in the
    database-backed `imports` cache. Always bytes; the formats decode them."""

    def save(self, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        purge_expired()
        self.name = secrets.token_hex(16)
        caches[CACHE_ALIAS].set(self.name, data, settings.IMPORT_KEEP_SECONDS)

    def read(self):
        data = caches[CACHE_ALIAS].get(self.name) if _valid_name(self.name) else None
        if data is None:
            raise ExpiredImport(
                _(
                    "The uploaded file is no longer available (it expired or was already imported). "
                    "Upload it again."
                )
            )
        return data

    def remove(self):
        if _valid_name(self.name):
            caches[CACHE_ALIAS].delete(self.name)


def _valid_name(name):
    return isinstance(name, str) and len(name) == 32 and all(c in "0123456789abcdef" for c in name)


def purge_expired():
    """Delete the files whose time is up. The database cache removes expired entries only when it
    is full, and these hold personal data: the retention command calls this daily too."""
    from django.db import connections, router
    from django.utils import timezone

    location = settings.CACHES[CACHE_ALIAS]["LOCATION"]
    database = router.db_for_write(None) or "default"
    with connections[database].cursor() as cursor:
        table = connections[database].ops.quote_name(location)
        cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [timezone.now()])  # noqa: S608
        return cursor.rowcount
