"""The shared dashboard, signals, municipalities and regions (SPEC §6, §7).

Thin views: take period and municipalities from figures.selection and the page's other filters
from a form (bad values fall back to defaults with a Dutch message, never an error page), read
every number from figures.figures / figures.signals, render. Each page runs a fixed number of queries whatever
the number of municipalities (pinned in tests/front/test_dashboard.py).
"""

from operator import attrgetter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from accesslog.log import log_access
from accounts.access import figures_view, get_visible_or_404, personal_data_view
from accounts.audit import history_of
from figures import cache as figure_cache
from figures import figures, signals
from figures import services as signal_services
from figures.charts import forecast_months_chart, trend_chart
from figures.forecast import forecast as compute_forecast
from figures.selection import FIELDS, build_selection
from front.forms.dashboard import (
    SORT_FIELDS,
    MunicipalityListForm,
    SelectionForm,
    SignalFilterForm,
    SignalStateForm,
)
from front.views.common import posted
from housing import scope
from housing.models import IntentAgreement, Municipality, Region
from residents.access import subjects_for_households
from residents.models import Household, SignalState
from residents.names import household_names

SIGNALS_PER_PAGE = 50
MUNICIPALITIES_PER_PAGE = 50
DASHBOARD_AGREEMENTS = 10
# Above this many municipalities the dashboard shows province totals and the ones furthest behind
# instead of one row per municipality (342 rows made a 17,000 px page); the list page has them all.
DASHBOARD_ROWS = 25
FURTHEST_BEHIND = 10
EXPORT_FORMATS = ("csv", "xlsx")


def _scope_query(selection):
    """The page's municipalities as report parameters: on pages a chosen municipality replaces the
    region (figures.selection), so only one of the two is passed on."""
    if selection.municipality is not None:
        return f"municipality={selection.municipality.cbs_code}"
    if selection.region is not None:
        return f"region={selection.region.pk}"
    return ""


def _forecast_context(municipality_ids, today, query, *, request=None):
    """The 12-month forecast (figures.forecast) and its chart for templates/dashboard/_forecast.html;
    `query` is the scope of its export's address. 8 queries; with `request`, from the figure cache
    while the data is unchanged (pages whose main part is not cached already)."""

    def compute():
        return compute_forecast(municipality_ids, today=today)

    if request is None:
        result = compute()
    else:
        vary = ("all",) if municipality_ids is scope.ALL else tuple(sorted(municipality_ids))
        result = figure_cache.cached(request, "forecast", compute, vary=vary)
    return {
        "forecast": result,
        "forecast_chart": forecast_months_chart(result.months),
        "forecast_query": query,
        "forecast_formats": EXPORT_FORMATS,
    }


def _selection(request, *, personal=False, choose=FIELDS):
    return build_selection(request.user, request.GET, personal=personal, choose=choose)


def _agreements(ids):
    agreements = IntentAgreement.objects.exclude(status=IntentAgreement.Status.ENDED).select_related(
        "municipality"
    )
    if ids is not scope.ALL:
        agreements = agreements.filter(Q(municipality__in=ids) | Q(partners__in=ids)).distinct()
    return agreements.order_by("-signed_on", "-created_at")[:DASHBOARD_AGREEMENTS]


@figures_view
def dashboard(request):
    """The figures are served from the cache until the data changes (figures.cache)."""

    def compute():
        return render_to_string("dashboard/_dashboard.html", _dashboard(request), request)

    content = figure_cache.fragment(request, "dashboard", compute)
    return render(request, "dashboard/dashboard.html", {"content": content})


def _dashboard(request):
    today = timezone.localdate()
    selection = _selection(request)
    form = SelectionForm(request.GET or None, selection=selection)
    period, ids = selection.period, selection.municipality_ids
    personal = scope.sees_personal_data(request.user)
    rows = figures.municipality_figures(period, ids, today=today)
    if personal:
        # Exactly what /signals/ lists for this user (households linked to, or placed in, their
        # municipalities), so a count and the list behind its link agree.
        counts = signals.signal_counts(request.user, today=today, municipality_ids=selection.chosen_ids)
    else:
        counts = signals.signal_counts(ids, today=today)
    trend = figures.occupancy_trend(ids, today=today)
    return {
        "form": form,
        "form_messages": form.messages() if form.is_bound else [],
        "selection": selection,
        "period": period,
        "reference_date": period.reference_date(today),
        "today": today,
        "rows": rows,
        "total": figures.totals(rows, period),
        "summarised": len(rows) > DASHBOARD_ROWS,
        "provinces": figures.province_totals(rows, period) if len(rows) > DASHBOARD_ROWS else [],
        "behind": figures.furthest_behind(rows, FURTHEST_BEHIND) if len(rows) > DASHBOARD_ROWS else [],
        "capacity": figures.capacity_figures(ids, today),
        "signal_counts": [(kind, signals.KIND_LABELS[kind], n) for kind, n in counts.items()],
        "signal_total": sum(counts.values()),
        "agreements": figures.agreement_progress(_agreements(ids)),
        "national_number": figures.national_number(period),
        "without_buddy": figures.households_without_buddy(ids, day=today),
        "trend": trend,
        "chart": trend_chart(trend),
        "personal": personal,
        **_forecast_context(ids, today, _scope_query(selection)),
    }


@personal_data_view
def signal_list(request):
    selection = _selection(request, personal=True, choose=("municipality",))
    form = SignalFilterForm(request.GET or None, selection=selection)
    kind = form.value("kind")
    state = form.value("state", "")
    states = SIGNAL_STATES.get(state, SIGNAL_STATES[""])
    found = signals.signal_query(
        request.user,
        [kind] if kind else None,
        municipality_ids=selection.chosen_ids,
        states=states,
        descending=form.value("ordering") == "-date",
    )
    # One query for the page's signals and the counts per kind: sorted and cut in SQL.
    page = found.page(request.GET.get("page"), SIGNALS_PER_PAGE)
    shown = list(page.object_list)
    _log_signals(request, shown)
    names = household_names({s.household_id for s in shown})
    # Who handled or snoozed a signal, and why: one query, only when the page lists such signals.
    details = {}
    if any(s.state != signals.OPEN for s in shown):
        for item in SignalState.objects.filter(
            household_id__in={s.household_id for s in shown}
        ).select_related("changed_by"):
            details[(item.household_id, item.kind)] = item
    rows = [
        {"signal": s, "name": names.get(s.household_id, ""), "state": details.get((s.household_id, s.kind))}
        for s in shown
    ]
    by_kind = found.counts()
    return render(
        request,
        "dashboard/signal_list.html",
        {
            "form": form,
            "form_messages": form.messages() if form.is_bound else [],
            "page_obj": page,
            "rows": rows,
            "kind": kind,
            "state": state,
            "kind_counts": [(k, signals.KIND_LABELS[k], by_kind.get(k, 0)) for k in signals.KINDS],
            "total": found.count(),
            "list_address": request.get_full_path(),
        },
    )


SIGNAL_STATES = {
    "": (signals.OPEN,),
    "handled": (signals.HANDLED,),
    "snoozed": (signals.SNOOZED,),
    "all": signals.STATES,
}


def _back_to_list(request):
    """The signals list the user came from, with its filter and sort (only an address of this site)."""
    address = request.POST.get("next") or request.GET.get("next") or ""
    if address.startswith(reverse("signal_list")) and url_has_allowed_host_and_scheme(
        address, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return address
    return reverse("signal_list")


@personal_data_view
def signal_state(request, household_pk, kind):
    """Handle a signal with a note, snooze it until a day, or open it again."""
    household = get_visible_or_404(Household, request.user, request, pk=household_pk)
    current = signals.signal_of(household, kind)
    if current is None:
        raise Http404
    state = SignalState.objects.filter(household=household, kind=kind).first()
    form = SignalStateForm(posted(request), initial={"action": "handled"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == "handled":
                signal_services.handle_signal(
                    household=household,
                    kind=kind,
                    signal_date=current.date,
                    note=data["note"],
                    user=request.user,
                )
            elif data["action"] == "snoozed":
                signal_services.snooze_signal(
                    household=household,
                    kind=kind,
                    until=data["snoozed_until"],
                    note=data["note"],
                    user=request.user,
                )
            else:
                signal_services.reopen_signal(household=household, kind=kind, user=request.user)
        except ValidationError as error:
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The signal has been saved: %(label)s.") % {"label": current.label})
            return redirect(_back_to_list(request))
    name = household_names([household.pk]).get(household.pk, "")
    log_access(request, "view", subjects_for_households([household.pk]))
    return render(
        request,
        "dashboard/signal_state.html",
        {
            "form": form,
            "signal": current,
            "household": household,
            "household_name": name,
            "state": state,
            "history": history_of(state),
            "next": _back_to_list(request),
        },
    )


def _log_signals(request, shown):
    """The household references on the page are personal data: account for them (NEN 7513)."""
    try:
        from accesslog.log import log_access
    except ImportError:  # the access log app is not installed in this build
        return
    subjects = {(("residents.household", s.household_id, s.household_reference)) for s in shown}
    if subjects:
        log_access(request, "list", sorted(subjects, key=lambda s: s[1]))


def _sort(rows, ordering):
    field = (ordering or "name").lstrip("-")
    if field not in SORT_FIELDS:
        field, ordering = "name", "name"
    reverse = (ordering or "").startswith("-")
    rows.sort(key=attrgetter("name"))
    rows.sort(key=attrgetter(field), reverse=reverse)
    return rows


@figures_view
def municipality_list(request):
    today = timezone.localdate()
    selection = _selection(request, choose=("period",))
    provinces = list(
        Municipality.objects.exclude(province="")
        .order_by("province")
        .values_list("province", flat=True)
        .distinct()
    )
    form = MunicipalityListForm(request.GET or None, selection=selection, provinces=provinces)
    period = selection.period
    municipalities = selection.scope_municipalities
    if province := form.value("province"):
        municipalities = municipalities.filter(province=province)
    if query := (form.value("q") or "").strip():
        municipalities = municipalities.filter(Q(name__icontains=query) | Q(cbs_code__iexact=query))
    if selection.unrestricted and not query:
        municipalities = municipalities.filter(active=True)

    def compute():
        selected = municipalities.values("pk")
        return figures.municipality_figures(period, selected, today=today, include_empty=True)

    rows = figure_cache.cached(request, "municipality_figures", compute, vary=(period, province, query))
    rows = _sort(rows, form.value("ordering"))
    page = Paginator(rows, MUNICIPALITIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "dashboard/municipality_list.html",
        {
            "form": form,
            "form_messages": form.messages() if form.is_bound else [],
            "period": period,
            "reference_date": period.reference_date(today),
            "page_obj": page,
            "total": figures.totals(rows, period),
            "national_number": figures.national_number(period),
        },
    )


@figures_view
def municipality_detail(request, cbs_code):
    today = timezone.localdate()
    selection = _selection(request, choose=("period",))
    municipality = get_object_or_404(Municipality, cbs_code=(cbs_code or "").upper())
    if not selection.covers(municipality):
        raise Http404
    form = MunicipalityListForm(request.GET or None, selection=selection)
    period = selection.period
    (row,) = figures.municipality_figures(period, [municipality.pk], today=today, include_empty=True)
    return render(
        request,
        "dashboard/municipality_detail.html",
        {
            "municipality": municipality,
            "form": form,
            "form_messages": form.messages() if form.is_bound else [],
            "period": period,
            "reference_date": period.reference_date(today),
            "row": row,
            "national_number": figures.national_number(period),
            "history": figures.municipality_history(municipality.pk, today=today),
            "capacity": figures.capacity_figures([municipality.pk], today),
            "regions": list(municipality.regions.order_by("name")),
            "personal": scope.sees_personal_data(request.user),
            **_forecast_context(
                [municipality.pk], today, f"municipality={municipality.cbs_code}", request=request
            ),
        },
    )


@figures_view
def region_detail(request, pk):
    today = timezone.localdate()
    region = get_object_or_404(Region.objects.visible_to(request.user), pk=pk)
    selection = _selection(request, choose=("period",))
    form = MunicipalityListForm(request.GET or None, selection=selection)
    period = selection.period
    result = figures.region_figures(region, period, today=today)
    linkable = {m.municipality_id for m in result.members if selection.covers(m.municipality_id)}
    return render(
        request,
        "dashboard/region_detail.html",
        {
            "region": region,
            "form": form,
            "form_messages": form.messages() if form.is_bound else [],
            "period": period,
            "result": result,
            "linkable": linkable,
            "national_number": figures.national_number(period),
            "sets_quotas": scope.sets_quotas(request.user),
        },
    )
