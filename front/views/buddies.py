"""Buddies and their matches with households (SPEC §7): municipal staff and pioneers of the buddy's
municipality create and edit buddies, start, end and correct matches. The rules are in
BuddyMatch.clean and buddies.services; these views fetch through the scope and call them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accesslog.log import log_access
from accounts.access import get_visible_or_404, personal_data_view
from accounts.audit import history_of
from buddies import services
from buddies.models import Buddy, BuddyMatch
from front.filters.buddies import BuddyFilter
from front.forms.buddies import BuddyForm, BuddyMatchForm, MatchEditForm, MatchEndForm
from front.views.common import filtered_page, posted
from housing.periods import active_on
from residents.access import subjects_for_households
from residents.names import household_names


def add_refusal(form, error):
    """A service's ValidationError as form errors: on the form's own fields where it names them,
    the rest above the form (never a 500 for a field this form does not have)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def household_label(household, names):
    """A household as a user who may see names knows it: "Haddad (HH-…)", or its reference."""
    name = names.get(household.pk)
    return f"{name} ({household.reference})" if name else household.reference


@personal_data_view
def buddy_list(request):
    today = timezone.localdate()
    queryset = (
        Buddy.objects.visible_to(request.user)
        .select_related("municipality", "organisation")
        .annotate(active_matches=Count("matches", filter=active_on(today, prefix="matches__")))
        .order_by("name", "pk")
    )
    filterset = BuddyFilter(request.GET or None, queryset=queryset, request=request)
    page = filtered_page(request, filterset)
    return render(request, "buddies/list.html", {"filter": filterset, "page_obj": page})


@personal_data_view
def buddy_detail(request, pk):
    buddy = get_visible_or_404(
        Buddy.objects.select_related("municipality", "organisation"), request.user, request, pk=pk
    )
    today = timezone.localdate()
    matches = list(
        BuddyMatch.objects.visible_to(request.user)
        .filter(buddy=buddy)
        .select_related("household")
        .order_by("-start_date", "-pk")
    )
    names = household_names(m.household_id for m in matches)
    for match in matches:
        match.is_current = match.is_active_on(today)
        match.household_name = names.get(match.household_id, "")
    if names:  # residents' names are on the page
        log_access(request, "view", subjects_for_households(names))
    return render(
        request,
        "buddies/detail.html",
        {"buddy": buddy, "matches": matches, "today": today, "history": history_of(buddy)},
    )


def _save_buddy(request, form):
    try:
        buddy = form.save_checked(lambda: services.save_buddy(buddy=form.save(commit=False)))
    except ValidationError as error:
        add_refusal(form, error)
        return None
    messages.success(request, _("Buddy %(name)s has been saved.") % {"name": buddy.name})
    return buddy


@personal_data_view
def buddy_create(request):
    form = BuddyForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid() and (buddy := _save_buddy(request, form)):
        return redirect(buddy)
    return render(request, "buddies/form.html", {"form": form})


@personal_data_view
def buddy_edit(request, pk):
    buddy = get_visible_or_404(Buddy, request.user, request, pk=pk)
    name = buddy.name  # the form changes the instance before it is known to be valid
    form = BuddyForm(posted(request), instance=buddy, user=request.user)
    if request.method == "POST" and form.is_valid() and (saved := _save_buddy(request, form)):
        return redirect(saved)
    return render(
        request,
        "buddies/form.html",
        {"form": form, "buddy": buddy, "buddy_name": name, "history": history_of(buddy)},
    )


def _match_message(text, match):
    names = household_names([match.household_id])
    return text % {"buddy": match.buddy.name, "household": household_label(match.household, names)}


@personal_data_view
def match_create(request):
    if request.method == "POST":
        form = BuddyMatchForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                match = services.start_match(
                    buddy=data["buddy"], household=data["household"], start_date=data["start_date"]
                )
            except ValidationError as error:
                add_refusal(form, error)
            else:
                messages.success(
                    request, _match_message(_("%(buddy)s is now the buddy of %(household)s."), match)
                )
                return redirect(match.household)
    else:
        initial = {"start_date": timezone.localdate()}
        for name in ("household", "buddy"):
            value = request.GET.get(name, "")
            if value.isdigit():
                initial[name] = int(value)
        form = BuddyMatchForm(initial=initial, user=request.user)
    return render(request, "buddies/match_form.html", {"form": form})


def _visible_match(request, pk):
    return get_visible_or_404(
        BuddyMatch.objects.select_related("buddy", "household"), request.user, request, pk=pk
    )


@personal_data_view
def match_end(request, pk):
    match = _visible_match(request, pk)
    names = household_names([match.household_id])
    form = MatchEndForm(posted(request), initial={"end_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.end_match(match=match, end_date=form.cleaned_data["end_date"])
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(
                request, _match_message(_("The match of %(buddy)s with %(household)s has ended."), match)
            )
            return redirect(match.buddy)
    log_access(request, "view", subjects_for_households([match.household_id]))
    return render(
        request,
        "buddies/match_end.html",
        {"form": form, "match": match, "household_label": household_label(match.household, names)},
    )


@personal_data_view
def match_edit(request, pk):
    match = _visible_match(request, pk)
    names = household_names([match.household_id])
    label = household_label(match.household, names)
    form = MatchEditForm(posted(request), instance=match)
    if request.method == "POST" and form.is_valid():
        try:
            form.save_checked(lambda: services.change_match(match=form.instance))
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(
                request,
                _match_message(
                    _("The dates of the match of %(buddy)s with %(household)s have been corrected."), match
                ),
            )
            return redirect(match.buddy)
    log_access(request, "view", subjects_for_households([match.household_id]))
    return render(
        request,
        "buddies/match_edit.html",
        {"form": form, "match": match, "household_label": label, "history": history_of(match)},
    )
