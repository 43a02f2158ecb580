"""Who may see which municipalities (SPEC §2).

Roles are Django groups; a user's municipalities are their `UserScope`. This module is the one place
that turns a user into a set of municipality ids; every `visible_to(user)` queryset method uses it.
"""

from django.apps import apps
from django.db.models import Q

MUNICIPAL_STAFF = "municipal_staff"
PIONEER = "pioneer"
COORDINATOR = "coordinator"
PROVINCE_SUPERVISOR = "province_supervisor"
ROLES = (MUNICIPAL_STAFF, PIONEER, COORDINATOR, PROVINCE_SUPERVISOR)
ALL = None  # "no restriction" marker returned by municipality_ids()


def roles_of(user):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    cached = getattr(user, "_thuisgevers_roles", None)
    if cached is None:
        _load(user)
        cached = user._thuisgevers_roles
    return cached


def _load(user):
    """A user's roles, municipalities and supervised province in one query: every signed-in page
    asks for the roles and nearly every one for the municipalities (`visible_to`), so they come
    together, kept on the user object for the rest of the request. Plain SQL (names from model
    meta): building it with the ORM cost more than the round trip it saves (`make bench`)."""
    from django.db import connections, router

    UserScope = apps.get_model("housing", "UserScope")  # noqa: N806 - a model class
    groups = user._meta.get_field("groups")
    group_table = groups.remote_field.model._meta.db_table
    user_groups = groups.remote_field.through._meta
    chosen = UserScope.municipalities.through._meta
    using = router.db_for_read(UserScope)
    quote = connections[using].ops.quote_name

    def column(meta, name):
        return quote(meta.get_field(name).column)

    roles = ", ".join(["%s"] * len(ROLES))
    scopes = quote(UserScope._meta.db_table)
    sql = (
        f"SELECT 'r', g.{quote('name')} FROM {quote(group_table)} g "  # noqa: S608 - names from meta
        f"JOIN {quote(user_groups.db_table)} ug ON ug.{column(user_groups, 'group')} = g.{quote('id')} "
        f"WHERE ug.{column(user_groups, 'user')} = %s AND g.{quote('name')} IN ({roles}) "
        f"UNION ALL SELECT 'm', CAST(c.{column(chosen, 'municipality')} AS VARCHAR(20)) "
        f"FROM {quote(chosen.db_table)} c JOIN {scopes} us "
        f"ON us.{quote(UserScope._meta.pk.column)} = c.{column(chosen, 'userscope')} "
        f"WHERE us.{column(UserScope._meta, 'user')} = %s "
        f"UNION ALL SELECT 'p', us.{column(UserScope._meta, 'province')} FROM {scopes} us "
        f"WHERE us.{column(UserScope._meta, 'user')} = %s"
    )
    found = {"r": set(), "m": set(), "p": ""}
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [user.pk, *ROLES, user.pk, user.pk])
        for part, value in cursor.fetchall():
            if part == "p":
                found["p"] = value or ""
            else:
                found[part].add(value if part == "r" else int(value))
    user._thuisgevers_roles = found["r"]
    user._thuisgevers_municipality_ids = found["m"]
    user._thuisgevers_province = found["p"]


def has_role(user):
    return bool(getattr(user, "is_superuser", False) and user.is_active) or bool(roles_of(user))


def is_coordinator_only(user):
    roles = roles_of(user)
    return roles == {COORDINATOR} and not user.is_superuser


def is_province_supervisor_only(user):
    return roles_of(user) == {PROVINCE_SUPERVISOR} and not user.is_superuser


def supervised_province(user):
    """The province a province supervisor supervises ("" when none is set or not a supervisor)."""
    if PROVINCE_SUPERVISOR not in roles_of(user):
        return ""
    cached = getattr(user, "_thuisgevers_province", None)
    if cached is None:
        UserScope = apps.get_model("housing", "UserScope")  # noqa: N806 - a model class
        cached = UserScope.objects.filter(user=user).values_list("province", flat=True).first() or ""
        user._thuisgevers_province = cached
    return cached


def _province_ids(user):
    province = supervised_province(user)
    if not province:
        return set()
    cached = getattr(user, "_thuisgevers_province_ids", None)
    if cached is None:
        Municipality = apps.get_model("housing", "Municipality")  # noqa: N806 - a model class
        cached = set(Municipality.objects.filter(province=province).values_list("pk", flat=True))
        user._thuisgevers_province_ids = cached
    return cached


def sets_quotas(user):
    """Pioneers and superusers compute and save quotas (art. 29) for every municipality."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or PIONEER in roles_of(user)


def sees_personal_data(user):
    """Staff, pioneers and superusers see personal data; coordinators and role-less users do not."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or bool(roles_of(user) & {MUNICIPAL_STAFF, PIONEER})


def municipality_ids(user, *, personal=True):
    """The ids of the municipalities whose records `user` may see, or ALL.

    `personal=False` asks for figures only: coordinators see the figures of every municipality,
    a province supervisor those of the municipalities of their province.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    if user.is_superuser:
        return ALL
    roles = roles_of(user)
    if not personal and COORDINATOR in roles:
        return ALL
    supervised = _province_ids(user) if not personal and PROVINCE_SUPERVISOR in roles else set()
    if not roles & {MUNICIPAL_STAFF, PIONEER}:
        return supervised
    cached = getattr(user, "_thuisgevers_municipality_ids", None)
    if cached is None:
        # Through the app registry, not an import: housing.models imports this module.
        UserScope = apps.get_model("housing", "UserScope")  # noqa: N806 - a model class
        cached = set(
            UserScope.municipalities.through.objects.filter(userscope__user=user).values_list(
                "municipality_id", flat=True
            )
        )
        user._thuisgevers_municipality_ids = cached
    if supervised:
        return cached | supervised
    return cached


def filter_by_municipality(queryset, user, *fields, personal=True):
    """Keep rows whose municipality (through any of `fields`) is in the user's scope."""
    ids = municipality_ids(user, personal=personal)
    if ids is ALL:
        return queryset
    if not ids:
        return queryset.none()
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__in": ids})
    return queryset.filter(condition).distinct() if len(fields) > 1 else queryset.filter(condition)
