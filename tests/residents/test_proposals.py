"""Holds and proposals (issue 16): residents.proposals, under the capacity rule and in the audit
history; two acceptances into the last places at the same moment (PostgreSQL)."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation
from django.utils.formats import date_format

from residents import proposals, services
from residents.models import Hold, Placement, Proposal
from tests.factories import HouseholdFactory, PlacementFactory, PropertyFactory, ResidentFactory, make_user
from tests.residents.test_concurrency import race

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _dutch():
    with translation.override("nl"):
        yield


def today():
    return timezone.localdate()


def household(persons=2, **fields):
    h = HouseholdFactory(**fields)
    ResidentFactory.create_batch(persons, household=h)
    return h


def propose(h, prop, **kwargs):
    values = {"kind": Placement.Kind.TRANSIT, "start_date": today() + dt.timedelta(days=7), "user": None}
    values.update(kwargs)
    return proposals.propose(household=h, property=prop, **values)


def test_a_proposal_holds_the_households_places_until_its_answer_date():
    prop = PropertyFactory(capacity=3)
    proposal = propose(household(2), prop, respond_by=today() + dt.timedelta(days=3))
    hold = proposal.hold
    assert (hold.places, hold.reason, hold.start_date) == (2, Hold.Reason.PROPOSAL, today())
    assert hold.end_date == today() + dt.timedelta(days=4)  # free again the day after the answer date
    # The held places count against another household's placement...
    other = household(2)
    with pytest.raises(ValidationError) as refused:
        services.place_household(household=other, property=prop, kind="har", start_date=today())
    assert "vastgehouden" in " ".join(refused.value.messages)
    # ...but never in the §6 figures or the property's occupancy.
    assert Placement.objects.filter(property=prop).count() == 0


def test_a_proposal_that_does_not_fit_is_refused_with_every_reason():
    prop = PropertyFactory(capacity=2, suitable_for_families=False)
    with pytest.raises(ValidationError) as refused:
        propose(household(3), prop)
    move_in = date_format(today() + dt.timedelta(days=7), "j F Y")
    assert refused.value.messages == [
        "Een huishouden van 3 personen; deze plek is niet geschikt voor gezinnen.",
        f"3 personen, 2 vrije plaatsen vanaf {move_in}.",
    ]
    assert not Proposal.objects.exists() and not Hold.objects.exists()


def test_accepting_places_the_household_in_one_transaction_and_frees_the_hold():
    prop = PropertyFactory(capacity=4)
    h = household(2)
    proposal = propose(h, prop)
    decider = make_user("municipal_staff", ["GM0014"])
    placed = proposals.accept_proposal(proposal=proposal, user=decider)
    assert len(placed) == 2
    assert {p.property_id for p in placed} == {prop.pk}
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == (Proposal.Status.ACCEPTED, decider)
    assert proposal.hold.end_date == today()  # released
    with pytest.raises(ValidationError, match="al geaccepteerd"):
        proposals.accept_proposal(proposal=proposal, user=decider)


def test_a_failed_acceptance_changes_nothing_and_the_proposal_stays_open():
    prop = PropertyFactory(capacity=2)
    h = household(2)
    proposal = propose(h, prop)
    # The answer date passed, the hold lapsed, and someone else took the places meanwhile.
    Hold.objects.filter(pk=proposal.hold_id).update(end_date=today())
    services.place_household(household=household(2), property=prop, kind="har", start_date=today())
    with pytest.raises(ValidationError, match="vol"):
        proposals.accept_proposal(proposal=proposal, user=None)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.OPEN
    assert not Placement.objects.filter(resident__household=h).exists()


def test_a_declined_household_is_not_proposed_again_for_that_property():
    prop = PropertyFactory(capacity=6)
    h = household(2)
    proposal = propose(h, prop)
    proposals.decline_proposal(
        proposal=proposal, user=None, reason="too_small", note="Te weinig slaapkamers."
    )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DECLINED
    assert proposal.hold.end_date == today()
    with pytest.raises(ValidationError) as refused:
        propose(h, prop)
    assert refused.value.messages[0].startswith("Afgewezen voor deze woning op ")
    # Another property is fine.
    assert propose(h, PropertyFactory(capacity=6)).status == Proposal.Status.OPEN


def test_declining_needs_a_reason():
    proposal = propose(household(1), PropertyFactory())
    with pytest.raises(ValidationError):
        proposals.decline_proposal(proposal=proposal, user=None, reason="")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.OPEN


def test_one_open_proposal_per_household_and_an_expired_one_is_withdrawn_by_a_new_one():
    h = household(1)
    first = propose(h, PropertyFactory())
    with pytest.raises(ValidationError, match="al een open voorstel"):
        propose(h, PropertyFactory())
    Proposal.objects.filter(pk=first.pk).update(respond_by=today() - dt.timedelta(days=1))
    second = propose(h, PropertyFactory())
    first.refresh_from_db()
    assert first.status == Proposal.Status.WITHDRAWN and second.status == Proposal.Status.OPEN


def test_a_hold_for_reunification_needs_free_places_and_releases_early():
    prop = PropertyFactory(capacity=3)
    PlacementFactory(property=prop, start_date=today() - dt.timedelta(days=30), planned_end=None)
    h = household(1)
    with pytest.raises(ValidationError, match="vol"):
        proposals.hold_places(
            household=h,
            property=prop,
            places=3,
            end_date=today() + dt.timedelta(days=90),
            reason="reunification",
        )
    hold = proposals.hold_places(
        household=h, property=prop, places=2, end_date=today() + dt.timedelta(days=90), reason="reunification"
    )
    assert hold.is_active_on(today())
    proposals.release_hold(hold=hold)
    hold.refresh_from_db()
    assert not hold.is_active_on(today())


def test_every_step_is_in_the_audit_history():
    prop = PropertyFactory(capacity=4)
    proposal = propose(household(1), prop)
    proposals.decline_proposal(proposal=proposal, user=None, reason="other_plans")
    entries = LogEntry.objects.get_for_object(proposal)
    assert entries.count() == 2  # created, declined
    assert LogEntry.objects.get_for_object(proposal.hold).count() == 2  # created, released


@pytest.mark.slow
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks between threads")
@pytest.mark.django_db(transaction=True)
def test_twenty_acceptances_into_the_last_place_at_the_same_moment_place_exactly_one_household():
    """The issue's "two pioneers accepting proposals into the last places at the same moment", with
    twenty: every proposal was made while places were free; one place is left."""
    prop = PropertyFactory(capacity=3)
    PlacementFactory.create_batch(
        2, property=prop, start_date=today() - dt.timedelta(days=10), planned_end=None
    )
    made = [
        Proposal.objects.create(
            household=household(1),
            property=prop,
            kind=Placement.Kind.TRANSIT,
            start_date=today(),
            respond_by=today() + dt.timedelta(days=7),
        )
        for _ in range(20)
    ]
    pioneers = [make_user("pioneer", ["GM0014"]) for _ in range(20)]
    successes, refusals, errors = race(
        [
            lambda p=p, u=u: proposals.accept_proposal(proposal=p, user=u)
            for p, u in zip(made, pioneers, strict=True)
        ]
    )
    assert errors == []
    assert len(successes) == 1 and len(refusals) == 19
    assert all("vol" in refusal for refusal in refusals)
    assert Placement.objects.filter(property=prop, end_date__isnull=True).count() == 3
    statuses = list(Proposal.objects.values_list("status", flat=True))
    assert statuses.count("accepted") == 1 and statuses.count("open") == 19


def test_held_places_never_count_in_the_section_6_figures():
    from figures.figures import capacity_figures, municipality_figures
    from housing.periods import Period

    prop = PropertyFactory(capacity=5)
    ids = [prop.municipality_id]
    period = Period.containing(today())
    before = capacity_figures(ids), municipality_figures(period, ids)
    proposals.hold_places(
        household=household(2),
        property=prop,
        places=4,
        end_date=today() + dt.timedelta(days=30),
        reason="other",
    )
    after = capacity_figures(ids), municipality_figures(period, ids)
    assert [(s.occupied, s.free) for s in after[0].by_status] == [
        (s.occupied, s.free) for s in before[0].by_status
    ]
    assert sum(s.free for s in after[0].by_status) == 5
    assert after[1] == before[1]


def test_a_household_without_residents_cannot_be_proposed():
    with pytest.raises(ValidationError) as refused:
        propose(household(0), PropertyFactory())
    assert refused.value.messages == ["Dit huishouden heeft geen bewoners om te plaatsen."]
    assert not Proposal.objects.exists() and not Hold.objects.exists()
