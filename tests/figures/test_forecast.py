"""The 12-month forecast (figures.forecast) against a hand-computed fixture.

Today 2026-04-15 (period 2026-H1; checkpoints 1 July 2026 and 1 January 2027). Months April 2026
(15–30 April) … March 2027. Pace window: October 2025 – March 2026 (6 months).

Groningen (G, GM0014): quota 2026-H1 20 + 4 carried over (task 24), 2026-H2 15 (carried over not
overridden). Utrecht (U, GM0344): 2026-H1 6 − 1 (task 5), no quota for 2026-H2. Amsterdam (A) lies
outside the region {G, U} and must never show in it.

household  linked persons  placements / reunification
hA         G      3        HAR from 2025-11-10, ends 2026-05-10; permanent from 2026-05-10
hB         G      2        HAR from 2026-02-01, planned end 2026-08-01
hC         G      1        transit from 2026-04-01, end recorded 2026-04-20 (planned end 2026-10-01)
hD         G      2        HAR from 2026-04-15 (today: realised, not planned), planned end 2026-10-15
hE         G      4        HAR from 2026-06-01 (planned), planned end 2026-12-01
hF         G      1        reunification: 3 members expected 2026-09-20
hG         G      1        reunification: 2 expected 2026-04-10 (before today: not counted)
hH         G      1        reunification: 2 expected 2026-05-05, arrived 2026-04-01 (not counted)
hI         G      1        HAR 2025-09-15 → 2025-12-01, permanent from 2025-12-01 (before the pace)
hJ         G      1        HAR from 2025-12-01, planned end 2026-03-01, no end (overdue: no month)
hK         G      1        HAR from 2026-07-10 (planned), planned end 2027-01-10
hU1        U      2        permanent from 2026-01-10
hU2        U      1        HAR in a Groningen property from 2026-03-01, planned end 2026-09-01
hX         A      5        HAR from 2026-01-05, planned end 2026-07-05

Properties (by location): G approved, 5 places, available from 2026-05-01 (May); G approved, 3
places, available from 2026-04-01 (before today: available now, not coming); G offered, 10 places,
from 2026-06-01 (not approved: not counted); U approved, 2 places, from 2026-04-20 (April);
A approved, 8 places, from 2026-06-01.

Pace: G 3 (hA) + 1 (hJ) + 2 (hB) = 6 in 6 months → 1 a month; U 2 (hU1) + 1 (hU2) = 3 → ½ a month.

Checkpoint 1 July 2026, G: realised so far hB 2 + hC 1 + hD 2 = 5. Expected: April ½ (pace 1 × the
15 of 30 days after today; nothing planned), May 1 (pace), June 4 (hE planned, more than the pace)
= 5½ → 6. Projected 11, task 24: 13 short.
U: realised 3 (hU1 2, hU2 1); expected April ¼ + May ½ + June ½ = 1¼ → 1; projected 4, task 5:
1 short.
Checkpoint 1 January 2027, G: carried over = 24 − 11 = 13, task 15 + 13 = 28; expected July
max(1 planned (hK), 1) + 5 × 1 = 6: 22 short. U: no quota.
"""

import datetime as dt
from fractions import Fraction

import pytest
from django.utils import translation

from figures.forecast import PACE_MONTHS, forecast
from housing.models import Property
from tests.factories import (
    GRONINGEN,
    UTRECHT,
    HouseholdFactory,
    PlacementFactory,
    PropertyFactory,
    QuotaFactory,
    RegionFactory,
    ResidentFactory,
    municipality,
)

TODAY = dt.date(2026, 4, 15)
AMSTERDAM = "GM0363"
HAR, TRANSIT, PERMANENT = "har", "transit", "permanent"
MONTHS = [dt.date(2026, m, 1) for m in range(4, 13)] + [dt.date(2027, m, 1) for m in range(1, 4)]


def household(linked, persons, **kwargs):
    h = HouseholdFactory(municipality=linked, **kwargs)
    for _index in range(persons):
        ResidentFactory(household=h)
    return h


def place(h, prop, kind, start, *, end=None, planned_end=None):
    for resident in h.residents.all():
        PlacementFactory(
            resident=resident,
            property=prop,
            kind=kind,
            start_date=start,
            end_date=end,
            planned_end=planned_end,
        )


@pytest.fixture
def world(db):
    g, u, a = municipality(GRONINGEN), municipality(UTRECHT), municipality(AMSTERDAM)
    QuotaFactory(municipality=g, year=2026, half=1, target=20, carried_over=4)
    QuotaFactory(municipality=g, year=2026, half=2, target=15, carried_over=0)
    QuotaFactory(municipality=u, year=2026, half=1, target=6, carried_over=-1)
    QuotaFactory(municipality=a, year=2026, half=1, target=100, carried_over=0)
    region = RegionFactory(name="Regio Test")
    region.members.set([g, u])

    approved = Property.Status.APPROVED
    p_g = PropertyFactory(municipality=g, capacity=40)
    p_g_new = PropertyFactory(municipality=g, capacity=5, status=approved, available_from=dt.date(2026, 5, 1))
    PropertyFactory(municipality=g, capacity=3, status=approved, available_from=dt.date(2026, 4, 1))
    PropertyFactory(
        municipality=g, capacity=10, status=Property.Status.OFFERED, available_from=dt.date(2026, 6, 1)
    )
    p_u = PropertyFactory(municipality=u, capacity=10, postcode="3511 AB", place="Utrecht")
    PropertyFactory(
        municipality=u, capacity=2, status=approved, available_from=dt.date(2026, 4, 20), place="Utrecht"
    )
    p_a = PropertyFactory(municipality=a, capacity=10, place="Amsterdam")
    PropertyFactory(municipality=a, capacity=8, status=approved, available_from=dt.date(2026, 6, 1))

    d = dt.date
    h_a = household(g, 3)
    place(h_a, p_g, HAR, d(2025, 11, 10), end=d(2026, 5, 10), planned_end=d(2026, 5, 10))
    place(h_a, p_g_new, PERMANENT, d(2026, 5, 10))
    place(household(g, 2), p_g, HAR, d(2026, 2, 1), planned_end=d(2026, 8, 1))
    place(household(g, 1), p_g, TRANSIT, d(2026, 4, 1), end=d(2026, 4, 20), planned_end=d(2026, 10, 1))
    place(household(g, 2), p_g, HAR, d(2026, 4, 15), planned_end=d(2026, 10, 15))
    place(household(g, 4), p_g, HAR, d(2026, 6, 1), planned_end=d(2026, 12, 1))
    household(g, 1, reunification_expected_members=3, reunification_expected_on=d(2026, 9, 20))
    household(g, 1, reunification_expected_members=2, reunification_expected_on=d(2026, 4, 10))
    household(
        g,
        1,
        reunification_expected_members=2,
        reunification_expected_on=d(2026, 5, 5),
        reunification_arrived_on=d(2026, 4, 1),
    )
    h_i = household(g, 1)
    place(h_i, p_g, HAR, d(2025, 9, 15), end=d(2025, 12, 1), planned_end=d(2026, 3, 15))
    place(h_i, p_g, PERMANENT, d(2025, 12, 1))
    place(household(g, 1), p_g, HAR, d(2025, 12, 1), planned_end=d(2026, 3, 1))
    place(household(g, 1), p_g, HAR, d(2026, 7, 10), planned_end=d(2027, 1, 10))
    place(household(u, 2), p_u, PERMANENT, d(2026, 1, 10))
    place(household(u, 1), p_g, HAR, d(2026, 3, 1), planned_end=d(2026, 9, 1))
    place(household(a, 5), p_a, HAR, d(2026, 1, 5), planned_end=d(2026, 7, 5))
    return {"g": g, "u": u, "a": a, "region": region}


def columns(months):
    """{month: (temporary ending, places coming, planned persons, reunification)}, non-zero only."""
    out = {}
    for m in months:
        values = (m.temporary_ending, m.places_coming, m.planned_persons, m.reunification)
        if any(values):
            out[m.month] = values
    return out


def test_groningen_every_month(world):
    result = forecast([world["g"].pk], today=TODAY)
    (g,) = result.municipalities
    assert [m.month for m in g.months] == MONTHS
    assert g.months[0].start == TODAY and g.months[0].end == dt.date(2026, 4, 30)
    assert g.months[1].start == dt.date(2026, 5, 1) and g.months[-1].end == dt.date(2027, 3, 31)
    d = dt.date
    assert columns(g.months) == {
        d(2026, 4, 1): (1, 0, 0, 0),  # hC's recorded end; the approved property of 1 April is not coming
        d(2026, 5, 1): (3, 5, 3, 0),  # hA leaves HAR and moves into the new property (5 places)
        d(2026, 6, 1): (0, 0, 4, 0),  # hE starts; the offered property is not counted
        d(2026, 7, 1): (0, 0, 1, 0),  # hK
        d(2026, 8, 1): (2, 0, 0, 0),  # hB
        d(2026, 9, 1): (0, 0, 0, 3),  # hF's family; hU2's stay ends in Utrecht's forecast
        d(2026, 10, 1): (2, 0, 0, 0),  # hD
        d(2026, 12, 1): (4, 0, 0, 0),  # hE
        d(2027, 1, 1): (1, 0, 0, 0),  # hK
    }
    assert g.months[1].homes_coming == 8
    assert g.pace == Fraction(6, PACE_MONTHS) == 1
    assert result.pace_months == (dt.date(2025, 10, 1), dt.date(2026, 3, 31))


def test_groningen_checkpoints(world):
    (g,) = forecast([world["g"].pk], today=TODAY).municipalities
    first, second = g.checkpoints
    assert (first.day, str(first.period)) == (dt.date(2026, 7, 1), "2026-H1")
    assert (first.task, first.realised, first.planned, first.expected) == (24, 5, 4, 6)
    assert (first.projected, first.position, first.shortfall) == (11, -13, 13)
    assert (second.day, str(second.period)) == (dt.date(2027, 1, 1), "2026-H2")
    assert (second.target, second.carried_over, second.task) == (15, 13, 28)
    assert (second.realised, second.planned, second.expected, second.position) == (0, 1, 6, -22)


def test_utrecht_counts_its_household_placed_in_groningen_and_has_no_second_quota(world):
    (u,) = forecast([world["u"].pk], today=TODAY).municipalities
    assert u.pace == Fraction(1, 2)
    assert columns(u.months) == {dt.date(2026, 4, 1): (0, 2, 0, 0), dt.date(2026, 9, 1): (1, 0, 0, 0)}
    first, second = u.checkpoints
    assert (first.task, first.realised, first.expected, first.position) == (5, 3, 1, -1)
    assert not second.has_quota and second.position is None and second.shortfall == 0


def test_wording_in_dutch_and_english(world):
    (g,) = forecast([world["g"].pk], today=TODAY).municipalities
    (u,) = forecast([world["u"].pk], today=TODAY).municipalities
    with translation.override("nl"):
        assert (
            g.checkpoints[0].sentence
            == "Bij het huidige tempo komt Groningen op 1 juli 2026 13 personen tekort."
        )
        assert g.checkpoints[1].sentence == (
            "Bij het huidige tempo komt Groningen op 1 januari 2027 22 personen tekort."
        )
        assert (
            u.checkpoints[0].sentence == "Bij het huidige tempo komt Utrecht op 1 juli 2026 1 persoon tekort."
        )
        assert u.checkpoints[1].sentence == (
            "Voor 2026-H2 is nog geen taakstelling vastgelegd, dus voor 1 januari 2027 is er geen stand "
            "te voorspellen."
        )
    with translation.override("en"):
        assert (
            g.checkpoints[0].sentence == "At the present pace Groningen is 13 persons short on 1 July 2026."
        )


def test_meeting_the_quota_is_worded_as_such(world):
    (g,) = forecast([world["g"].pk], today=TODAY).municipalities
    first = g.checkpoints[0]
    first.carried_over = -13  # task 7: projected 11 is 4 more
    with translation.override("nl"):
        assert first.sentence == (
            "Bij het huidige tempo haalt Groningen op 1 juli 2026 de taakstelling, met 4 personen over."
        )
        first.carried_over = -9
        assert (
            first.sentence == "Bij het huidige tempo haalt Groningen op 1 juli 2026 precies de taakstelling."
        )


def test_region_sums_its_members_and_leaves_out_others(world):
    ids = list(world["region"].members.values_list("pk", flat=True))
    result = forecast(ids, today=TODAY)
    assert [m.cbs_code for m in result.municipalities] == [GRONINGEN, UTRECHT]
    d = dt.date
    assert columns(result.months) == {
        d(2026, 4, 1): (1, 2, 0, 0),
        d(2026, 5, 1): (3, 5, 3, 0),
        d(2026, 6, 1): (0, 0, 4, 0),  # Amsterdam's 8 places in June are not in the region
        d(2026, 7, 1): (0, 0, 1, 0),  # nor hX's stay ending in July
        d(2026, 8, 1): (2, 0, 0, 0),
        d(2026, 9, 1): (1, 0, 0, 3),
        d(2026, 10, 1): (2, 0, 0, 0),
        d(2026, 12, 1): (4, 0, 0, 0),
        d(2027, 1, 1): (1, 0, 0, 0),
    }
    first, second = result.checkpoints
    assert (first.municipalities, first.short, first.shortfall, first.task) == (2, 2, 14, 29)
    assert (second.municipalities, second.short, second.shortfall) == (1, 1, 22)
    with translation.override("nl"):
        assert first.sentence == (
            "Bij het huidige tempo komen 2 van de 2 gemeenten met een taakstelling op 1 juli 2026 "
            "tekort, samen 14 personen."
        )
    assert [m.cbs_code for m in result.furthest_short(1)] == [GRONINGEN]


def test_a_carried_over_figure_overridden_with_a_reason_is_kept(world):
    from housing.models import Quota

    Quota.objects.filter(municipality=world["g"], year=2026, half=2).update(
        carried_over=2, carried_over_reason="Correctie COA"
    )
    (g,) = forecast([world["g"].pk], today=TODAY).municipalities
    assert (g.checkpoints[1].task, g.checkpoints[1].position) == (17, -11)


def test_a_new_placement_changes_the_forecast(world):
    """What a browser test sees after placing a household: June gets its persons, the checkpoint moves."""
    h = household(world["g"], 6)
    place(h, PropertyFactory(municipality=world["g"], capacity=6), HAR, dt.date(2026, 6, 10))
    (g,) = forecast([world["g"].pk], today=TODAY).municipalities
    assert g.months[2].planned_persons == 10
    assert g.checkpoints[0].expected == 12  # ½ + 1 + 10, rounded half up
    assert g.checkpoints[0].position == -7


@pytest.mark.parametrize("scope", ["one", "region", "all"])
def test_query_count_is_fixed_whatever_the_number_of_municipalities(world, scope, django_assert_num_queries):
    ids = {
        "one": [world["g"].pk],
        "region": list(world["region"].members.values_list("pk", flat=True)),
        "all": None,
    }[scope]
    with django_assert_num_queries(8):
        result = forecast(ids, today=TODAY)
    if scope == "all":
        assert len(result.municipalities) >= 340  # every existing municipality
        amsterdam = next(m for m in result.municipalities if m.cbs_code == AMSTERDAM)
        assert amsterdam.months[2].places_coming == 8
        assert amsterdam.months[3].temporary_ending == 5


def test_empty_selection_gives_empty_forecast(db):
    result = forecast([], today=TODAY)
    assert result.municipalities == []
    assert all(not any((m.temporary_ending, m.places_coming)) for m in result.months)
    assert result.checkpoints[0].day == dt.date(2026, 7, 1) and not result.checkpoints[0].has_quota


def test_only_permanent_homes_count_when_the_setting_says_so(world, settings):
    """QUOTA_COUNTING_KINDS=permanent: the pace and the planned starts follow the same setting as
    realised. G: hI's first permanent home (2025-12-01) is the pace (1 in 6 months); hA's permanent
    home in May is planned; nothing realised in 2026-H1. Expected April 1/12 + May 3 + June 1/6 =
    3¼ → 3; projected 3 against 24: 21 short."""
    settings.QUOTA_COUNTING_KINDS = ["permanent"]
    (g,) = forecast([world["g"].pk], today=TODAY).municipalities
    assert g.pace == Fraction(1, 6)
    first = g.checkpoints[0]
    assert (first.realised, first.planned, first.expected, first.position) == (0, 3, 3, -21)
