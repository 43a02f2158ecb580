"""The CBS municipality list: shipped file, loading and replacing it by a later year's file."""

import csv
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from housing.loaders import COLUMNS, DEFAULT_FILE, read_municipality_file
from housing.models import Municipality

pytestmark = pytest.mark.django_db

PER_PROVINCE_2025 = {
    "Groningen": 10,
    "Fryslân": 18,
    "Drenthe": 12,
    "Overijssel": 25,
    "Flevoland": 6,
    "Gelderland": 51,
    "Utrecht": 26,
    "Noord-Holland": 44,
    "Zuid-Holland": 50,
    "Zeeland": 13,
    "Noord-Brabant": 56,
    "Limburg": 31,
}


def write_file(path, rows, header=COLUMNS):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def shipped_rows():
    with open(DEFAULT_FILE, encoding="utf-8-sig", newline="") as handle:
        return [[row[c] for c in COLUMNS] for row in csv.DictReader(handle, delimiter=";")]


def snapshot():
    return list(
        Municipality.objects.order_by("cbs_code").values_list("cbs_code", "name", "province", "active")
    )


def test_migration_loads_all_342_municipalities_of_2025():
    assert Municipality.objects.count() == 342
    assert Municipality.objects.filter(active=True).count() == 342
    groningen = Municipality.objects.get(cbs_code="GM0014")
    assert (groningen.name, groningen.province) == ("Groningen", "Groningen")
    assert Municipality.objects.get(cbs_code="GM0344").name == "Utrecht"


def test_municipalities_per_province_match_cbs_2025():
    counts = Counter(Municipality.objects.values_list("province", flat=True))
    assert dict(counts) == PER_PROVINCE_2025


def test_shipped_file_reads_without_errors():
    rows = read_municipality_file(DEFAULT_FILE)
    assert len(rows) == 342
    assert all(row["population"] is None for row in rows)


def test_replacement_file_renames_adds_and_deactivates(tmp_path):
    rows = [row for row in shipped_rows() if row[0] != "GM0037"]  # Stadskanaal "merged away"
    rows = [
        [code, "Groningen (nieuw)" if code == "GM0014" else name, pc, prov] for code, name, pc, prov in rows
    ]
    rows.append(["GM9999", "Nieuwgemeente", "PV20", "Groningen"])
    path = write_file(tmp_path / "municipalities-2026.csv", rows)

    call_command("load_municipalities", str(path), verbosity=0)

    assert Municipality.objects.get(cbs_code="GM0014").name == "Groningen (nieuw)"
    assert Municipality.objects.get(cbs_code="GM9999").active is True
    stadskanaal = Municipality.objects.get(cbs_code="GM0037")
    assert stadskanaal.active is False  # kept, since history hangs on it
    assert Municipality.objects.count() == 343
    assert Municipality.objects.filter(active=True).count() == 342


def test_loading_the_same_file_twice_changes_nothing():
    before = snapshot()
    call_command("load_municipalities", verbosity=0)
    assert snapshot() == before


def test_population_column_is_read_when_present(tmp_path):
    rows = [[*row, "234000" if row[0] == "GM0014" else ""] for row in shipped_rows()]
    path = write_file(tmp_path / "with-population.csv", rows, header=(*COLUMNS, "inwoners"))
    call_command("load_municipalities", str(path), verbosity=0)
    assert Municipality.objects.get(cbs_code="GM0014").population == 234000
    assert Municipality.objects.get(cbs_code="GM0344").population is None


@pytest.mark.parametrize("bad_code", ["GM14", "gm0014", "XX0014", ""])
def test_file_with_a_bad_code_is_refused_and_changes_nothing(tmp_path, bad_code):
    rows = shipped_rows()
    rows[0][1] = "Hernoemd"
    rows.append([bad_code, "Foutgemeente", "PV20", "Groningen"])
    path = write_file(tmp_path / "bad.csv", rows)
    before = snapshot()
    with pytest.raises(CommandError, match="Foutgemeente|code"):
        call_command("load_municipalities", str(path), verbosity=0)
    assert snapshot() == before


def test_file_with_a_duplicate_code_is_refused_and_changes_nothing(tmp_path):
    rows = shipped_rows()
    rows.append(["GM0014", "Groningen bis", "PV20", "Groningen"])
    path = write_file(tmp_path / "dup.csv", rows)
    before = snapshot()
    with pytest.raises(CommandError, match="GM0014"):
        call_command("load_municipalities", str(path), verbosity=0)
    assert snapshot() == before


def test_file_without_required_columns_is_refused(tmp_path):
    path = write_file(
        tmp_path / "cols.csv", [["GM0014", "Groningen"]], header=("gemeentecode", "gemeentenaam")
    )
    before = snapshot()
    with pytest.raises(CommandError):
        call_command("load_municipalities", str(path), verbosity=0)
    assert snapshot() == before


def test_missing_file_is_a_clear_command_error(tmp_path):
    with pytest.raises(CommandError):
        call_command("load_municipalities", str(tmp_path / "nowhere.csv"), verbosity=0)
