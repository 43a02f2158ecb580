"""The demo users of SPEC §9 (and `provincie`, a province supervisor of Groningen) and the role
groups they belong to."""

from django.contrib.auth import get_user_model

from accounts.roles import ensure_role_groups
from housing import scope
from housing.models import Municipality, UserScope

GRONINGEN = "GM0014"
UTRECHT = "GM0344"
PROVINCE_GRONINGEN = "Groningen"


def demo_user_specs():
    """(username, role, is_staff, municipality queryset) of each demo user."""
    return [
        (
            "pionier",
            scope.PIONEER,
            True,
            Municipality.objects.filter(province=PROVINCE_GRONINGEN, active=True),
        ),
        ("coordinator", scope.COORDINATOR, False, Municipality.objects.none()),
        ("groningen", scope.MUNICIPAL_STAFF, False, Municipality.objects.filter(cbs_code=GRONINGEN)),
        ("utrecht", scope.MUNICIPAL_STAFF, False, Municipality.objects.filter(cbs_code=UTRECHT)),
        ("provincie", scope.PROVINCE_SUPERVISOR, False, Municipality.objects.none()),
    ]


def missing_demo_users():
    names = [spec[0] for spec in demo_user_specs()]
    existing = set(get_user_model().objects.filter(username__in=names).values_list("username", flat=True))
    return [name for name in names if name not in existing]


def ensure_demo_users(password):
    """Create the demo users that do not exist yet (with `password`) and make their groups and
    scope right. An existing user keeps their password: running the seed twice changes nothing."""
    groups = ensure_role_groups()
    User = get_user_model()
    users, created = {}, []
    for username, role, is_staff, municipalities in demo_user_specs():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, email=f"{username}@example.org", is_staff=is_staff)
            user.set_password(password)
            user.save()
            created.append(username)
        user.groups.add(groups[role])
        user_scope, _created = UserScope.objects.get_or_create(user=user)
        user_scope.municipalities.add(*municipalities)
        if role == scope.PROVINCE_SUPERVISOR and not user_scope.province:
            user_scope.province = PROVINCE_GRONINGEN
            user_scope.save(update_fields=["province"])
        users[username] = user
    return users, created
