"""The role groups of SPEC §2 with the model permissions the admin site checks.

What a user *sees* is decided by scope (housing/scope.py); these permissions decide which admin
pages and actions a role gets at all. Nobody gets delete: records with history are archived.
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from housing import scope

PERSONAL_MODELS = [
    "residents.household",
    "residents.resident",
    "residents.placement",
    "housing.property",
    "buddies.buddy",
    "buddies.buddymatch",
]
PIONEER_MODELS = [
    *PERSONAL_MODELS,
    "housing.municipality",
    "housing.region",
    "housing.quota",
    "housing.organisation",
    "housing.intentagreement",
    "housing.activity",
    "housing.population",
    "housing.nationalnumber",
    "housing.redistribution",
    "housing.redistributionshare",
]
# Figures only: municipalities, regions and quotas (no personal data).
COORDINATOR_MODELS = ["housing.municipality", "housing.region", "housing.quota"]
# Figures only, of one province (housing/scope.py narrows what they see).
PROVINCE_SUPERVISOR_MODELS = [*COORDINATOR_MODELS, "housing.population", "housing.nationalnumber"]

GROUP_PERMISSIONS = {
    scope.PIONEER: {
        **dict.fromkeys(PIONEER_MODELS, ("view", "add", "change")),
        # The audit history of their scope (thuisgevers/admin.py narrows it); read-only.
        "auditlog.logentry": ("view",),
    },
    scope.MUNICIPAL_STAFF: dict.fromkeys(PERSONAL_MODELS, ("view", "add", "change")),
    scope.COORDINATOR: dict.fromkeys(COORDINATOR_MODELS, ("view",)),
    scope.PROVINCE_SUPERVISOR: dict.fromkeys(PROVINCE_SUPERVISOR_MODELS, ("view",)),
}


def permissions_for(role):
    wanted = GROUP_PERMISSIONS[role]
    result = []
    for label, actions in wanted.items():
        app_label, model = label.split(".")
        content_type = ContentType.objects.get_by_natural_key(app_label, model)
        codenames = [f"{action}_{model}" for action in actions]
        result.extend(Permission.objects.filter(content_type=content_type, codename__in=codenames))
    return result


def ensure_role_groups():
    """Create the role groups and add their permissions. Idempotent; never removes a
    permission an operator added by hand. Returns the groups by name."""
    groups = {}
    for role in GROUP_PERMISSIONS:
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.add(*permissions_for(role))
        groups[role] = group
    return groups
