"""Holds and proposals (issue 16): the use cases, each in one transaction under the property's row
lock, so holding places, proposing and accepting race neither each other nor a placement.

A proposal holds the household's places from the day it is made until its answer date (inclusive);
accepting it places the household through `services.place_household` (the capacity rule, the
overlap rule, the audit history) and ends the hold; declining records a structured reason and ends
the hold, and the household is not proposed for that property again.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from residents import matching, services
from residents.models import Hold, Proposal

PROPOSAL_ANSWER_DAYS = 14  # default time a municipality has to answer; the places are held meanwhile


@transaction.atomic
def hold_places(*, household, property, places, end_date, reason, user=None, start_date=None):
    """Hold `places` in `property` for `household` from `start_date` (default today) until, not
    including, `end_date`. The places must be free for the whole time (placements and other holds);
    ValidationError with a Dutch message otherwise, nothing saved."""
    locked = services.lock_property(property)
    start_date = start_date or timezone.localdate()
    hold = Hold(
        property=locked,
        household=household,
        places=places,
        reason=reason,
        start_date=start_date,
        end_date=end_date,
        created_by=user,
    )
    hold.full_clean()
    services.validate_capacity(property=locked, day=start_date, needed=places, household=household)
    hold.save()
    return hold


@transaction.atomic
def release_hold(*, hold, day=None):
    """End a hold early: its places are free again from `day` (default today). An expired hold
    stays as it is."""
    hold = Hold.objects.select_for_update().get(pk=hold.pk)
    day = day or timezone.localdate()
    if hold.end_date > day:
        hold.end_date = max(day, hold.start_date)
        hold.save(update_fields=["end_date"])
    return hold


def _withdraw_expired(household, today):
    """An open proposal past its answer date no longer holds anything; a new proposal for the
    household withdraws it (the one-open-proposal rule would refuse the new one otherwise)."""
    for stale in Proposal.objects.select_for_update().filter(
        household=household, status=Proposal.Status.OPEN, respond_by__lt=today
    ):
        stale.status = Proposal.Status.WITHDRAWN
        stale.decided_at = timezone.now()
        stale.save(update_fields=["status", "decided_at"])


def _already_open():
    return ValidationError(
        _("This household already has an open proposal; wait for its answer or withdraw it.")
    )


@transaction.atomic
def propose(*, household, property, kind, start_date, user, respond_by=None, note=""):
    """Propose `household` for `property`. Refused (ValidationError, Dutch, nothing saved) when the
    matching rules say it does not fit — with every why-not reason —, when the household was
    declined for this property before, or when it has an open proposal already. Holds the
    household's persons in the property until `respond_by` (default: two weeks)."""
    locked = services.lock_property(property)
    today = timezone.localdate()
    respond_by = respond_by or today + dt.timedelta(days=PROPOSAL_ANSWER_DAYS)
    if respond_by < today:
        raise ValidationError({"respond_by": _("The answer date lies in the past.")})
    if start_date < today:
        raise ValidationError({"start_date": _("The proposed move-in date lies in the past.")})
    _withdraw_expired(household, today)
    if Proposal.objects.filter(household=household, status=Proposal.Status.OPEN).exists():
        raise _already_open()
    assessment = matching.assess_pair(locked, household, start_date)
    if not assessment.need.persons:  # nothing to hold or place (the hold needs at least one place)
        raise ValidationError(_("This household has no residents to place."))
    if not assessment.fits:
        raise ValidationError(list(assessment.why_not))
    hold = hold_places(
        household=household,
        property=locked,
        places=assessment.need.persons,
        start_date=today,
        end_date=respond_by + dt.timedelta(days=1),
        reason=Hold.Reason.PROPOSAL,
        user=user,
    )
    proposal = Proposal(
        household=household,
        property=locked,
        kind=kind,
        start_date=start_date,
        respond_by=respond_by,
        note=note,
        hold=hold,
        proposed_by=user,
    )
    proposal.full_clean()
    try:
        with transaction.atomic():
            proposal.save()
    except IntegrityError as exc:  # a second proposal for the household at the same moment
        raise _already_open() from exc
    return proposal


def _open(proposal):
    """The proposal, locked, still open; ValidationError when someone else decided it first."""
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("household", "property", "hold")
        .get(pk=proposal.pk)
    )
    if proposal.status != Proposal.Status.OPEN:
        raise ValidationError(
            _("This proposal was already %(status)s on %(date)s.")
            % {
                "status": proposal.get_status_display(),
                "date": date_format(timezone.localtime(proposal.decided_at), "j F Y")
                if proposal.decided_at
                else "",
            },
            code="decided",
        )
    return proposal


def _decide(proposal, status, user, **fields):
    proposal.status = status
    proposal.decided_by = user
    proposal.decided_at = timezone.now()
    for name, value in fields.items():
        setattr(proposal, name, value)
    proposal.full_clean()
    proposal.save()
    if proposal.hold is not None:
        release_hold(hold=proposal.hold)


@transaction.atomic
def accept_proposal(*, proposal, user, note=""):
    """Accept: place the household in the property from the proposed day, in this transaction.
    The property's row lock (taken first) makes two acceptances into the last places run one after
    the other: the second gets the capacity rule's message and its proposal stays open."""
    services.lock_property(proposal.property)
    proposal = _open(proposal)
    placed = services.place_household(
        household=proposal.household,
        property=proposal.property,
        kind=proposal.kind,
        start_date=proposal.start_date,
    )
    _decide(proposal, Proposal.Status.ACCEPTED, user, note=note or proposal.note)
    return placed


@transaction.atomic
def decline_proposal(*, proposal, user, reason, note=""):
    """Decline with a structured reason (and a note); the held places are free again."""
    proposal = _open(proposal)
    if not reason:
        raise ValidationError({"decline_reason": _("Choose the reason for declining.")})
    _decide(proposal, Proposal.Status.DECLINED, user, decline_reason=reason, note=note or proposal.note)
    return proposal


@transaction.atomic
def withdraw_proposal(*, proposal, user):
    """The proposer withdraws an open proposal; the held places are free again."""
    proposal = _open(proposal)
    _decide(proposal, Proposal.Status.WITHDRAWN, user)
    return proposal
