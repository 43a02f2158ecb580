"""Roles and scope for views (SPEC §2). The scope rules themselves live in housing/scope.py and the
`visible_to(user)` queryset methods; this module turns them into view decorators."""

import re
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from accesslog.log import log_access, log_refused
from housing import refusals, scope
from housing.validators import CBS_CODE_REGEX

CBS_CODE = re.compile(CBS_CODE_REGEX)


def _no_role(request):
    """403 with the polite page; a user who has a role (a coordinator on a page with personal data)
    is told that the role does not open this page, not that they have no role."""
    has_role = scope.has_role(request.user)
    return render(request, "no_role.html", {"has_role": has_role}, status=403)


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
        with refusals.collecting() as noted:
            response = self.get_response(request)
        if noted and request.user.is_authenticated:
            log_noted_refusals(request, noted)
        if request.user.is_authenticated:
            # Every signed-in page may hold personal data or scope-bound figures: no browser or proxy
            # keeps a copy (a shared computer's back button, a caching proxy).
            patch_cache_control(response, no_store=True, private=True)
        if response.status_code == 404 and request.user.is_authenticated:
            log_refused_record(request)
            log_refused_admin_record(request)
        elif response.status_code == 200 and request.method == "GET":
            log_admin_personal_view(request, response)
        elif response.status_code == 302 and request.user.is_authenticated:
            log_refused_admin_record(request)
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
    "placement_edit": "residents.placement",
    "household_edit": "residents.household",
    "resident_create": "residents.household",
    "household_end": "residents.household",
    "household_extend": "residents.household",
    "household_move": "residents.household",
    "resident_edit": "residents.resident",
    "resident_remove": "residents.resident",
    "property_detail": "housing.property",
    "property_edit": "housing.property",
    "property_matches": "housing.property",
    "household_matches": "residents.household",
    "proposal_detail": "residents.proposal",
    "proposal_withdraw": "residents.proposal",
    "hold_release": "residents.hold",
    "buddy_detail": "buddies.buddy",
    "buddy_edit": "buddies.buddy",
    "match_end": "buddies.buddymatch",
    "match_edit": "buddies.buddymatch",
    "agreement_detail": "housing.intentagreement",
    "agreement_college_proposal": "housing.intentagreement",
    "agreement_edit": "housing.intentagreement",
    "agreement_step": "housing.intentagreement",
    "activity_create": "housing.intentagreement",
    "activity_edit": "housing.activity",
    "region_detail": "housing.region",
    "region_redistribution": "housing.region",
    "report_region": "housing.region",
    "report_region_progress": "housing.region",
    "report_region_progress_pdf": "housing.region",
}


def log_refused_record(request):
    """After a 404 on a record address: if the record exists outside the user's scope, log the
    refused attempt (once). A 404 about something else on a record in scope (say, a resident of
    another household posted to a household's page) is no refused access to that record.

    Besides records named by `pk`, a municipality named by its CBS code in the address (its page,
    its progress report) or in `?municipality=`/`?region=` counts, when it lies outside the scope
    the page would have used."""
    if getattr(request, "_accesslog_refused_logged", False):
        return
    from django.apps import apps

    match = request.resolver_match
    view_name = match.view_name if match is not None else ""
    label = RECORD_VIEWS.get(view_name)
    pk = match.kwargs.get("pk") if label else None
    if pk is not None:
        model = apps.get_model(label)
        if (
            model._base_manager.filter(pk=pk).exists()
            and not model._default_manager.visible_to(request.user).filter(pk=pk).exists()
        ):
            _refused(request, label, pk)
        return
    codes = [match.kwargs["cbs_code"]] if match is not None and "cbs_code" in match.kwargs else []
    codes += request.GET.getlist("municipality")
    refused = _municipalities_outside_scope(request.user, codes, request.GET.getlist("region"))
    for label, pk in refused:
        _refused(request, label, pk)


def log_noted_refusals(request, noted):
    """Write the records that code without a request refused (`housing.refusals.note_refused`: a
    foreign id posted in a form, a V-number of a resident elsewhere) as refused attempts, once each —
    those that exist and lie outside the user's scope. A note on a record the user may see (a closed
    property of their own, a typo) is no security event."""
    from django.apps import apps

    from housing.admin_scope import visible_choices

    done = set()
    for label, pk, purpose in noted:
        if (label, pk) in done:
            continue
        done.add((label, pk))
        try:
            model = apps.get_model(label)
            exists = model._base_manager.filter(pk=pk).exists()
            visible = visible_choices(model, request.user).filter(pk=pk).exists()
        except (LookupError, ValueError, TypeError, ValidationError):
            continue
        if exists and not visible:
            log_refused(request, label, pk, purpose=purpose)


def _refused(request, label, pk):
    log_refused(request, label, pk)
    request._accesslog_refused_logged = True


def _municipalities_outside_scope(user, codes, regions):
    """(label, pk) of the named municipalities and regions that exist but lie outside the user's
    figures scope; malformed values name nothing."""
    from housing.models import Municipality, Region

    ids = scope.municipality_ids(user, personal=False)
    if ids is scope.ALL:
        return []
    codes = [code for code in codes if CBS_CODE.fullmatch(code or "")]
    regions = [pk for pk in regions if (pk or "").isascii() and (pk or "").isdigit() and len(pk) < 10]
    found = [
        ("housing.municipality", pk)
        for pk in Municipality.objects.filter(cbs_code__in=codes).values_list("pk", flat=True)
        if pk not in ids
    ]
    found += [
        ("housing.region", pk)
        for pk in Region.objects.filter(pk__in=regions).exclude(members__in=ids).values_list("pk", flat=True)
    ]
    return found


# Admin pages that show residents' personal data (names, V-numbers, birth dates, care): written to
# the access log like the household pages. Placements and households' own lists show pseudonymous
# references, but a placement's page names its resident.
ADMIN_PERSONAL_VIEWS = {
    "admin:residents_household_change": "household",
    "admin:residents_household_history": "household",
    "admin:residents_resident_change": "resident",
    "admin:residents_resident_history": "resident",
    "admin:residents_resident_changelist": "resident_list",
    "admin:residents_placement_change": "placement",
    "admin:residents_placement_history": "placement",
    "admin:auditlog_logentry_change": "history_entry",
    "admin:auditlog_logentry_changelist": "history_list",
    "admin:autocomplete": "autocomplete",
}
ADMIN_RECORD_VIEW = re.compile(r"admin:(?P<app>\w+?)_(?P<model>[a-z]+)_(?:change|history|delete)")


def log_admin_personal_view(request, response):
    match = request.resolver_match
    kind = ADMIN_PERSONAL_VIEWS.get(match.view_name) if match is not None else None
    if kind is None:
        return
    from residents.access import subjects_for_households, subjects_for_residents
    from residents.models import Resident

    action = "view"
    if kind == "household":
        subjects = subjects_for_households([match.kwargs["object_id"]])
    elif kind == "resident":
        residents = Resident.objects.filter(pk=match.kwargs["object_id"]).only("pk", "reference")
        subjects = subjects_for_residents(residents)
    elif kind == "placement":
        residents = Resident.objects.filter(placements__pk=match.kwargs["object_id"]).only("pk", "reference")
        subjects = subjects_for_residents(residents)
    elif kind in ("history_entry", "history_list"):
        subjects, action = (
            _history_subjects(request, response, kind),
            "view" if kind == "history_entry" else "list",
        )
    elif kind == "autocomplete":
        subjects, action = _autocomplete_subjects(request, response), "list"
    else:
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is None:
            return
        subjects, action = subjects_for_residents(changelist.result_list), "list"
    if subjects:
        log_access(request, action, subjects, purpose="admin")


def _history_subjects(request, response, kind):
    """The residents whose changes an audit-history page shows (names, V-numbers, birth dates)."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from residents.access import subjects_for_households
    from residents.models import Resident

    if kind == "history_entry":
        entries = LogEntry.objects.filter(pk=request.resolver_match.kwargs["object_id"])
    else:
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        entries = changelist.result_list if changelist is not None else []
    by_model = {}
    for entry in entries:
        model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
        by_model.setdefault(model, set()).add(entry.object_pk)
    from residents.models import Household, Placement

    resident_ids = set(by_model.get(Resident, set()))
    if by_model.get(Placement):
        resident_ids |= set(
            Placement.objects.filter(pk__in=by_model[Placement]).values_list("resident_id", flat=True)
        )
    subjects = [
        ("residents.resident", pk, reference)
        for pk, reference in Resident.objects.filter(pk__in=resident_ids).values_list("pk", "reference")
    ]
    if by_model.get(Household):
        subjects += subjects_for_households(list(by_model[Household]))
    return subjects


def _autocomplete_subjects(request, response):
    """The residents (or households' residents) offered by an admin autocomplete: searchable by
    name and V-number, so each answer is a list of personal data."""
    import json

    from django.apps import apps
    from django.core.exceptions import FieldDoesNotExist

    from residents.access import subjects_for_households
    from residents.models import Household, Resident

    try:
        source = apps.get_model(request.GET.get("app_label", ""), request.GET.get("model_name", ""))
        target = source._meta.get_field(request.GET.get("field_name", "")).remote_field.model
        ids = [item["id"] for item in json.loads(response.content)["results"]]
    except (LookupError, ValueError, KeyError, TypeError, AttributeError, FieldDoesNotExist):
        return []
    if target is Resident:
        return [
            ("residents.resident", pk, reference)
            for pk, reference in Resident.objects.filter(pk__in=ids).values_list("pk", "reference")
        ]
    if target is Household:
        return subjects_for_households(ids)
    return []


def log_refused_admin_record(request):
    """An admin page of a record outside the user's scope answers as if it did not exist (404, or
    Django's redirect to the admin index); log the refused attempt when the record does exist."""
    if getattr(request, "_accesslog_refused_logged", False):
        return
    from django.apps import apps
    from django.contrib import admin

    match = request.resolver_match
    found = ADMIN_RECORD_VIEW.fullmatch(match.view_name) if match is not None else None
    object_id = match.kwargs.get("object_id") if found else None
    if object_id is None:
        return
    try:
        model = apps.get_model(found["app"], found["model"])
    except LookupError:
        return
    model_admin = admin.site._registry.get(model)
    if model_admin is None:
        return
    try:
        exists = model._base_manager.filter(pk=object_id).exists()
        visible = model_admin.get_queryset(request).filter(pk=object_id).exists()
    except (ValueError, TypeError, ValidationError):
        return
    if exists and not visible:
        _refused(request, model._meta.label_lower, object_id)


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
            if scope.has_role(request.user):  # a coordinator: a refused attempt on personal data
                match = request.resolver_match
                label = RECORD_VIEWS.get(match.view_name) if match is not None else None
                if label and "pk" in kwargs:
                    log_refused(request, label, kwargs["pk"])
                else:
                    log_refused(request, "page", match.view_name if match is not None else "")
                request._accesslog_refused_logged = True
            return _no_role(request)
        return view(request, *args, **kwargs)

    return wrapper


def quota_setter_view(view):
    """Pioneers and superusers: the pages that set quotas (art. 29). Others get the no-access page."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not scope.sets_quotas(request.user):
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


def pioneer_view(view):
    """Pioneers and superusers: intent agreements and their activities are theirs to change (SPEC
    §2). Other roles get the no-access page (403); records outside the scope answer 404 as always."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not (user.is_superuser and user.is_active) and scope.PIONEER not in scope.roles_of(user):
            return _no_role(request)
        return view(request, *args, **kwargs)

    return wrapper
