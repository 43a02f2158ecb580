"""Properties: list with occupancy, detail with occupancy over time, create and edit (SPEC §7)."""

import datetime as dt

from django.contrib import messages
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import personal_data_view
from front.filters.housing import PropertyFilter
from front.forms.housing import PropertyForm
from front.views.common import filtered_page
from housing.models import Property
from residents.models import Placement, add_months
from residents.services import peak_occupancy

FORECAST_MONTHS = 12


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


def _forecast(prop, placements, today):
    """Expected occupancy at each of the next month starts: a placement counts until its end day, or
    its planned end when no end is recorded yet."""
    first = dt.date(today.year, today.month, 1)
    rows = []
    for index in range(FORECAST_MONTHS + 1):
        day = today if index == 0 else add_months(first, index)
        occupied = sum(
            1
            for p in placements
            if p.start_date <= day
            and ((p.end_date or p.planned_end) is None or (p.end_date or p.planned_end) > day)
        )
        rows.append({"day": day, "occupied": occupied, "free": max(0, prop.capacity - occupied)})
    return rows


def _chart(rows, capacity):
    """Geometry for a small server-rendered SVG bar chart (no inline styles, no script)."""
    width, height, left, bottom, top = 640, 200, 32, 28, 12
    scale_max = max([capacity] + [r["occupied"] for r in rows]) or 1
    plot_h = height - bottom - top
    step = (width - left - 8) / len(rows)
    bars = []
    for i, row in enumerate(rows):
        bar_h = plot_h * row["occupied"] / scale_max
        bars.append(
            {
                "x": round(left + i * step + step * 0.15, 1),
                "y": round(top + plot_h - bar_h, 1),
                "width": round(step * 0.7, 1),
                "height": round(bar_h, 1),
                "label_x": round(left + i * step + step / 2, 1),
                "value_y": round(max(top + plot_h - bar_h - 4, 10), 1),
                "row": row,
            }
        )
    capacity_y = round(top + plot_h - plot_h * capacity / scale_max, 1)
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "capacity_y": capacity_y,
        "axis_y": top + plot_h,
        "label_y": height - 10,
        "left": left,
        "right": width - 8,
    }


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
    forecast = _forecast(prop, placements, today)
    return render(
        request,
        "properties/detail.html",
        {
            "property": prop,
            "today": today,
            "current_households": households.items(),
            "forecast": forecast,
            "chart": _chart(forecast, prop.capacity),
            "history": placements,
        },
    )


@personal_data_view
def property_create(request):
    form = PropertyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        prop = form.save()
        messages.success(request, _("Property %(name)s has been saved.") % {"name": prop.name})
        return redirect(prop)
    return render(request, "properties/form.html", {"form": form})


@personal_data_view
def property_edit(request, pk):
    prop = get_object_or_404(_visible(request), pk=pk)
    name = prop.name  # the form may change the instance before it is valid
    form = PropertyForm(request.POST or None, instance=prop, user=request.user)
    if request.method == "POST" and form.is_valid():
        peak = peak_occupancy(prop.pk, timezone.localdate())
        if form.cleaned_data["capacity"] < peak:
            form.add_error(
                "capacity",
                _("%(count)s people live or will live here at the same time; the capacity cannot be lower.")
                % {"count": peak},
            )
        else:
            prop = form.save()
            messages.success(request, _("Property %(name)s has been saved.") % {"name": prop.name})
            return redirect(prop)
    return render(request, "properties/form.html", {"form": form, "property": prop, "property_name": name})
