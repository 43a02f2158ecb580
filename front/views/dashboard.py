"""The shared dashboard, signals, municipalities and regions (SPEC §6, §7).

Thin views: validate the query string with a form (bad values fall back to defaults with a Dutch
message, never an error page), take the scope from housing.scope, read every number from
figures.figures / figures.signals, render. Each page runs a fixed number of queries whatever
the number of municipalities (pinned in tests/front/test_dashboard.py).
"""

from operator import attrgetter

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.access import figures_view, personal_data_view
from figures import cache as figure_cache
from figures import figures, signals
from figures.charts import trend_chart
from front.forms.dashboard import SORT_FIELDS, MunicipalityListForm, SelectionForm, SignalFilterForm
from housing import scope
from housing.models import IntentAgreement, Municipality, Region
from housing.periods import Period

SIGNALS_PER_PAGE = 50
MUNICIPALITIES_PER_PAGE = 50
DASHBOARD_AGREEMENTS = 10


def _scope_municipalities(user, *, personal):
    """(pk, cbs_code, name) of the municipalities the user may choose from. 1 query."""
    ids = scope.municipality_ids(user, personal=personal)
    queryset = Municipality.objects.all() if ids is scope.ALL else Municipality.objects.filter(pk__in=ids)
    if ids is scope.ALL:
        queryset = queryset.filter(active=True)
    return ids, list(queryset.order_by("name").values_list("pk", "cbs_code", "name"))


def _selection(request, form_class=SelectionForm, *, personal=False):
    """Validate ?period=&municipality=&region= against the user's scope.

    Returns the bound form and the selection: period, the chosen municipality / region (dicts or
    None) and `ids` — the municipality ids the page covers (figures.ALL for everything)."""
    ids, choices = _scope_municipalities(request.user, personal=personal)
    regions = []
    if form_class is SelectionForm:
        regions = Region.objects.visible_to(request.user).values_list("pk", "name")
    form = form_class(request.GET or None, municipalities=choices, regions=regions)
    selection = {"ids": ids, "municipality": form.value("municipality"), "region": None}
    if form_class is SelectionForm:
        selection["period"] = form.value("period", Period.current())
        selection["region"] = form.value("region")
    if selection["municipality"]:
        selection["ids"] = [selection["municipality"]["pk"]]
    elif selection["region"]:
        members = Region.members.through.objects.filter(region_id=selection["region"]["pk"])
        member_ids = set(members.values_list("municipality_id", flat=True))
        selection["ids"] = member_ids if ids is scope.ALL else member_ids & set(ids)
    return form, selection


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
    form, selection = _selection(request)
    period, ids = selection["period"], selection["ids"]
    personal = scope.sees_personal_data(request.user)
    rows = figures.municipality_figures(period, ids, today=today)
    if personal:
        # Exactly what /signals/ lists for this user (households linked to, or placed in, their
        # municipalities), so a count and the list behind its link agree.
        narrowed = ids if selection["municipality"] or selection["region"] else scope.ALL
        counts = signals.signal_counts(request.user, today=today, municipality_ids=narrowed)
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
        "capacity": figures.capacity_figures(ids, today),
        "signal_counts": [(kind, signals.KIND_LABELS[kind], n) for kind, n in counts.items()],
        "signal_total": sum(counts.values()),
        "agreements": figures.agreement_progress(_agreements(ids)),
        "without_buddy": figures.households_without_buddy(ids, day=today),
        "trend": trend,
        "chart": trend_chart(trend),
        "personal": personal,
    }


@personal_data_view
def signal_list(request):
    form, selection = _selection(request, SignalFilterForm, personal=True)
    kind = form.value("kind")
    municipality_ids = [selection["municipality"]["pk"]] if selection["municipality"] else scope.ALL
    found = signals.signal_query(request.user, [kind] if kind else None, municipality_ids=municipality_ids)
    # One query for the page's signals and the counts per kind: sorted and cut in SQL.
    page = found.page(request.GET.get("page"), SIGNALS_PER_PAGE)
    _log_signals(request, page.object_list)
    by_kind = found.counts()
    return render(
        request,
        "dashboard/signal_list.html",
        {
            "form": form,
            "form_messages": form.messages() if form.is_bound else [],
            "page_obj": page,
            "kind": kind,
            "kind_counts": [(k, signals.KIND_LABELS[k], by_kind.get(k, 0)) for k in signals.KINDS],
            "total": found.count(),
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
    ids = scope.municipality_ids(request.user, personal=False)
    provinces = list(
        Municipality.objects.exclude(province="")
        .order_by("province")
        .values_list("province", flat=True)
        .distinct()
    )
    form = MunicipalityListForm(request.GET or None, provinces=provinces)
    period = form.value("period", Period.current())
    municipalities = (
        Municipality.objects.all() if ids is scope.ALL else Municipality.objects.filter(pk__in=ids)
    )
    if province := form.value("province"):
        municipalities = municipalities.filter(province=province)
    if query := (form.value("q") or "").strip():
        municipalities = municipalities.filter(Q(name__icontains=query) | Q(cbs_code__iexact=query))
    if ids is scope.ALL and not query:
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
        },
    )


def _municipality_in_scope_or_404(user, cbs_code):
    municipality = get_object_or_404(Municipality, cbs_code=(cbs_code or "").upper())
    ids = scope.municipality_ids(user, personal=False)
    if ids is not scope.ALL and municipality.pk not in ids:
        raise Http404
    return municipality


@figures_view
def municipality_detail(request, cbs_code):
    today = timezone.localdate()
    municipality = _municipality_in_scope_or_404(request.user, cbs_code)
    form = MunicipalityListForm(request.GET or None)
    period = form.value("period", Period.current())
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
            "history": figures.municipality_history(municipality.pk, today=today),
            "capacity": figures.capacity_figures([municipality.pk], today),
            "regions": list(municipality.regions.order_by("name")),
            "personal": scope.sees_personal_data(request.user),
        },
    )


@figures_view
def region_detail(request, pk):
    today = timezone.localdate()
    region = get_object_or_404(Region.objects.visible_to(request.user), pk=pk)
    form = MunicipalityListForm(request.GET or None)
    period = form.value("period", Period.current())
    result = figures.region_figures(region, period, today=today)
    ids = scope.municipality_ids(request.user, personal=False)
    linkable = {m.municipality_id for m in result.members if ids is scope.ALL or m.municipality_id in ids}
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
        },
    )
