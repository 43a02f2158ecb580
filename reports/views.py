"""Reports and exports (SPEC §8): the index page, CSV/XLSX exports, printable progress reports.

Views stay thin: `figures.selection` reads and checks period and scope (strictly: a malformed
value answers 400 with its Dutch reason, a municipality or region outside the scope 404), the table
modules build the rows, `exports` streams them. Figures come from `figures.figures` and open signals from
`figures.signals`; nothing here recomputes them.
"""

from functools import wraps

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import formats
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.access import figures_view, personal_data_view
from figures import supervision
from figures.selection import BadSelection, build_selection
from housing import scope
from housing.models import IntentAgreement, Municipality, Region
from reports import evidence, forecast, placements, progress, tables
from reports.college_proposal import DOCX_CONTENT_TYPE, render_docx
from reports.exports import csv_batch_response, export_response


def bad_request(request, message):
    return render(request, "reports/bad_request.html", {"message": message}, status=400)


def handles_bad_parameters(view):
    """A parameter the user typed wrong answers 400 with the Dutch reason, never a 500."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadSelection as exc:
            return bad_request(request, str(exc))

    return wrapper


def _selection(request, *, personal):
    return build_selection(request.user, request.GET, personal=personal, strict=True)


def _period(request):
    return build_selection(request.user, request.GET, personal=False, choose=("period",), strict=True).period


def _filename(name, selection, *extra):
    parts = [name, str(selection.period)]
    if selection.municipality is not None:
        parts.append(selection.municipality.cbs_code)
    if selection.region is not None:
        parts.append(f"regio-{selection.region.pk}")
    parts.extend(extra)
    return "-".join(parts)


def _scope_label(selection):
    if selection.municipality is not None:
        return f"{selection.municipality.name} ({selection.municipality.cbs_code})"
    if selection.region is not None:
        return selection.region.name
    return _("All municipalities in your scope")


@figures_view
@handles_bad_parameters
def report_index(request):
    selection = _selection(request, personal=False)
    user = request.user
    context = {
        "selection": selection,
        "query": selection.query_string(),
        "periods": selection.periods,
        "municipalities": Municipality.objects.visible_to(user).active().only("name", "cbs_code"),
        "regions": Region.objects.visible_to(user),
        "personal": scope.sees_personal_data(user),
        "formats": ("csv", "xlsx"),
    }
    return render(request, "reports/index.html", context)


@figures_view
@handles_bad_parameters
def quota_export(request, fmt):
    selection = _selection(request, personal=False)
    return export_response(
        fmt,
        _filename("taakstelling", selection),
        tables.QUOTA_HEADER,
        tables.quota_rows(selection),
        title=_("Quota"),
        about=tables.about_rows(_("Quota"), selection.period, scope=_scope_label(selection)),
    )


def _forecast_about(title, selection, result):
    first, last = result.pace_months
    return [
        (_("Report"), title),
        (_("Made on"), result.today),
        (_("Municipalities"), _scope_label(selection)),
        (
            _("Present pace"),
            _(
                "The persons counted for the quota from %(first)s to %(last)s, divided by %(months)s; "
                "for each month until a checkpoint the placements already planned, or the pace if that "
                "is more."
            )
            % {
                "first": formats.date_format(first, "F Y"),
                "last": formats.date_format(last, "F Y"),
                "months": result.pace_month_count,
            },
        ),
    ]


@figures_view
@handles_bad_parameters
def forecast_export(request, fmt):
    """The 12-month forecast of the selection, one row per municipality and month. Aggregates only:
    no access log (reports/forecast.py)."""
    selection = _selection(request, personal=False)
    result = forecast.selection_forecast(selection)
    return export_response(
        fmt,
        _forecast_filename("prognose", selection, result),
        forecast.MONTHS_HEADER,
        forecast.month_rows(result),
        title=_("Forecast"),
        about=_forecast_about(_("Forecast"), selection, result),
    )


@figures_view
@handles_bad_parameters
def forecast_checkpoints_export(request, fmt):
    """The projected position of each municipality of the selection at the next two checkpoints."""
    selection = _selection(request, personal=False)
    result = forecast.selection_forecast(selection)
    return export_response(
        fmt,
        _forecast_filename("prognose-peildata", selection, result),
        forecast.CHECKPOINTS_HEADER,
        forecast.checkpoint_rows(result),
        title=_("Forecast checkpoints"),
        about=_forecast_about(_("Forecast checkpoints"), selection, result),
    )


def _forecast_filename(name, selection, result):
    """The forecast starts today, whatever period was chosen: its file is named after the day."""
    parts = [name, result.today.isoformat()]
    if selection.municipality is not None:
        parts.append(selection.municipality.cbs_code)
    if selection.region is not None:
        parts.append(f"regio-{selection.region.pk}")
    return "-".join(parts)


@figures_view
@handles_bad_parameters
def region_export(request, pk, fmt):
    region = get_object_or_404(Region.objects.visible_to(request.user), pk=pk)
    period = _period(request)
    return export_response(
        fmt,
        f"regio-{region.pk}-{period}",
        tables.REGION_HEADER,
        tables.region_rows(region, period),
        title=_("Region"),
        percent_columns=tables.REGION_PERCENT_COLUMNS,
        about=tables.about_rows(_("Region"), period, scope=region.name),
    )


@figures_view
def supervision_export(request, fmt):
    """The province's supervision table: a province outside the user's figures scope is a 404."""
    provinces, ids = supervision.province_choices(request.user)
    province = request.GET.get("province") or (provinces[0] if provinces else "")
    if province not in provinces:
        raise Http404
    return export_response(
        fmt,
        f"toezicht-{slugify(province)}",
        tables.SUPERVISION_HEADER,
        tables.supervision_rows(supervision.supervision(province, ids)),
        title=_("Supervision"),
    )


@figures_view
@handles_bad_parameters
def evidence_export(request, fmt):
    selection = _selection(request, personal=False)
    rows = evidence.evidence_rows(
        selection.period,
        selection.municipalities,
        include_empty=selection.filtered,
        with_reasons=scope.sees_personal_data(request.user),
    )
    return export_response(
        fmt,
        _filename("onderbouwing", selection),
        evidence.HEADER,
        rows,
        title=_("Evidence"),
        percent_columns=evidence.PERCENT_COLUMNS,
        about=tables.about_rows(
            _("Evidence"), selection.period, definitions=False, scope=_scope_label(selection)
        ),
    )


@personal_data_view
@handles_bad_parameters
def placements_export(request, fmt):
    selection = _selection(request, personal=True)
    queryset = placements.placements_queryset(request.user, selection)
    filename = _filename("plaatsingen", selection)
    if fmt == "csv":
        return csv_batch_response(filename, placements.HEADER, placements.csv_batches(request, queryset))
    return export_response(
        fmt,
        filename,
        placements.HEADER,
        placements.logged_rows(request, queryset),
        title=_("Placements"),
        about=tables.about_rows(
            _("Placements"), selection.period, definitions=False, scope=_scope_label(selection)
        ),
    )


@personal_data_view
@handles_bad_parameters
def signals_export(request, fmt):
    selection = _selection(request, personal=True)
    filename = _filename("signalen", selection)
    if fmt == "csv":
        return csv_batch_response(
            filename, tables.SIGNALS_HEADER, tables.signal_csv_batches(request, selection)
        )
    return export_response(
        fmt,
        filename,
        tables.SIGNALS_HEADER,
        tables.signal_rows(request, selection),
        title=_("Signals"),
        about=tables.about_rows(
            _("Signals"), selection.period, definitions=False, scope=_scope_label(selection)
        ),
    )


def _municipality_or_404(request, cbs_code):
    municipality = Municipality.objects.visible_to(request.user).filter(cbs_code=cbs_code.upper()).first()
    if municipality is None:
        raise Http404
    return municipality


@figures_view
@handles_bad_parameters
def municipality_progress(request, cbs_code):
    municipality = _municipality_or_404(request, cbs_code)
    period = _period(request)
    context = progress.municipality_context(
        municipality, period, personal=scope.sees_personal_data(request.user)
    )
    return render(request, "reports/progress.html", context)


@figures_view
@handles_bad_parameters
def municipality_progress_pdf(request, cbs_code):
    municipality = _municipality_or_404(request, cbs_code)
    period = _period(request)
    context = progress.municipality_context(
        municipality, period, personal=scope.sees_personal_data(request.user)
    )
    return progress.pdf_response(request, context, f"voortgang-{municipality.cbs_code}-{period}")


@figures_view
@handles_bad_parameters
def region_progress(request, pk):
    region = get_object_or_404(Region.objects.visible_to(request.user), pk=pk)
    period = _period(request)
    context = progress.region_context(region, period, personal=scope.sees_personal_data(request.user))
    return render(request, "reports/progress.html", context)


@figures_view
@handles_bad_parameters
def region_progress_pdf(request, pk):
    region = get_object_or_404(Region.objects.visible_to(request.user), pk=pk)
    period = _period(request)
    context = progress.region_context(region, period, personal=scope.sees_personal_data(request.user))
    return progress.pdf_response(request, context, f"voortgang-regio-{region.pk}-{period}")


@personal_data_view
def college_proposal(request, pk):
    """The draft college proposal of an intent agreement in the user's scope, as DOCX."""
    agreements = IntentAgreement.objects.visible_to(request.user).select_related("municipality")
    agreement = get_object_or_404(agreements, pk=pk)
    response = HttpResponse(render_docx(agreement), content_type=DOCX_CONTENT_TYPE)
    filename = f"concept-collegevoorstel-{agreement.municipality.cbs_code}-{agreement.pk}.docx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
