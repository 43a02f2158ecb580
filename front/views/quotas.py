"""Quotas by the law: the art. 29 computation (pioneers and superusers) and the province's
supervision page. Thin views: housing.quota computes and writes, figures reads the results."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import figures_view, quota_setter_view
from figures import figures, supervision
from figures.selection import build_selection
from front.forms.quotas import ProvinceForm, QuotaComputationForm, RedistributionForm
from housing import scope
from housing.models import NationalNumber, Region
from housing.quota import (
    QuotaComputationError,
    apply_quotas,
    compute_quotas,
    redistribution_members,
    save_redistribution,
)


@quota_setter_view
def quota_compute(request):
    """GET: the form. POST `preview`: the computation, nothing written. POST `apply`: the same
    computation, written; the carried-over figures follow from the previous period's results."""
    form = QuotaComputationForm(request.POST or None)
    computation = error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            computation = compute_quotas(
                data["period"],
                data["national_number"],
                population_year=data["population_year"],
                carried_over=figures.carried_over_into(data["period"]),
            )
            if "apply" in request.POST:
                counts = apply_quotas(computation, source=data["source"], is_example=data["is_example"])
                messages.success(
                    request,
                    _("Quotas for %(period)s saved: %(created)s new, %(updated)s changed.")
                    % {"period": data["period"], **counts},
                )
                return redirect(f"{request.path}?period={data['period']}")
        except QuotaComputationError as exc:
            error, computation = str(exc), None
    return render(
        request,
        "quotas/compute.html",
        {
            "form": form,
            "computation": computation,
            "error": error,
            "national_numbers": NationalNumber.objects.all()[:6],
        },
    )


@figures_view
def supervision_page(request):
    context = _supervision(request)
    return render(request, "quotas/supervision.html", context)


def supervised_selection(request):
    """The province the page covers (a supervisor's own; others choose, a bad choice falls back to
    the first with a message) and the user's figures scope ids."""
    provinces, ids = supervision.province_choices(request.user)
    own = scope.supervised_province(request.user)
    form = ProvinceForm(request.GET or None, provinces=provinces)
    province = own if own in provinces else (provinces[0] if provinces else "")
    form_messages = []
    if form.is_bound:
        if form.is_valid():
            province = form.cleaned_data["province"] or province
        else:
            form_messages = [m for errors in form.errors.values() for m in errors]
    return province, ids, form, form_messages


def _supervision(request):
    province, ids, form, form_messages = supervised_selection(request)
    today = timezone.localdate()
    rows = supervision.supervision(province, ids, today=today) if province else []
    return {
        "form": form,
        "form_messages": form_messages,
        "province": province,
        "rows": rows,
        "periods": supervision.past_periods(today),
        "ladder": [
            (misses, supervision.STEP_LABELS.get(step, step)) for misses, step in supervision.ladder(province)
        ],
        "outdated": any(c.figures and c.figures.population_outdated for r in rows for c in r.checkpoints),
    }


@quota_setter_view
def redistribution_edit(request, pk):
    """An art. 29(2) agreement of a region for the chosen period: the agreed quota per member,
    prefilled with the current one; housing.quota.save_redistribution checks and writes it."""
    region = get_object_or_404(Region.objects.visible_to(request.user), pk=pk)
    period = build_selection(request.user, request.GET, personal=False, choose=("period",)).period
    rows = redistribution_members(region, period)
    form = RedistributionForm(request.POST or None, members=rows)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            save_redistribution(
                region=region,
                period=period,
                decided_on=form.cleaned_data["decided_on"],
                agreed=form.agreed(),
                notes=form.cleaned_data["notes"],
            )
        except QuotaComputationError as exc:
            error = str(exc)
        else:
            messages.success(
                request, _("The redistribution agreement for %(period)s is saved.") % {"period": period}
            )
            return redirect(f"{region.get_absolute_url()}?period={period}")
    statutory_sum = sum(r[2] for r in rows if r[2] is not None)
    return render(
        request,
        "quotas/redistribution.html",
        {"region": region, "period": period, "form": form, "error": error, "statutory_sum": statutory_sum},
    )
