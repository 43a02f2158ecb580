"""Matching and planning (issue 16): waiting households, who fits where and why, holds and
proposals. The rules are residents.matching; the use cases residents.proposals; these views read
the request, call them and render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accesslog.log import log_access
from accounts.access import get_visible_or_404, personal_data_view, pioneer_view
from accounts.audit import history_of
from front.filters.residents import WaitingFilter
from front.forms.matching import DecisionForm, HoldForm, ProposalForm
from front.views.common import error_messages, filtered_page, posted
from housing.models import Property
from residents import matching, proposals
from residents.access import subjects_for_households
from residents.models import Hold, Household, Proposal

SHOWN = 100  # rows per list on a matching page; the headings give the full counts


def _split(ranked):
    """The fitting and the not fitting, each cut to SHOWN rows, with their full counts."""
    fitting = [a for a in ranked if a.fits]
    not_fitting = [a for a in ranked if not a.fits]
    return {
        "fitting": fitting[:SHOWN],
        "not_fitting": not_fitting[:SHOWN],
        "fitting_count": len(fitting),
        "not_fitting_count": len(not_fitting),
        "shown": SHOWN,
    }


def _refused(form, error):
    for message in error_messages(error):
        form.add_error(None, message)


@personal_data_view
def waiting_list(request):
    """Households linked to a municipality and not yet placed, longest waiting first."""
    today = timezone.localdate()
    waiting = (
        matching.waiting_households()
        .filter(pk__in=Household.objects.visible_to(request.user).values("pk"))
        .with_persons()
        .select_related("municipality")
        .order_by("linked_on", "reference")
    )
    filterset = WaitingFilter(request.GET or None, queryset=waiting, request=request)
    page = filtered_page(request, filterset)
    for household in page:
        household.days_waiting = household.waiting_days(today)
    log_access(request, "list", subjects_for_households([h.pk for h in page]), purpose="waiting_list")
    return render(request, "matching/waiting.html", {"filter": filterset, "page_obj": page, "today": today})


def _property(request, pk):
    return get_visible_or_404(Property.objects.select_related("municipality"), request.user, request, pk=pk)


def _household(request, pk):
    return get_visible_or_404(Household.objects.select_related("municipality"), request.user, request, pk=pk)


@personal_data_view
def property_matches(request, pk):
    """The waiting households of the property's municipality, ranked, with reasons and why-nots."""
    today = timezone.localdate()
    prop = _property(request, pk)
    place, ranked = matching.rank_for_property(
        prop, today, households=Household.objects.visible_to(request.user)
    )
    lists = _split(ranked)
    shown = [a.need.pk for a in lists["fitting"] + lists["not_fitting"]]
    log_access(request, "view", subjects_for_households(shown), purpose="matching")
    return render(
        request,
        "matching/property.html",
        {"property": prop, "place": place, "move_in": place.move_in_day(today), "today": today, **lists},
    )


@personal_data_view
def household_matches(request, pk):
    """The properties with room for one household, ranked the same way."""
    today = timezone.localdate()
    household = _household(request, pk)
    need, ranked = matching.rank_for_household(
        household, today, properties=Property.objects.visible_to(request.user)
    )
    log_access(request, "view", subjects_for_households([household.pk]), purpose="matching")
    return render(
        request,
        "matching/household.html",
        {"household": household, "need": need, "today": today, **_split(ranked)},
    )


@pioneer_view
def proposal_create(request, property_pk, household_pk):
    """A pioneer proposes a household for a property (the matching rules must agree)."""
    today = timezone.localdate()
    prop = _property(request, property_pk)
    household = _household(request, household_pk)
    assessment = matching.assess_pair(prop, household, today)
    form = ProposalForm(posted(request), move_in=assessment.move_in)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = proposals.propose(
                household=household,
                property=prop,
                kind=data["kind"],
                start_date=data["start_date"],
                respond_by=data["respond_by"],
                note=data["note"],
                user=request.user,
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                _("Household %(household)s is proposed for %(property)s; its places are held until %(date)s.")
                % {
                    "household": household.reference,
                    "property": prop.name,
                    "date": proposal.respond_by.strftime("%d-%m-%Y"),
                },
            )
            return redirect(proposal)
    log_access(request, "view", subjects_for_households([household.pk]), purpose="proposal")
    return render(
        request,
        "matching/proposal_form.html",
        {"property": prop, "household": household, "assessment": assessment, "form": form},
    )


def _proposals(request):
    return Proposal.objects.visible_to(request.user).select_related(
        "household__municipality", "property__municipality", "proposed_by", "decided_by"
    )


@personal_data_view
def proposal_list(request):
    """Open proposals first (oldest answer date first), then the decided ones, newest first."""
    visible = _proposals(request)
    open_ = list(visible.open().order_by("respond_by", "pk"))
    decided = list(visible.exclude(status=Proposal.Status.OPEN).order_by("-decided_at", "-pk")[:50])
    return render(
        request,
        "matching/proposal_list.html",
        {"open": open_, "decided": decided, "today": timezone.localdate()},
    )


@personal_data_view
def proposal_detail(request, pk):
    proposal = get_visible_or_404(_proposals(request), request.user, request, pk=pk)
    form = DecisionForm(posted(request))
    if request.method == "POST" and proposal.status == Proposal.Status.OPEN and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == DecisionForm.ACCEPT:
                proposals.accept_proposal(proposal=proposal, user=request.user, note=data["note"])
                messages.success(
                    request,
                    _("Accepted: household %(household)s is placed in %(property)s from %(date)s.")
                    % {
                        "household": proposal.household.reference,
                        "property": proposal.property.name,
                        "date": proposal.start_date.strftime("%d-%m-%Y"),
                    },
                )
                return redirect(proposal.household)
            proposals.decline_proposal(
                proposal=proposal, user=request.user, reason=data["decline_reason"], note=data["note"]
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The proposal is declined; the held places are free again."))
            return redirect(proposal)
    log_access(request, "view", subjects_for_households([proposal.household_id]), purpose="proposal")
    return render(
        request,
        "matching/proposal_detail.html",
        {
            "proposal": proposal,
            "form": form,
            "history": history_of(proposal),
            "today": timezone.localdate(),
        },
    )


@pioneer_view
def proposal_withdraw(request, pk):
    proposal = get_visible_or_404(_proposals(request), request.user, request, pk=pk)
    if request.method == "POST":
        try:
            proposals.withdraw_proposal(proposal=proposal, user=request.user)
        except ValidationError as error:
            for message in error_messages(error):
                messages.error(request, message)
        else:
            messages.success(request, _("The proposal is withdrawn; the held places are free again."))
    return redirect(proposal)


@personal_data_view
def hold_create(request, property_pk, household_pk):
    """Hold places in a property for a household, e.g. for family members expected to arrive."""
    prop = _property(request, property_pk)
    household = _household(request, household_pk)
    initial = {
        "places": household.reunification_expected_members or None,
        "reason": Hold.Reason.REUNIFICATION,
    }
    if household.reunification_expected_on:
        initial["end_date"] = household.reunification_expected_on
    form = HoldForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposals.hold_places(
                household=household,
                property=prop,
                places=data["places"],
                end_date=data["end_date"],
                reason=data["reason"],
                user=request.user,
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                _("%(places)s places in %(property)s are held for %(household)s until %(date)s.")
                % {
                    "places": data["places"],
                    "property": prop.name,
                    "household": household.reference,
                    "date": data["end_date"].strftime("%d-%m-%Y"),
                },
            )
            return redirect(prop)
    return render(
        request, "matching/hold_form.html", {"property": prop, "household": household, "form": form}
    )


@personal_data_view
def hold_release(request, pk):
    hold = get_visible_or_404(Hold.objects.select_related("property"), request.user, request, pk=pk)
    if request.method == "POST":
        if hold.reason == Hold.Reason.PROPOSAL:
            messages.error(
                request, _("These places are held for an open proposal: withdraw or decide the proposal.")
            )
        else:
            proposals.release_hold(hold=hold)
            messages.success(request, _("The held places are free again."))
    return redirect(hold.property)
