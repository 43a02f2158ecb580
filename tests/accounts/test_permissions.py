"""The permission matrix: every address of SPEC §7/§8 × every role × a record inside and outside the
user's scope (pretix: src/tests/control/test_permissions.py; healthchecks' user "charlie").

Own records lie in Groningen (GM0014), foreign ones in Utrecht (GM0344). Expected answers:
anonymous → the sign-in page (except sign-in and /healthz); a user without a role → the "no access"
page (403); coordinators → figures pages yes (200), personal-data pages no (403, or 404 for a
record); a province supervisor (province of Groningen) like a coordinator, but only for the
municipalities of its province (Utrecht's records answer 404); a record outside the user's scope
→ 404, and the attempt is in the access log as refused.
Each role is one test that walks the whole table and reports every mismatch at once.
"""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from accesslog.models import AccessLogEntry, AccessRecord
from housing import scope
from tests.factories import (
    GRONINGEN,
    UTRECHT,
    BuddyFactory,
    BuddyMatchFactory,
    HouseholdFactory,
    IntentAgreementFactory,
    PlacementFactory,
    PropertyFactory,
    QuotaFactory,
    RegionFactory,
    ResidentFactory,
    UserFactory,
    make_supervisor,
    make_user,
    municipality,
)

pytestmark = pytest.mark.django_db

OWN, FOREIGN = "own", "foreign"
LOGIN_PATH = "/accounts/login/"

# (address name, record the address names or None, kind, extra kwargs, method)
# kinds: login, public, figures, figures_record, personal, personal_record, admin
ROWS = [
    ("login", None, "login", {}, "get"),
    ("healthz", None, "public", {}, "get"),
    ("dashboard", None, "figures", {}, "get"),
    ("signal_list", None, "personal", {}, "get"),
    ("municipality_list", None, "figures", {}, "get"),
    ("municipality_detail", "cbs_code", "figures_record", {}, "get"),
    ("region_detail", "region", "figures_record", {}, "get"),
    ("property_list", None, "personal", {}, "get"),
    ("property_create", None, "personal", {}, "get"),
    ("property_detail", "property", "personal_record", {}, "get"),
    ("property_edit", "property", "personal_record", {}, "get"),
    ("household_list", None, "personal", {}, "get"),
    ("household_create", None, "personal", {}, "get"),
    ("household_detail", "household", "personal_record", {}, "get"),
    ("placement_list", None, "personal", {}, "get"),
    ("placement_create", None, "personal", {}, "get"),
    ("placement_end", "placement", "personal_record", {}, "post"),
    ("buddy_list", None, "personal", {}, "get"),
    ("buddy_detail", "buddy", "personal_record", {}, "get"),
    ("match_create", None, "personal", {}, "get"),
    ("agreement_list", None, "personal", {}, "get"),
    ("agreement_detail", "agreement", "personal_record", {}, "get"),
    ("agreement_college_proposal", "agreement", "personal_record", {}, "get"),
    ("report_index", None, "figures", {}, "get"),
    ("report_quota", None, "figures", {"fmt": "csv"}, "get"),
    ("report_quota", None, "figures", {"fmt": "xlsx"}, "get"),
    ("report_evidence", None, "figures", {"fmt": "csv"}, "get"),
    ("report_forecast", None, "figures", {"fmt": "csv"}, "get"),
    ("report_forecast", None, "figures", {"fmt": "xlsx"}, "get"),
    ("report_forecast_checkpoints", None, "figures", {"fmt": "csv"}, "get"),
    ("report_placements", None, "personal", {"fmt": "csv"}, "get"),
    ("report_placements", None, "personal", {"fmt": "xlsx"}, "get"),
    ("report_signals", None, "personal", {"fmt": "csv"}, "get"),
    ("report_region", "region", "figures_record", {"fmt": "csv"}, "get"),
    ("report_progress", "cbs_code", "figures_record", {}, "get"),
    ("report_progress_pdf", "cbs_code", "figures_record", {}, "get"),
    ("report_region_progress", "region", "figures_record", {}, "get"),
    ("report_region_progress_pdf", "region", "figures_record", {}, "get"),
    ("report_supervision", None, "figures", {"fmt": "csv"}, "get"),
    ("report_supervision", None, "figures", {"fmt": "xlsx"}, "get"),
    ("supervision", None, "figures", {}, "get"),
    ("quota_compute", None, "quota_setter", {}, "get"),
    ("region_redistribution", "region", "quota_setter_record", {}, "get"),
    ("admin:index", None, "admin", {}, "get"),
]

ROLES = [
    "superuser",
    "pioneer",
    "staff_own",
    "staff_foreign",
    "coordinator",
    "province_supervisor",
    "charlie",
    "anonymous",
]
# The province supervisor supervises the province of Groningen (OWN); Utrecht is another province.
SCOPE = {
    "superuser": {OWN, FOREIGN},
    "pioneer": {OWN},
    "staff_own": {OWN},
    "staff_foreign": {FOREIGN},
    "province_supervisor": {OWN},
}
FIGURES_ONLY = ("coordinator", "province_supervisor")


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_world():
    world = {}
    for side, code in ((OWN, GRONINGEN), (FOREIGN, UTRECHT)):
        place = municipality(code)
        prop = PropertyFactory(municipality=place, capacity=6)
        household = HouseholdFactory(municipality=place)
        resident = ResidentFactory(household=household)
        placement = PlacementFactory(resident=resident, property=prop, start_date=dt.date(2026, 7, 1))
        buddy = BuddyFactory(municipality=place)
        BuddyMatchFactory(buddy=buddy, household=household)
        QuotaFactory(municipality=place)
        world[side] = {
            "cbs_code": code,
            "region": RegionFactory(members=[place]).pk,
            "property": prop.pk,
            "household": household.pk,
            "placement": placement.pk,
            "buddy": buddy.pk,
            "agreement": IntentAgreementFactory(municipality=place).pk,
        }
    return world


def make_role(role):
    if role == "superuser":
        return UserFactory(is_superuser=True, is_staff=True)
    if role == "pioneer":
        return make_user(scope.PIONEER, [GRONINGEN, "GM0037"], username="pionier", is_staff=True)
    if role == "staff_own":
        return make_user(scope.MUNICIPAL_STAFF, [GRONINGEN], username="groningen")
    if role == "staff_foreign":
        return make_user(scope.MUNICIPAL_STAFF, [UTRECHT], username="utrecht")
    if role == "coordinator":
        return make_user(scope.COORDINATOR, username="coordinator")
    if role == "province_supervisor":
        return make_supervisor("Groningen", username="toezicht")
    if role == "charlie":
        return make_user(None, username="charlie")
    return None


def expected(kind, role, side):
    """The expected answer: a status code, or a set of acceptable codes."""
    if kind == "public":
        return 200
    if kind == "login":
        return 200 if role == "anonymous" else 302  # signed-in users go on to the dashboard
    if role == "anonymous":
        return "login"
    if role == "charlie":
        return "no_role"
    if kind == "admin":
        return 200 if role in ("superuser", "pioneer") else 302  # the admin sends non-staff to its login
    if kind == "figures":
        return 200
    if kind == "quota_setter":
        return 200 if role in ("superuser", "pioneer") else "no_role"
    if kind == "quota_setter_record":
        if role not in ("superuser", "pioneer"):
            return "no_role"
        return 200 if side in SCOPE[role] else 404
    if kind == "figures_record":
        if role == "coordinator":
            return 200
        return 200 if side in SCOPE[role] else 404
    if kind == "personal":
        return "no_role" if role in FIGURES_ONLY else 200
    if kind == "personal_record":
        if role in FIGURES_ONLY:
            return {403, 404}
        return 200 if side in SCOPE[role] else 404
    raise AssertionError(kind)


def matches(response, want):
    if want == "login":
        return response.status_code == 302 and response["Location"].startswith(LOGIN_PATH)
    if want == "no_role":
        return response.status_code == 403 and "no_role.html" in [t.name for t in response.templates]
    if isinstance(want, set):
        return response.status_code in want
    return response.status_code == want


def cases():
    for name, record, kind, extra, method in ROWS:
        sides = (OWN, FOREIGN) if record else (None,)
        for side in sides:
            yield name, record, kind, extra, method, side


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role):
    world = make_world()
    user = make_role(role)
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    mismatches = []
    for name, record, kind, extra, method, side in cases():
        kwargs = dict(extra)
        if record:
            kwargs["cbs_code" if record == "cbs_code" else "pk"] = world[side][record]
        url = reverse(name, kwargs=kwargs)
        refused_before = AccessLogEntry.objects.filter(result="refused").count()
        response = getattr(client, method)(url)
        want = expected(kind, role, side)
        if not matches(response, want):
            mismatches.append(
                f"{method.upper()} {url} ({side or '-'}): got {response.status_code}, want {want}"
            )
            continue
        if want == 404 and record not in (None, "cbs_code"):
            refused = AccessLogEntry.objects.filter(result="refused").count() - refused_before
            if refused != 1:
                mismatches.append(f"{url}: 404 but {refused} refused entries in the access log")
    assert not mismatches, f"{role}:\n" + "\n".join(mismatches)


def test_household_placed_in_a_property_in_scope_is_visible_to_that_municipality(client):
    household = HouseholdFactory(municipality=municipality(UTRECHT))
    resident = ResidentFactory(household=household)
    PlacementFactory(resident=resident, property=PropertyFactory(municipality=municipality(GRONINGEN)))
    client.force_login(make_user(scope.MUNICIPAL_STAFF, [GRONINGEN], username="groningen"))
    assert client.get(reverse("household_detail", args=[household.pk])).status_code == 200


def test_form_choices_never_list_records_outside_the_scope(client):
    world = make_world()
    for side, code in ((OWN, GRONINGEN), (FOREIGN, UTRECHT)):
        # A household without a buddy yet, so that the match form offers it.
        unmatched = HouseholdFactory(municipality=municipality(code))
        ResidentFactory(household=unmatched)
        world[side]["household"] = unmatched.pk
    client.force_login(make_user(scope.MUNICIPAL_STAFF, [GRONINGEN], username="groningen"))
    for name in ("placement_create", "match_create", "household_create", "property_create"):
        form = client.get(reverse(name)).context["form"]
        for field_name, field in form.fields.items():
            queryset = getattr(field, "queryset", None)
            if queryset is None:
                continue
            model = queryset.model._meta.model_name
            if model in world[FOREIGN]:
                pks = set(queryset.values_list("pk", flat=True))
                assert world[FOREIGN][model] not in pks, f"{name}.{field_name} lists a foreign {model}"
                assert world[OWN][model] in pks, f"{name}.{field_name} misses the own {model}"
            if model == "municipality":
                codes = set(queryset.values_list("cbs_code", flat=True))
                assert UTRECHT not in codes, f"{name}.{field_name} lists Utrecht"


def test_exports_never_hold_records_outside_the_scope(client):
    from residents.models import Household

    world = make_world()
    client.force_login(make_user(scope.MUNICIPAL_STAFF, [GRONINGEN], username="groningen"))
    own = Household.objects.get(pk=world[OWN]["household"]).reference
    foreign = Household.objects.get(pk=world[FOREIGN]["household"]).reference
    for name in ("report_placements", "report_signals"):
        response = client.get(reverse(name, kwargs={"fmt": "csv"}), {"period": "2026-H2"})
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8-sig")
        assert foreign not in text, name
        if name == "report_placements":
            assert own in text


def test_viewing_a_household_writes_one_access_log_row_per_resident(client):
    household = HouseholdFactory()
    residents = ResidentFactory.create_batch(3, household=household)
    user = make_user(scope.MUNICIPAL_STAFF, [GRONINGEN], username="groningen")
    client.force_login(user)
    assert client.get(reverse("household_detail", args=[household.pk])).status_code == 200
    rows = AccessLogEntry.objects.filter(action="view", result="success")
    assert sorted(rows.values_list("subject_reference", flat=True)) == sorted(r.reference for r in residents)
    assert set(rows.values_list("actor_username", flat=True)) == {"groningen"}


def test_placements_export_writes_export_rows_to_the_access_log(client):
    placement = PlacementFactory()
    client.force_login(make_user(scope.MUNICIPAL_STAFF, [GRONINGEN], username="groningen"))
    response = client.get(reverse("report_placements", kwargs={"fmt": "csv"}), {"period": "2026-H2"})
    if response.streaming:
        b"".join(response.streaming_content)
    rows = AccessRecord.objects.filter(action="export")
    assert list(rows.values_list("subject_reference", flat=True)) == [placement.resident.reference]


ADMIN_MODELS = [
    ("residents", "household", "household"),
    ("residents", "placement", "placement"),
    ("housing", "property", "property"),
    ("buddies", "buddy", "buddy"),
    ("housing", "intentagreement", "agreement"),
]


def test_admin_shows_pioneers_only_their_scope(client):
    from accounts.roles import ensure_role_groups

    world = make_world()
    ensure_role_groups()
    client.force_login(make_user(scope.PIONEER, [GRONINGEN, "GM0037"], username="pionier", is_staff=True))
    mismatches = []
    for app, model, key in ADMIN_MODELS:
        changelist = client.get(reverse(f"admin:{app}_{model}_changelist"))
        if changelist.status_code != 200:
            mismatches.append(f"{model} changelist: {changelist.status_code}")
            continue
        shown = {obj.pk for obj in changelist.context["cl"].result_list}
        if world[OWN][key] not in shown or world[FOREIGN][key] in shown:
            mismatches.append(
                f"{model} changelist shows {shown}, own {world[OWN][key]}, foreign {world[FOREIGN][key]}"
            )
        own_page = client.get(reverse(f"admin:{app}_{model}_change", args=[world[OWN][key]]))
        foreign_page = client.get(reverse(f"admin:{app}_{model}_change", args=[world[FOREIGN][key]]))
        if own_page.status_code != 200:
            mismatches.append(f"{model} own change page: {own_page.status_code}")
        if foreign_page.status_code == 200:
            mismatches.append(f"{model} foreign change page answers 200")
    resident_list = client.get(reverse("admin:residents_resident_changelist"), {"q": ""})
    households = {r.household_id for r in resident_list.context["cl"].result_list}
    if households != {world[OWN]["household"]}:
        mismatches.append(f"resident changelist shows households {households}")
    assert not mismatches, "\n".join(mismatches)


def test_admin_views_of_residents_are_in_the_access_log(client):
    from accounts.roles import ensure_role_groups

    household = HouseholdFactory()
    residents = ResidentFactory.create_batch(2, household=household)
    ensure_role_groups()
    client.force_login(make_user(scope.PIONEER, [GRONINGEN], username="pionier", is_staff=True))
    assert client.get(reverse("admin:residents_household_change", args=[household.pk])).status_code == 200
    viewed = AccessLogEntry.objects.filter(action="view", purpose="admin")
    assert sorted(viewed.values_list("subject_reference", flat=True)) == sorted(
        r.reference for r in residents
    )
    assert client.get(reverse("admin:residents_resident_changelist")).status_code == 200
    listed = AccessLogEntry.objects.filter(action="list", purpose="admin")
    assert sorted(listed.values_list("subject_reference", flat=True)) == sorted(
        r.reference for r in residents
    )
