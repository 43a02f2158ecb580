"""Roles and scope for views (SPEC §2). The scope rules themselves live in housing/scope.py and the
`visible_to(user)` queryset methods; this module turns them into view decorators."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from accesslog.log import log_access, log_refused
from housing import scope


def _no_role(request):
    return render(request, "no_role.html", status=403)


# Pages anyone may open, signed in or not (SPEC §7), by view name.
PUBLIC_VIEWS = {
    "login",
    "logout",
    "healthz",
    "set_language",
    "admin:login",
    "oidc_authentication_init",
    "oidc_authentication_callback",
}
# Pages a signed-in user without a role may still open.
ROLELESS_VIEWS = PUBLIC_VIEWS | {"otp_verify", "otp_setup", "oidc_logout", "admin:logout"}


class AccessPolicyMiddleware:
    """Defence in depth behind the view decorators, for every page including the admin: anonymous
    visitors are sent to the sign-in page, and a signed-in user without a role gets the polite
    "no access" page (403) instead of an error or an empty page. Answers to signed-in users are
    never stored by a browser or proxy cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            # Every signed-in page may hold personal data or scope-bound figures: no browser or proxy
            # keeps a copy (a shared computer's back button, a caching proxy).
            patch_cache_control(response, no_store=True, private=True)
        if response.status_code == 404 and request.user.is_authenticated:
            log_refused_record(request)
        elif response.status_code == 200 and request.method == "GET":
            log_admin_personal_view(request, response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        view_name = match.view_name if match is not None else ""
        if view_name in PUBLIC_VIEWS:
            return None
        if match is not None and "api" in match.namespaces:
            # The API authenticates its clients itself (tokens) and answers in problem+json.
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if view_name not in ROLELESS_VIEWS and not scope.has_role(request.user):
            return _no_role(request)
        return None


# Addresses that name one record by `pk`, and the record's model (each view finds it through the
# model's `visible_to(user)`). A 404 on one of them for a record that exists but is not visible to
# the user is a refused attempt.
RECORD_VIEWS = {
    "household_detail": "residents.household",
    "placement_end": "residents.placement",
    "property_detail": "housing.property",
    "property_edit": "housing.property",
    "buddy_detail": "buddies.buddy",
    "agreement_detail": "housing.intentagreement",
    "agreement_college_proposal": "housing.intentagreement",
    "region_detail": "housing.region",
    "report_region": "housing.region",
    "report_region_progress": "housing.region",
    "report_region_progress_pdf": "housing.region",
}


def log_refused_record(request):
    """After a 404 on a record address: if the record exists outside the user's scope, log the
    refused attempt (once). A 404 about something else on a record in scope (say, a resident of
    another household posted to a household's page) is no refused access to that record."""
    if getattr(request, "_accesslog_refused_logged", False):
        return
    match = request.resolver_match
    label = RECORD_VIEWS.get(match.view_name) if match is not None else None
    pk = match.kwargs.get("pk") if label else None
    if pk is None:
        return
    from django.apps import apps

    model = apps.get_model(label)
    if (
        model._base_manager.filter(pk=pk).exists()
        and not model._default_manager.visible_to(request.user).filter(pk=pk).exists()
    ):
        log_refused(request, label, pk)
        request._accesslog_refused_logged = True


# Admin pages that show residents' personal data (names, V-numbers, care): written to the access
# log like the household pages. Placements and households' own lists show pseudonymous references.
ADMIN_PERSONAL_VIEWS = {
    "admin:residents_household_change": "household",
    "admin:residents_resident_change": "resident",
    "admin:residents_resident_changelist": "resident_list",
}


def log_admin_personal_view(request, response):
    match = request.resolver_match
    kind = ADMIN_PERSONAL_VIEWS.get(match.view_name) if match is not None else None
    if kind is None:
        return
    from residents.access import subjects_for_households, subjects_for_residents
    from residents.models import Resident

    if kind == "household":
        subjects, action = subjects_for_households([match.kwargs["object_id"]]), "view"
    elif kind == "resident":
        residents = Resident.objects.filter(pk=match.kwargs["object_id"]).only("pk", "reference")
        subjects, action = subjects_for_residents(residents), "view"
    else:
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is None:
            return
        subjects, action = subjects_for_residents(changelist.result_list), "list"
    log_access(request, action, subjects, purpose="admin")


def figures_view(view):
    """Any user with a role (coordinators included): pages of figures, no personal data."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not scope.has_role(request.user):
            return _no_role(request)
        return view(request, *args, **kwargs)

    return wrapper


def personal_data_view(view):
    """Staff, pioneers and superusers. A coordinator gets the no-access page (403): such pages never
    confirm that a record exists; records outside a user's scope answer 404 via `visible_to`."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not scope.sees_personal_data(request.user):
            return _no_role(request)
        return view(request, *args, **kwargs)

    return wrapper


def get_visible_or_404(queryset, user, request, **lookup):
    """The one record matching `lookup` that `user` may see, or Http404.

    `queryset` is a model or a queryset of a model with `visible_to(user)` (add select_related /
    prefetch_related as the page needs). A record that exists but lies outside the user's scope
    answers 404 like a missing one, so the answer never confirms its existence, and the attempt is
    written as a refused security event without personal data (`accesslog.log.log_refused`: model
    label and id only). Malformed lookups answer 404 too.

        household = get_visible_or_404(Household.objects.select_related("municipality"),
                                       request.user, request, pk=pk)
    """
    if isinstance(queryset, type) and issubclass(queryset, models.Model):
        queryset = queryset._default_manager.all()
    model = queryset.model
    try:
        return queryset.visible_to(user).get(**lookup)
    except (model.DoesNotExist, ValueError, TypeError, ValidationError):
        pass
    try:
        existing_pk = model._base_manager.filter(**lookup).values_list("pk", flat=True).first()
    except (ValueError, TypeError, ValidationError):
        existing_pk = None
    if existing_pk is not None:
        log_refused(request, model._meta.label_lower, existing_pk)
        request._accesslog_refused_logged = True
    raise Http404
