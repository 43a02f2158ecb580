"""Buddies and their matches with households (SPEC §7)."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import personal_data_view
from buddies.models import Buddy
from front.filters.buddies import BuddyFilter
from front.forms.buddies import BuddyMatchForm
from front.views.common import filtered_page
from housing.periods import active_on


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
    buddy = get_object_or_404(
        Buddy.objects.visible_to(request.user).select_related("municipality", "organisation"), pk=pk
    )
    today = timezone.localdate()
    matches = list(buddy.matches.select_related("household").order_by("-start_date"))
    for match in matches:
        match.is_current = match.is_active_on(today)
    return render(request, "buddies/detail.html", {"buddy": buddy, "matches": matches, "today": today})


@personal_data_view
def match_create(request):
    if request.method == "POST":
        form = BuddyMatchForm(request.POST, user=request.user)
        if form.is_valid():
            match = form.save()
            messages.success(
                request,
                _("%(buddy)s is now the buddy of household %(reference)s.")
                % {"buddy": match.buddy.name, "reference": match.household.reference},
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
