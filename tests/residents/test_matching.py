"""Matching (issue 16): each rule of residents.matching and its why-not reason, the ranking, holds."""

import datetime as dt

import pytest
from django.utils import translation

from housing.models import Property
from residents import matching
from residents.models import Hold, Household, Placement, Proposal
from tests.factories import HouseholdFactory, PlacementFactory, PropertyFactory, ResidentFactory

TODAY = dt.date(2027, 2, 10)
MARCH = dt.date(2027, 3, 1)


@pytest.fixture(autouse=True)
def _dutch():
    with translation.override("nl"):
        yield


def place(**overrides):
    values = {
        "pk": 1,
        "name": "Pastorie",
        "municipality_id": 1,
        "status": Property.Status.APPROVED,
        "capacity": 6,
        "available_from": None,
        "available_until": None,
        "suitable_for_families": True,
        "suitable_for_singles": True,
        "only_for": "",
        "suitable_for_minors": False,
        "step_free": False,
    }
    values.update(overrides)
    return matching.Place(**values)


def need(**overrides):
    values = {
        "pk": 10,
        "reference": "HH-AAAA",
        "municipality_id": 1,
        "category": Household.Category.REGULAR,
        "members": Household.Members.MIXED,
        "needs_step_free": False,
        "persons": 4,
        "expected_members": 0,
        "expected_on": None,
        "linked_on": dt.date(2026, 6, 1),
    }
    values.update(overrides)
    return matching.Need(**values)


def why_not(p, n, today=TODAY):
    return matching.assess(p, n, today).why_not


def test_a_household_that_fits_gets_its_reasons_and_none_against():
    result = matching.assess(place(), need(), TODAY)
    assert result.fits
    assert "4 personen, 6 vrije plaatsen vanaf 10 februari 2027." in result.reasons
    assert "Wacht sinds 1 juni 2026." in result.reasons


def test_too_many_persons_for_the_free_places_from_the_move_in_day():
    occupied = tuple((dt.date(2027, 1, 1), None) for _ in range(2))
    p = place(available_from=MARCH, placements=occupied)
    assert why_not(p, need(persons=5)) == ("5 personen, 4 vrije plaatsen vanaf 1 maart 2027.",)


def test_a_placement_that_starts_later_takes_its_place_from_then_on():
    # Free today, but a planned placement from April fills the place: the peak from today on counts.
    p = place(capacity=4, placements=((dt.date(2027, 4, 1), None),))
    assert why_not(p, need(persons=4)) == ("4 personen, 3 vrije plaatsen vanaf 10 februari 2027.",)


def test_a_place_that_is_left_before_the_move_in_day_is_free():
    p = place(capacity=4, placements=((dt.date(2026, 1, 1), dt.date(2027, 2, 10)),))
    assert matching.assess(p, need(persons=4), TODAY).fits


def test_expected_reunification_must_fit_too():
    n = need(persons=5, expected_members=3, expected_on=dt.date(2027, 6, 15))
    assert why_not(place(capacity=6), n) == ("Nareis verwacht: 3 erbij in juni 2027, dan 8 > 6.",)
    fits = matching.assess(place(capacity=8), n, TODAY)
    assert fits.fits
    assert "Nareis verwacht: 3 erbij in juni 2027, dan 8 ≤ 8." in fits.reasons


def test_men_only_and_women_only():
    assert why_not(place(only_for="men"), need(members=Household.Members.MIXED)) == (
        "Alleen mannen; dit huishouden: mannen en vrouwen.",
    )
    assert why_not(place(only_for="women"), need(members=Household.Members.UNKNOWN)) == (
        "Alleen vrouwen; dit huishouden: niet vastgelegd.",
    )
    assert matching.assess(place(only_for="men"), need(members=Household.Members.MEN), TODAY).fits


def test_families_and_singles():
    assert why_not(place(suitable_for_families=False), need(persons=2)) == (
        "Een huishouden van 2 personen; deze plek is niet geschikt voor gezinnen.",
    )
    # One person now, but reunification makes it a family.
    assert why_not(place(suitable_for_families=False), need(persons=1, expected_members=2))[0].startswith(
        "Een huishouden van 3 personen"
    )
    assert why_not(place(suitable_for_singles=False), need(persons=1)) == (
        "Een alleenstaande; deze plek is niet geschikt voor alleenstaanden.",
    )


def test_minors_via_nidos_and_step_free_access():
    amv = need(category=Household.Category.AMV_NIDOS, persons=1)
    assert why_not(place(), amv) == (
        "Een minderjarige via Nidos; deze plek is niet geschikt voor minderjarigen.",
    )
    assert matching.assess(place(suitable_for_minors=True), amv, TODAY).fits
    assert why_not(place(), need(needs_step_free=True)) == (
        "Heeft een drempelvrije toegang nodig; deze plek is niet drempelvrij.",
    )
    assert matching.assess(place(step_free=True), need(needs_step_free=True), TODAY).fits


def test_status_availability_declined_and_open_proposal():
    assert why_not(place(status=Property.Status.OFFERED), need()) == (
        "Nog niet goedgekeurd: status ‘aangeboden’.",
    )
    assert why_not(place(available_until=dt.date(2027, 2, 1)), need()) == (
        "Alleen beschikbaar tot 1 februari 2027.",
    )
    declined = need(declined={1: (dt.date(2027, 1, 5), "de plek is te klein")})
    assert why_not(place(), declined) == (
        "Afgewezen voor deze woning op 5 januari 2027: de plek is te klein.",
    )
    elsewhere = need(open_proposal=(2, "Klooster"))
    assert why_not(place(), elsewhere) == ("Heeft een open voorstel voor Klooster.",)
    assert matching.assess(place(), need(open_proposal=(1, "Pastorie")), TODAY).fits


def test_every_reason_is_given_at_once():
    p = place(status=Property.Status.CLOSED, only_for="women", capacity=2)
    assert len(why_not(p, need(persons=4, members=Household.Members.MEN, needs_step_free=True))) == 4


def test_holds_of_other_households_take_places_and_the_own_hold_does_not():
    holds = ((TODAY, dt.date(2027, 4, 1), 3, 99), (TODAY, dt.date(2027, 4, 1), 2, 10))
    p = place(capacity=6, holds=holds)
    assert p.free_for(10, TODAY) == 3  # the other household's 3 held places are taken
    assert p.free_for(99, TODAY) == 4
    result = matching.assess(p, need(persons=3), TODAY)
    assert result.fits and result.held == 2
    assert "2 plaatsen vastgehouden voor dit huishouden." in result.reasons


def test_an_expired_hold_frees_its_places_by_itself():
    p = place(capacity=4, holds=((dt.date(2027, 1, 1), dt.date(2027, 2, 10), 4, 99),))
    # The hold ends on 10 February (that day is free again).
    assert p.free_for(10, TODAY) == 4
    assert p.free_for(10, dt.date(2027, 2, 9)) == 0


def test_ranking_longest_waiting_first_unless_places_are_held():
    early, late, held = (
        need(pk=1, reference="HH-B", linked_on=dt.date(2026, 1, 1), persons=1),
        need(pk=2, reference="HH-A", linked_on=dt.date(2026, 9, 1), persons=1),
        need(pk=3, reference="HH-C", linked_on=dt.date(2026, 12, 1), persons=1),
    )
    misfit = need(pk=4, reference="HH-D", linked_on=dt.date(2025, 1, 1), persons=9)
    p = place(holds=((TODAY, dt.date(2027, 3, 1), 1, 3),))
    ranked = matching.rank_households(p, [late, misfit, early, held], TODAY)
    assert [a.need.reference for a in ranked] == ["HH-C", "HH-B", "HH-A", "HH-D"]
    assert [a.fits for a in ranked] == [True, True, True, False]
    # Reproducible: the same data in another order ranks the same.
    again = matching.rank_households(p, [held, early, misfit, late], TODAY)
    assert [a.need.reference for a in again] == ["HH-C", "HH-B", "HH-A", "HH-D"]


def test_ranking_places_for_a_household_tightest_fit_after_the_earliest_move_in():
    big = place(pk=1, name="Groot", capacity=10)
    tight = place(pk=2, name="Krap", capacity=4)
    later = place(pk=3, name="Later", capacity=4, available_from=MARCH)
    closed = place(pk=4, name="Dicht", capacity=4, status=Property.Status.CLOSED)
    ranked = matching.rank_places([closed, later, big, tight], need(persons=4), TODAY)
    assert [a.place.name for a in ranked] == ["Krap", "Groot", "Later", "Dicht"]


# --- Reading the data: fixed queries ---


@pytest.mark.django_db
def test_waiting_households_are_linked_and_never_placed():
    waiting = HouseholdFactory(linked_on=dt.date(2026, 5, 1))
    ResidentFactory(household=waiting)
    placed = PlacementFactory().resident.household
    assert set(matching.waiting_households()) == {waiting}
    assert placed not in matching.waiting_households()


@pytest.mark.django_db
def test_the_linking_date_defaults_to_the_day_a_household_is_registered():
    assert HouseholdFactory().linked_on is not None


@pytest.mark.django_db
def test_needs_and_places_are_read_in_a_fixed_number_of_queries(django_assert_num_queries):
    properties = PropertyFactory.create_batch(3)
    households = [HouseholdFactory() for _ in range(3)]
    for household in households:
        ResidentFactory.create_batch(2, household=household)
    PlacementFactory(property=properties[0])
    Hold.objects.create(
        property=properties[1],
        household=households[0],
        places=1,
        reason="other",
        start_date=TODAY,
        end_date=dt.date(2099, 1, 1),
    )
    Proposal.objects.create(
        household=households[1],
        property=properties[2],
        kind=Placement.Kind.HAR,
        start_date=TODAY,
        respond_by=TODAY,
        status=Proposal.Status.DECLINED,
        decline_reason="too_small",
    )
    with django_assert_num_queries(3):
        places = matching.places_for(Property.objects.filter(pk__in=[p.pk for p in properties]), TODAY)
    with django_assert_num_queries(3):
        needs = matching.needs_for(Household.objects.filter(pk__in=[h.pk for h in households]), TODAY)
    assert [n.persons for n in needs] == [2, 2, 2]
    assert places[0].placements and places[1].holds
    assert properties[2].pk in next(n for n in needs if n.pk == households[1].pk).declined
