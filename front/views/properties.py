"""Properties: list with occupancy, detail with occupancy over time, create and edit (SPEC §7)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import personal_data_view
from accounts.audit import history_of
from figures.charts import forecast_chart
from figures.figures import occupancy_forecast
from front.filters.housing import PropertyFilter
from front.forms.housing import PropertyForm
from front.views.common import filtered_page
from housing.models import Property
from residents import services
from residents.models import Hold, Placement


def _visible(request):
    return Property.objects.visible_to(request.user)


@personal_data_view
def property_list(request):
    today = timezone.localdate()
    queryset = _visible(request).with_occupancy(today).select_related("municipality").order_by("name", "pk")
    filterset = PropertyFilter(request.GET or None, queryset=queryset, request=request)
    page = filtered_page(request, filterset)
    totals = filterset.qs.order_by().aggregate(
        capacity=Sum("capacity"), occupied=Sum("occupied_now"), free=Sum("free_now")
    )
    return render(
        request,
        "properties/list.html",
        {"filter": filterset, "page_obj": page, "totals": totals, "today": today},
    )


@personal_data_view
def property_detail(request, pk):
    today = timezone.localdate()
    prop = get_object_or_404(
        _visible(request).with_occupancy(today).select_related("municipality", "owner", "agreement"), pk=pk
    )
    placements = list(
        Placement.objects.filter(property=prop)
        .select_related("resident__household")
        .order_by("-start_date", "resident__household__reference", "resident__reference")
    )
    current = [p for p in placements if p.is_active_on(today)]
    households = {}
    for placement in current:
        households.setdefault(placement.resident.household, []).append(placement)
    forecast = occupancy_forecast(prop.capacity, placements, today=today)
    holds = list(
        Hold.objects.filter(property=prop, end_date__gt=today)
        .select_related("household", "proposal")
        .order_by("start_date", "pk")
    )
    return render(
        request,
        "properties/detail.html",
        {
            "property": prop,
            "today": today,
            "current_households": households.items(),
            "forecast": forecast,
            "chart": forecast_chart(forecast, prop.capacity),
            # "Earlier placements" lists only those that have ended; the current ones are above.
            "history": [p for p in placements if p.end_date is not None and p.end_date <= today],
            "planned": [p for p in placements if p.start_date > today],
            "holds": holds,
            "held_now": sum(h.places for h in holds if h.is_active_on(today)),
        },
    )


def _save(request, form):
    """Save through the service (the capacity rule under the property's row lock); a refusal
    becomes a form error. Returns the saved property or None."""
    twins = list(form.same_address().values_list("name", flat=True)[:5])
    try:
        prop = services.save_property(property=form.save(commit=False), loaded=form.loaded_values)
    except ValidationError as error:
        form.add_error(None, error)
        return None
    messages.success(request, _("Property %(name)s has been saved.") % {"name": prop.name})
    if twins:
        messages.warning(
            request,
            _("Another property has the same address: %(names)s. Check that it was not entered twice.")
            % {"names": ", ".join(twins)},
        )
    return prop


@personal_data_view
def property_create(request):
    form = PropertyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid() and (prop := _save(request, form)):
        return redirect(prop)
    return render(request, "properties/form.html", {"form": form})


@personal_data_view
def property_edit(request, pk):
    prop = get_object_or_404(_visible(request), pk=pk)
    name = prop.name  # the form may change the instance before it is valid
    form = PropertyForm(request.POST or None, instance=prop, user=request.user)
    if request.method == "POST" and form.is_valid() and (saved := _save(request, form)):
        return redirect(saved)
    context = {"form": form, "property": prop, "property_name": name, "history": history_of(prop)}
    return render(request, "properties/form.html", context)
