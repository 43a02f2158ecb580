"""Quotas by Huisvestingswet 2014 art. 29: the computation against hand computations, its refusals,
preview then apply, and the carried-over figure from the previous period's result."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from figures.figures import carried_over_into
from housing.models import Municipality, NationalNumber, Population, Quota
from housing.periods import Period
from housing.quota import (
    QuotaComputationError,
    apply_quotas,
    art29_quota,
    compute_quotas,
    reference_year,
)
from tests.factories import (
    GRONINGEN,
    HouseholdFactory,
    PlacementFactory,
    QuotaFactory,
    ResidentFactory,
    municipality,
)

pytestmark = pytest.mark.django_db

H2_2025 = Period(2025, 2)


def test_art29_rounds_up_and_an_exact_share_stays_exact():
    # 1000 × 243,768 / 17,942,942 = 13.585… → 14 (rounded up, not to the nearest)
    assert art29_quota(1000, 243_768, 17_942_942) == 14
    # 9500 × 972 / 17,942,942 = 0.5146… → 1: even the smallest municipality gets a whole person
    assert art29_quota(9500, 972, 17_942_942) == 1
    # an exact quotient is not rounded further: 100 × 250 / 1000 = 25
    assert art29_quota(100, 250, 1000) == 25
    # just above a whole number: 100 × 251 / 1000 = 25.1 → 26
    assert art29_quota(100, 251, 1000) == 26


def test_the_reference_year_is_the_year_before_the_half_years_year():
    assert reference_year(Period(2025, 1)) == 2024
    assert reference_year(Period(2025, 2)) == 2024
    assert reference_year(Period(2026, 1)) == 2025


def test_computation_from_the_shipped_2024_population_matches_hand_computations():
    computation = compute_quotas(H2_2025, 8800)
    assert computation.population_year == 2024 and not computation.outdated
    assert computation.national_inhabitants == 17_942_942
    by_code = {r.cbs_code: r for r in computation.rows}
    assert len(by_code) == 342
    # Amsterdam: 8800 × 931,298 / 17,942,942 = 456.74 → 457
    assert by_code["GM0363"].quota == 457
    # Groningen: 8800 × 243,768 / 17,942,942 = 119.55 → 120
    assert by_code[GRONINGEN].quota == 120
    # Schiermonnikoog: 8800 × 972 / 17,942,942 = 0.48 → 1
    assert by_code["GM0088"].quota == 1
    # Rounding up makes the sum exceed vg, by less than one person per municipality.
    assert computation.total == sum(r.quota for r in computation.rows)
    assert 0 < computation.excess < 342


def test_a_missing_population_year_is_refused():
    with pytest.raises(QuotaComputationError, match="2025"):
        compute_quotas(Period(2026, 1), 8800)


def test_a_later_population_year_than_the_law_prescribes_is_refused():
    with pytest.raises(QuotaComputationError):
        compute_quotas(Period(2024, 2), 8800, population_year=2024)


def test_a_merged_municipality_without_its_own_figure_is_refused_and_nothing_is_written():
    # A merger: two municipalities end and a new code begins; the 2024 figures know only the old ones.
    Municipality.objects.filter(cbs_code__in=["GM0037", "GM0047"]).update(active=False)
    Municipality.objects.create(cbs_code="GM9901", name="Veenkanaal", province="Groningen")
    with pytest.raises(QuotaComputationError, match="Veenkanaal"):
        compute_quotas(H2_2025, 8800)
    assert not Quota.objects.for_period(H2_2025).exists()


def test_an_incomplete_population_year_is_refused():
    Population.objects.filter(year=2024, municipality__cbs_code=GRONINGEN).delete()
    with pytest.raises(QuotaComputationError, match="Groningen"):
        compute_quotas(H2_2025, 8800)


def test_an_older_year_gives_an_estimate_that_says_so():
    computation = compute_quotas(Period(2026, 2), 8800, population_year=2024)
    assert computation.outdated and computation.required_year == 2025


@pytest.mark.parametrize("bad", [0, -5, None])
def test_a_national_number_that_is_not_positive_is_refused(bad):
    with pytest.raises(QuotaComputationError):
        compute_quotas(H2_2025, bad)


def test_preview_shows_the_difference_with_a_quota_already_entered_and_writes_nothing():
    QuotaFactory(municipality=municipality(GRONINGEN), year=2025, half=2, target=100)
    before = Quota.objects.count()
    computation = compute_quotas(H2_2025, 8800)
    row = next(r for r in computation.rows if r.cbs_code == GRONINGEN)
    assert (row.current, row.quota, row.difference) == (100, 120, 20)
    assert Quota.objects.count() == before
    assert not NationalNumber.objects.exists()


def test_apply_writes_quota_statutory_quota_population_year_and_the_national_number():
    QuotaFactory(municipality=municipality(GRONINGEN), year=2025, half=2, target=100)
    counts = apply_quotas(compute_quotas(H2_2025, 8800), source="Brief minister", is_example=False)
    assert counts["created"] == 341 and counts["updated"] == 1
    quota = Quota.objects.get(municipality__cbs_code=GRONINGEN, year=2025, half=2)
    assert (quota.target, quota.statutory_target, quota.population_year) == (120, 120, 2024)
    number = NationalNumber.objects.get(year=2025, half=2)
    assert (number.persons, number.is_example, number.source) == (8800, False, "Brief minister")
    # Applying the same computation again changes nothing.
    assert apply_quotas(compute_quotas(H2_2025, 8800), source="Brief minister")["updated"] == 0


def test_the_carried_over_figure_follows_from_the_previous_periods_result():
    groningen = municipality(GRONINGEN)
    QuotaFactory(municipality=groningen, year=2025, half=1, target=10, carried_over=2)
    household = HouseholdFactory(municipality=groningen)
    for _ in range(4):  # four persons housed in 2025-H1
        PlacementFactory(resident=ResidentFactory(household=household), start_date=dt.date(2025, 3, 1))
    carried = carried_over_into(H2_2025, today=dt.date(2025, 8, 1))
    assert carried[groningen.pk] == 10 + 2 - 4
    apply_quotas(compute_quotas(H2_2025, 8800, carried_over=carried), source="x")
    assert Quota.objects.get(municipality=groningen, year=2025, half=2).carried_over == 8


def test_a_lead_carries_over_as_a_negative_figure():
    groningen = municipality(GRONINGEN)
    QuotaFactory(municipality=groningen, year=2025, half=1, target=2, carried_over=0)
    household = HouseholdFactory(municipality=groningen)
    for _ in range(5):
        PlacementFactory(resident=ResidentFactory(household=household), start_date=dt.date(2025, 3, 1))
    assert carried_over_into(H2_2025, today=dt.date(2025, 8, 1))[groningen.pk] == -3


def test_an_overridden_carried_over_figure_with_a_reason_is_kept():
    groningen = municipality(GRONINGEN)
    QuotaFactory(municipality=groningen, year=2025, half=1, target=10)
    QuotaFactory(
        municipality=groningen,
        year=2025,
        half=2,
        target=1,
        carried_over=3,
        carried_over_reason="Correctie COA",
    )
    computation = compute_quotas(H2_2025, 8800, carried_over={groningen.pk: 10})
    row = next(r for r in computation.rows if r.cbs_code == GRONINGEN)
    assert row.carried_over_kept and row.carried_over == 3
    apply_quotas(computation, source="x")
    quota = Quota.objects.get(municipality=groningen, year=2025, half=2)
    assert (quota.target, quota.carried_over) == (120, 3)


def test_command_previews_by_default_and_applies_with_apply(capsys):
    call_command("compute_quotas", "2025-H2", "8800")
    assert "GM0363 Amsterdam" in capsys.readouterr().out
    assert not Quota.objects.for_period(H2_2025).exists()
    call_command("compute_quotas", "2025-H2", "8800", "--apply", "--source", "Brief", "--example")
    assert Quota.objects.for_period(H2_2025).count() == 342
    assert NationalNumber.objects.get(year=2025, half=2).is_example


def test_command_refuses_a_missing_year_in_dutch():
    with pytest.raises(CommandError, match="2025"):
        call_command("compute_quotas", "2026-H1", "8800")
