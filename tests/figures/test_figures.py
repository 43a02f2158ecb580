"""SPEC §6 figures against a hand-computed fixture.

Period 2026-H2, today 2026-10-15. Groningen (G) quota 10 + 3 carried over, Utrecht (U) quota 5 with a
lead of 2 (carried over −2); Groningen 2026-H1 quota 8.

household  linked  residents  placements
A          G       2          HAR in G from 2026-08-01 (active)
B          G       1          HAR in a property in U from 2026-09-01 (active)
C          G       1          HAR in G 2026-03-01 → 2026-08-10, then permanent in G from 2026-08-10
D          U       1          permanent in U from 2026-07-15
E          G       1          HAR in G 2026-05-01 → 2026-10-15 (move-out day is today)
F          U       1          HAR in U from 2026-11-01 (later in the period, not yet started)
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings

from figures import figures
from housing.models import Property
from housing.periods import Period
from tests.factories import (
    GRONINGEN,
    UTRECHT,
    BuddyMatchFactory,
    HouseholdFactory,
    IntentAgreementFactory,
    PlacementFactory,
    PropertyFactory,
    QuotaFactory,
    RegionFactory,
    ResidentFactory,
    municipality,
)

TODAY = dt.date(2026, 10, 15)
H2 = Period(2026, 2)
H1 = Period(2026, 1)


def place(household, prop, kind, start, end=None, planned_end=None, residents=None):
    residents = residents or list(household.residents.all())
    return [
        PlacementFactory(
            resident=r, property=prop, kind=kind, start_date=start, end_date=end, planned_end=planned_end
        )
        for r in residents
    ]


@pytest.fixture
def world(db):
    g, u = municipality(GRONINGEN), municipality(UTRECHT)
    QuotaFactory(municipality=g, year=2026, half=2, target=10, carried_over=3)
    QuotaFactory(municipality=u, year=2026, half=2, target=5, carried_over=-2)
    QuotaFactory(municipality=g, year=2026, half=1, target=8, carried_over=0)
    p_g = PropertyFactory(municipality=g, capacity=10, name="Pastorie Groningen")
    p_g_perm = PropertyFactory(municipality=g, capacity=10, kind=Property.Kind.HOUSE, name="Woning Groningen")
    p_u = PropertyFactory(municipality=u, capacity=10, name="Klooster Utrecht")
    PropertyFactory(municipality=g, capacity=6, status=Property.Status.OFFERED, name="Aangeboden")
    households = {}
    for name, linked, size in [("A", g, 2), ("B", g, 1), ("C", g, 1), ("D", u, 1), ("E", g, 1), ("F", u, 1)]:
        households[name] = HouseholdFactory(municipality=linked)
        ResidentFactory.create_batch(size, household=households[name])
    place(households["A"], p_g, "har", dt.date(2026, 8, 1))
    place(households["B"], p_u, "har", dt.date(2026, 9, 1))
    place(households["C"], p_g, "har", dt.date(2026, 3, 1), end=dt.date(2026, 8, 10))
    place(households["C"], p_g_perm, "permanent", dt.date(2026, 8, 10))
    place(households["D"], p_u, "permanent", dt.date(2026, 7, 15))
    place(households["E"], p_g, "har", dt.date(2026, 5, 1), end=TODAY)
    place(households["F"], p_u, "har", dt.date(2026, 11, 1))
    return {"g": g, "u": u, "p_g": p_g, "p_g_perm": p_g_perm, "p_u": p_u, **households}


def by_code(rows):
    return {r.cbs_code: r for r in rows}


def test_current_period_figures_per_municipality(world):
    rows = by_code(figures.municipality_figures(H2, today=TODAY))
    assert set(rows) == {GRONINGEN, UTRECHT}
    g = rows[GRONINGEN]
    # B is placed in Utrecht's property but linked to Groningen: it counts for Groningen.
    # C was counted in H1 (HAR) and moved to permanent in H2: not realised again.
    # F starts after today; E moved out today (not temporary any more).
    assert (g.target, g.carried_over, g.realised, g.temporary, g.temporary_counted) == (10, 3, 3, 3, 3)
    assert g.remaining == 10
    assert g.actual_task == 13
    assert (g.realised_temporary, g.realised_housed) == (3, 0)  # A and B are still in HAR
    u = rows[UTRECHT]
    assert (u.target, u.carried_over, u.realised, u.temporary, u.temporary_counted) == (5, -2, 1, 0, 0)
    assert u.remaining == 2  # 5 - 2 - 1
    assert u.actual_task == 2
    assert (u.realised_temporary, u.realised_housed) == (0, 1)
    assert (u.realised_percent, u.bar_housed_percent, u.bar_temporary_percent) == (33, 33, 0)


def test_past_period_uses_its_last_day_as_reference_date(world):
    g = by_code(figures.municipality_figures(H1, [world["g"].pk], today=TODAY))[GRONINGEN]
    # C (HAR from 03-01) and E (HAR from 05-01) started in H1 and were both temporary on 2026-06-30.
    assert (g.target, g.realised, g.temporary, g.temporary_counted) == (8, 2, 2, 2)
    assert (g.remaining, g.actual_task) == (6, 8)


def test_move_out_day_no_longer_counts_as_temporary(world):
    day_before = TODAY - dt.timedelta(days=1)
    g = by_code(figures.municipality_figures(H2, [world["g"].pk], today=day_before))[GRONINGEN]
    assert g.temporary == 4  # A (2), B, and E still lives there the day before moving out
    g = by_code(figures.municipality_figures(H2, [world["g"].pk], today=TODAY))[GRONINGEN]
    assert g.temporary == 3


def test_negative_carried_over_lowers_the_task_and_remaining_never_goes_below_zero(world):
    u = world["u"]
    extra = HouseholdFactory(municipality=u)
    ResidentFactory.create_batch(4, household=extra)
    place(extra, world["p_u"], "permanent", dt.date(2026, 7, 20))
    row = by_code(figures.municipality_figures(H2, [u.pk], today=TODAY))[UTRECHT]
    assert row.task == 3
    assert row.realised == 5
    assert row.remaining == 0
    assert row.actual_task == 0


@override_settings(QUOTA_COUNTING_KINDS=["permanent"])
def test_only_permanent_counting_setting(world):
    rows = by_code(figures.municipality_figures(H2, today=TODAY))
    g = rows[GRONINGEN]
    # Only C's permanent home (2026-08-10) counts; A and B are temporary and were never counted,
    # so they stay in "remaining" and are not added again to the actual task.
    assert (g.realised, g.temporary, g.temporary_counted) == (1, 3, 0)
    assert (g.remaining, g.actual_task) == (12, 12)
    assert rows[UTRECHT].realised == 1
    h1 = by_code(figures.municipality_figures(H1, [world["g"].pk], today=TODAY))[GRONINGEN]
    assert (h1.realised, h1.temporary, h1.temporary_counted, h1.actual_task) == (0, 2, 0, 8)


def test_temporary_person_counted_in_an_earlier_period_adds_to_the_actual_task(world):
    # G in 2026-H2: C moved on; a new household G2 has been in HAR since H1 (counted then).
    g2 = HouseholdFactory(municipality=world["g"])
    ResidentFactory(household=g2)
    place(g2, world["p_g"], "har", dt.date(2026, 6, 1))
    row = by_code(figures.municipality_figures(H2, [world["g"].pk], today=TODAY))[GRONINGEN]
    assert row.realised == 3  # not realised again in H2
    assert row.temporary_counted == 4
    assert row.actual_task == 10 + 4


def test_totals_sum_the_rows_and_remaining_per_municipality(world):
    rows = figures.municipality_figures(H2, today=TODAY)
    total = figures.totals(rows)
    assert (total.target, total.carried_over, total.realised, total.temporary) == (15, 1, 4, 3)
    assert total.remaining == 12  # 10 + 2
    assert total.actual_task == 15


def test_include_empty_returns_zero_rows_for_explicit_selection(world):
    other = municipality("GM0037")
    rows = figures.municipality_figures(H2, [other.pk], today=TODAY)
    assert len(rows) == 1
    assert (rows[0].has_quota, rows[0].target, rows[0].realised, rows[0].remaining) == (False, 0, 0, 0)
    assert figures.municipality_figures(H2, [], today=TODAY) == []


def test_municipality_history_has_one_row_per_quota_period(world):
    rows = figures.municipality_history(world["g"].pk, today=TODAY)
    assert [str(r.period) for r in rows] == ["2026-H2", "2026-H1"]
    assert [r.realised for r in rows] == [3, 2]
    assert [r.actual_task for r in rows] == [13, 8]


def test_region_shares_contributions_and_deviation(world):
    region = RegionFactory(members=[world["g"], world["u"]])
    result = figures.region_figures(region, H2, today=TODAY)
    rows = by_code(result.members)
    assert (result.total_target, result.total_placements) == (15, 5)
    # Active on 10-15 in Groningen's properties: A (2) and C (1); in Utrecht's: B and D.
    assert rows[GRONINGEN].placements == 3
    assert rows[UTRECHT].placements == 2
    assert rows[GRONINGEN].share == Decimal("0.6667")
    assert rows[UTRECHT].share == Decimal("0.3333")
    assert rows[GRONINGEN].contribution == Decimal("0.6000")
    assert rows[UTRECHT].contribution == Decimal("0.4000")
    assert rows[GRONINGEN].deviation == Decimal("-0.0667")
    assert rows[UTRECHT].deviation == Decimal("0.0667")


def test_region_without_targets_or_placements_has_no_fractions(db):
    region = RegionFactory(members=[municipality("GM0037")])
    member = figures.region_figures(region, H2, today=TODAY).members[0]
    assert (member.share, member.contribution, member.deviation) == (None, None, None)


def test_capacity_figures_by_status(world):
    cap = figures.capacity_figures([world["g"].pk], TODAY)
    in_use = cap.get(Property.Status.IN_USE)
    assert (in_use.properties, in_use.places, in_use.occupied, in_use.free) == (2, 20, 3, 17)
    offered = cap.get(Property.Status.OFFERED)
    assert (offered.properties, offered.places, offered.occupied) == (1, 6, 0)
    assert cap.free_total == 17  # an offered property cannot take anyone yet
    assert cap.places_total == 20  # the totals row counts approved and in use only, like its label
    all_cap = figures.capacity_figures(day=TODAY)
    assert all_cap.get(Property.Status.IN_USE).occupied == 5


def test_agreement_progress_counts_distinct_persons_ever_placed(world):
    agreement = IntentAgreementFactory(municipality=world["g"], committed_persons=25)
    world["p_g"].agreement = agreement
    world["p_g"].save()
    (progress,) = figures.agreement_progress([agreement])
    # A (2), C (1, HAR ended — still placed through this agreement), E (1).
    assert (progress.committed, progress.placed, progress.percent) == (25, 4, 16)


def test_occupancy_trend_months(world):
    trend = figures.occupancy_trend([world["g"].pk], months=4, today=TODAY)
    assert [m.month for m in trend] == [dt.date(2026, m, 1) for m in (7, 8, 9, 10)]
    assert trend[-1].day == TODAY
    # July 31: C (HAR) and E (HAR). Aug 31: A (2), C (perm), E. Oct 15: A (2), C (E moved out).
    assert [m.occupied for m in trend] == [2, 4, 4, 3]
    assert [m.started for m in trend] == [0, 3, 0, 0]


def test_households_without_buddy(world):
    assert figures.households_without_buddy([world["g"].pk], day=TODAY) == 3  # A, B, C
    BuddyMatchFactory(household=world["A"], start_date=dt.date(2026, 8, 2))
    assert figures.households_without_buddy([world["g"].pk], day=TODAY) == 2
    BuddyMatchFactory(household=world["B"], start_date=dt.date(2026, 8, 2), end_date=dt.date(2026, 9, 1))
    assert figures.households_without_buddy([world["g"].pk], day=TODAY) == 2  # B's match has ended


def test_figures_use_a_constant_number_of_queries(world, django_assert_num_queries):
    many = [m.pk for m in figures.Municipality.objects.all()[:200]]
    with django_assert_num_queries(3):
        figures.municipality_figures(H2, [world["g"].pk], today=TODAY)
    with django_assert_num_queries(3):
        figures.municipality_figures(H2, many, today=TODAY)
    with django_assert_num_queries(3):
        figures.municipality_figures(H2, today=TODAY, include_empty=True)
