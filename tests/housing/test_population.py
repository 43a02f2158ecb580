"""Population per municipality per reference year: the shipped CBS file loaded by the migrations,
and `load_population` for later years, all or nothing."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum

from housing.models import Population
from tests.factories import GRONINGEN

pytestmark = pytest.mark.django_db


def test_the_2024_figures_ship_with_the_migrations():
    figures = Population.objects.filter(year=2024)
    assert figures.count() == 342
    assert figures.aggregate(n=Sum("inhabitants"))["n"] == 17_942_942
    assert figures.get(municipality__cbs_code=GRONINGEN).inhabitants == 243_768
    assert figures.get(municipality__cbs_code="GM0088").inhabitants == 972
    assert "70072NED" in figures.first().source


def write(tmp_path, lines):
    path = tmp_path / "bevolking.csv"
    path.write_text("gemeentecode;gemeentenaam;inwoners\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_later_year_loads_beside_the_earlier_one(tmp_path, capsys):
    path = write(tmp_path, ["GM0014;Groningen;245000", "GM0344;Utrecht;380000"])
    call_command("load_population", str(path), "--year", "2025", "--source", "CBS 03759ned")
    assert Population.objects.get(year=2025, municipality__cbs_code=GRONINGEN).inhabitants == 245_000
    assert Population.objects.get(year=2024, municipality__cbs_code=GRONINGEN).inhabitants == 243_768
    assert Population.objects.filter(year=2025).first().source == "CBS 03759ned"
    assert "2 municipalities loaded" in capsys.readouterr().out


def test_loading_a_year_again_replaces_its_figures(tmp_path):
    call_command(
        "load_population", str(write(tmp_path, ["GM0014;Groningen;1", "GM0344;Utrecht;2"])), "--year", "2025"
    )
    call_command("load_population", str(write(tmp_path, ["GM0014;Groningen;3"])), "--year", "2025")
    assert list(Population.objects.filter(year=2025).values_list("inhabitants", flat=True)) == [3]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("GM9999;Nergenshuizen;100", "GM9999"),
        ("G0014;Groningen;100", "G0014"),
        ("GM0344;Utrecht;veel", "veel"),
        ("GM0344;Utrecht;0", "0"),
        ("GM0014;Groningen;5", "GM0014"),  # twice
    ],
)
def test_a_bad_or_unknown_code_or_count_refuses_the_whole_file(tmp_path, line, message):
    path = write(tmp_path, ["GM0014;Groningen;245000", line])
    with pytest.raises(CommandError, match=message):
        call_command("load_population", str(path), "--year", "2025")
    assert not Population.objects.filter(year=2025).exists()


def test_a_file_without_the_inhabitants_column_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("gemeentecode;gemeentenaam\nGM0014;Groningen\n", encoding="utf-8")
    with pytest.raises(CommandError, match="inwoners"):
        call_command("load_population", str(path), "--year", "2025")
