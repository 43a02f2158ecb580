"""Audit history (SPEC §5): every create, change and delete of the records below is kept by
django-auditlog with who (the signed-in user, set by the middleware), when and what changed. It is
read in the admin, where pioneers see the history of the records in their scope only
(thuisgevers/admin.py).

Registered here, in one place, rather than in each app: the apps stay free of the audit library and
a reader finds the list of audited models by guessing this file.
"""

from auditlog.middleware import AuditlogMiddleware as _AuditlogMiddleware
from auditlog.registry import auditlog
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from accesslog.log import client_address


def audited_models():
    """(model, options) for every audited model; the personal-data models have `visible_to`."""
    from buddies.models import Buddy, BuddyMatch
    from housing.models import (
        Activity,
        IntentAgreement,
        NationalNumber,
        Organisation,
        Population,
        Property,
        Quota,
        Redistribution,
        RedistributionShare,
        Region,
        UserScope,
    )
    from residents.models import Hold, Household, Placement, Proposal, Resident, SignalState

    return [
        (Household, {}),
        # search_text is the name again, normalised: kept out so no history repeats it.
        (Resident, {"exclude_fields": ["search_text"]}),
        (Placement, {}),
        (Property, {}),
        (IntentAgreement, {"m2m_fields": {"partners"}}),
        (Buddy, {}),
        (BuddyMatch, {}),
        (Quota, {}),
        (Region, {"m2m_fields": {"members"}}),
        (Organisation, {}),
        (Activity, {"m2m_fields": {"organisations"}}),
        (SignalState, {"exclude_fields": ["changed_at"]}),
        (Hold, {}),
        (Proposal, {}),
        (Population, {}),
        (NationalNumber, {}),
        (Redistribution, {}),
        (RedistributionShare, {}),
        # Who gave whom which municipalities and which role: security-relevant, superusers only.
        (UserScope, {"m2m_fields": {"municipalities"}}),
        (
            get_user_model(),
            {
                "m2m_fields": {"groups", "user_permissions"},
                "exclude_fields": ["password", "last_login"],
            },
        ),
        *_installed(
            # Application clients of the API and their scope (by label: accounts sits below api).
            (
                "api.ApiClient",
                {"m2m_fields": {"municipalities"}, "exclude_fields": ["token_hash", "last_used_at"]},
            ),
        ),
    ]


def _installed(*entries):
    from django.apps import apps

    return [
        (apps.get_model(label), options)
        for label, options in entries
        if apps.is_installed(label.split(".")[0])
    ]


def register_audited_models():
    for model, options in audited_models():
        if not auditlog.contains(model):
            auditlog.register(model, **options)


def entries_visible_to(queryset, user):
    """Audit entries of records the user may see now; superusers see all (deleted records included)."""
    if user.is_superuser:
        return queryset
    condition = Q(pk__in=[])
    for model, _options in audited_models():
        manager = model._default_manager
        if not hasattr(manager.all(), "visible_to"):
            continue  # user accounts and scopes: superusers only
        content_type = ContentType.objects.get_for_model(model)
        visible = manager.all().visible_to(user).values("pk")
        condition |= Q(content_type=content_type, object_id__in=visible)
    return queryset.filter(condition)


class AuditlogMiddleware(_AuditlogMiddleware):
    """django-auditlog's middleware (actor and address on every entry), with the client address
    taken as the access log takes it, so a client cannot forge it with X-Forwarded-For."""

    @staticmethod
    def _get_remote_addr(request):
        return client_address(request)


HISTORY_LIMIT = 50


def history_of(*objects, limit=HISTORY_LIMIT):
    """The newest audit entries of `objects` (model instances, any mix of models), with their actor:
    what an edit page shows under its form. The caller has already checked the user may see them."""
    from auditlog.models import LogEntry

    condition = Q(pk__in=[])
    by_model = {}
    for obj in objects:
        if obj is not None and obj.pk is not None:
            by_model.setdefault(type(obj), []).append(obj.pk)
    for model, pks in by_model.items():
        condition |= Q(
            content_type=ContentType.objects.get_for_model(model), object_pk__in=[str(pk) for pk in pks]
        )
    return list(
        LogEntry.objects.filter(condition)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")[:limit]
    )
