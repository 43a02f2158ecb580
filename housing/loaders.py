"""Loading the CBS municipality list (housing/data/README.md)."""

import csv
from pathlib import Path

from django.utils.translation import gettext as _

from housing.validators import CBS_CODE_REGEX

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "municipalities-2025.csv"
COLUMNS = ("gemeentecode", "gemeentenaam", "provinciecode", "provincienaam")


class MunicipalityFileError(ValueError):
    pass


def read_municipality_file(path):
    """Rows of the file as dicts, checked before anything is written."""
    import re

    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise MunicipalityFileError(_("Missing columns: %(columns)s") % {"columns": ", ".join(missing)})
        rows, seen = [], set()
        for number, row in enumerate(reader, start=2):
            code = (row["gemeentecode"] or "").strip()
            if not re.match(CBS_CODE_REGEX, code):
                raise MunicipalityFileError(
                    _("Line %(line)s: invalid municipality code “%(code)s”.") % {"line": number, "code": code}
                )
            if code in seen:
                raise MunicipalityFileError(
                    _("Line %(line)s: municipality code %(code)s appears twice.")
                    % {"line": number, "code": code}
                )
            seen.add(code)
            population = (row.get("inwoners") or "").strip()
            rows.append(
                {
                    "cbs_code": code,
                    "name": row["gemeentenaam"].strip(),
                    "province_code": row["provinciecode"].strip(),
                    "province": row["provincienaam"].strip(),
                    "population": int(population) if population.isdigit() else None,
                }
            )
    return rows


def load_municipalities(model, path=DEFAULT_FILE):
    """Create or update municipalities by CBS code; codes no longer in the file become inactive.

    `model` is passed in so the data migration can use its historical model. Returns counts.
    """
    rows = read_municipality_file(path)
    existing = {m.cbs_code: m for m in model.objects.all()}
    created = updated = 0
    for row in rows:
        current = existing.pop(row["cbs_code"], None)
        if current is None:
            model.objects.create(active=True, **row)
            created += 1
            continue
        population = row["population"] if row["population"] is not None else current.population
        changes = {**row, "population": population, "active": True}
        if any(getattr(current, field) != value for field, value in changes.items()):
            model.objects.filter(pk=current.pk).update(**changes)
            updated += 1
    deactivated = model.objects.filter(pk__in=[m.pk for m in existing.values() if m.active]).update(
        active=False
    )
    return {"created": created, "updated": updated, "deactivated": deactivated, "total": len(rows)}


POPULATION_FILE = Path(__file__).resolve().parent / "data" / "population-2024-01-01.csv"
POPULATION_YEAR = 2024
POPULATION_SOURCE = "CBS StatLine 70072NED, Totale bevolking op 1 januari 2024 (CC BY 4.0)"
POPULATION_COLUMNS = ("gemeentecode", "gemeentenaam", "inwoners")


def read_population_file(path, known_codes):
    """{cbs_code: inhabitants} from a file `gemeentecode;gemeentenaam;inwoners`, checked as a whole:
    a malformed, duplicate or unknown code or a count that is no whole number refuses the file."""
    import re

    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        missing = [c for c in POPULATION_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise MunicipalityFileError(_("Missing columns: %(columns)s") % {"columns": ", ".join(missing)})
        result = {}
        for number, row in enumerate(reader, start=2):
            code = (row["gemeentecode"] or "").strip()
            if not re.match(CBS_CODE_REGEX, code):
                raise MunicipalityFileError(
                    _("Line %(line)s: invalid municipality code “%(code)s”.") % {"line": number, "code": code}
                )
            if code in result:
                raise MunicipalityFileError(
                    _("Line %(line)s: municipality code %(code)s appears twice.")
                    % {"line": number, "code": code}
                )
            if code not in known_codes:
                raise MunicipalityFileError(
                    _("Line %(line)s: unknown municipality code %(code)s; load the municipality list first.")
                    % {"line": number, "code": code}
                )
            inhabitants = (row["inwoners"] or "").strip()
            if not inhabitants.isdigit() or int(inhabitants) == 0:
                raise MunicipalityFileError(
                    _("Line %(line)s: “%(value)s” is no number of inhabitants.")
                    % {"line": number, "value": inhabitants}
                )
            result[code] = int(inhabitants)
    if not result:
        raise MunicipalityFileError(_("The file holds no municipalities."))
    return result


def load_population(population_model, municipality_model, path, *, year, source):
    """Store the inhabitants on 1 January `year` of every municipality in the file; figures of that
    year already stored are replaced. All or nothing: the file is checked before anything is
    written. Models are passed in so the data migration can use its historical models."""
    if not 1900 <= int(year) <= 2100:
        raise MunicipalityFileError(_("Invalid year %(year)s.") % {"year": year})
    codes = dict(municipality_model.objects.values_list("cbs_code", "pk"))
    figures = read_population_file(path, codes)
    replaced, _deleted = population_model.objects.filter(year=year).delete()
    population_model.objects.bulk_create(
        [
            population_model(municipality_id=codes[code], year=year, inhabitants=n, source=source)
            for code, n in figures.items()
        ]
    )
    return {"loaded": len(figures), "replaced": replaced, "total": sum(figures.values())}
