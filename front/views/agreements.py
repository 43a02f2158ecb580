"""Intent agreements with their progress and activities (SPEC §7). Progress comes from
figures.figures, so this page and the dashboard agree. Pioneers create and correct agreements, move
their status step by step and record contact moments here; municipal staff read them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import get_visible_or_404, personal_data_view, pioneer_view
from accounts.audit import history_of
from figures import figures
from front.filters.housing import AgreementFilter
from front.forms.agreements import ActivityForm, AgreementForm, AgreementStepForm
from front.views.buddies import add_refusal
from front.views.common import filtered_page, posted
from housing import scope, services
from housing.models import Activity, IntentAgreement, Municipality


def _is_pioneer(user):
    return user.is_superuser or scope.PIONEER in scope.roles_of(user)


@personal_data_view
def agreement_list(request):
    queryset = (
        IntentAgreement.objects.visible_to(request.user)
        .select_related("municipality", "pioneer")
        .prefetch_related(Prefetch("partners", queryset=Municipality.objects.only("name")))
    )
    filterset = AgreementFilter(request.GET or None, queryset=queryset, request=request)
    page = filtered_page(request, filterset)
    progress = figures.agreement_progress(page.object_list)
    return render(
        request,
        "agreements/list.html",
        {"filter": filterset, "page_obj": page, "progress": progress, "can_edit": _is_pioneer(request.user)},
    )


def _visible_agreement(request, pk):
    return get_visible_or_404(
        IntentAgreement.objects.select_related("municipality", "pioneer"), request.user, request, pk=pk
    )


@personal_data_view
def agreement_detail(request, pk):
    return _detail(request, _visible_agreement(request, pk))


def _detail(request, agreement, *, step_form=None, activity_form=None):
    """The agreement page; for pioneers with its step and contact-moment forms (bound ones, with
    their errors, after a refused POST) and the history of the agreement and its activities."""
    can_edit = _is_pioneer(request.user)
    (progress,) = figures.agreement_progress([agreement])
    activities = list(
        Activity.objects.filter(agreement=agreement)
        .select_related("municipality")
        .prefetch_related("organisations")
        .order_by("-date", "-pk")
    )
    properties = agreement.properties.select_related("municipality").order_by("name")
    context = {
        "agreement": agreement,
        "partners": agreement.partners.all(),
        "progress": progress,
        "activities": activities,
        "properties": properties,
        "can_edit": can_edit,
    }
    if can_edit:
        context |= {
            "step_form": step_form
            or (AgreementStepForm(agreement=agreement) if agreement.next_statuses() else None),
            "activity_form": activity_form
            or ActivityForm(agreement=agreement, user=request.user, initial={"date": timezone.localdate()}),
            "history": history_of(agreement, *activities),
        }
    return render(request, "agreements/detail.html", context)


@pioneer_view
def agreement_create(request):
    form = AgreementForm(posted(request), user=request.user, initial={"pioneer": request.user.pk})
    if request.method == "POST" and form.is_valid() and (agreement := _save(request, form)):
        return redirect(agreement)
    return render(request, "agreements/form.html", {"form": form})


@pioneer_view
def agreement_edit(request, pk):
    agreement = _visible_agreement(request, pk)
    title = str(agreement)
    form = AgreementForm(posted(request), instance=agreement, user=request.user)
    if request.method == "POST" and form.is_valid() and (saved := _save(request, form)):
        return redirect(saved)
    return render(
        request,
        "agreements/form.html",
        {
            "form": form,
            "agreement": agreement,
            "agreement_title": title,
            "history": history_of(agreement),
        },
    )


def _save(request, form):
    try:
        agreement = form.save_checked(
            lambda: services.save_agreement(
                agreement=form.save(commit=False), partners=form.cleaned_data.get("partners", [])
            )
        )
    except ValidationError as error:
        add_refusal(form, error)
        return None
    messages.success(request, _("%(agreement)s has been saved.") % {"agreement": agreement})
    return agreement


@pioneer_view
def agreement_step(request, pk):
    agreement = _visible_agreement(request, pk)
    if request.method != "POST":
        return redirect(agreement)
    form = AgreementStepForm(request.POST, agreement=agreement)
    if form.is_valid():
        try:
            moved = services.move_agreement(agreement=agreement, **form.cleaned_data)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(
                request,
                _("The status of %(agreement)s is now ‘%(status)s’.")
                % {"agreement": moved, "status": moved.get_status_display()},
            )
            return redirect(moved)
    return _detail(request, agreement, step_form=form)


@pioneer_view
def activity_create(request, pk):
    agreement = _visible_agreement(request, pk)
    if request.method != "POST":
        return redirect(agreement)
    form = ActivityForm(request.POST, agreement=agreement, user=request.user)
    if form.is_valid():
        try:
            services.save_activity(
                activity=form.save(commit=False), organisations=form.cleaned_data["organisations"]
            )
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("The contact moment has been recorded."))
            return redirect(f"{agreement.get_absolute_url()}#activities-title")
    return _detail(request, agreement, activity_form=form)


@pioneer_view
def activity_edit(request, pk):
    activity = get_visible_or_404(Activity.objects.select_related("agreement"), request.user, request, pk=pk)
    agreement = activity.agreement
    form = ActivityForm(posted(request), instance=activity, agreement=agreement, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            form.save_checked(
                lambda: services.save_activity(
                    activity=form.save(commit=False), organisations=form.cleaned_data["organisations"]
                )
            )
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("The contact moment has been saved."))
            return redirect(agreement or "agreement_list")
    return render(
        request,
        "agreements/activity_form.html",
        {"form": form, "activity": activity, "agreement": agreement, "history": history_of(activity)},
    )
