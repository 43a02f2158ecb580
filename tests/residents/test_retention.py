"""Retention (SPEC §5): `purge_personal_data` anonymises households whose last placement ended more
than RETENTION_MONTHS ago; figures and reports stay the same, and the audit history forgets names."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from housing.periods import Period
from residents.models import Household, Placement, Resident, add_months
from residents.services import end_placement, households_due_for_anonymisation, place_household
from tests.factories import QuotaFactory, ResidentFactory, make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def placed_household(prop=None, *, start, end=None, names=("Amal", "Haddad")):
    resident = ResidentFactory(given_name=names[0], family_name=names[1], gp_practice="Huisartsen Oost")
    household = resident.household
    placements = place_household(
        household=household, property=prop or _property(), kind="har", start_date=start
    )
    if end:
        for placement in placements:
            end_placement(placement=placement, end_date=end, outflow=Placement.Outflow.PERMANENT_HERE)
    return household


def _property():
    from tests.factories import PropertyFactory

    return PropertyFactory(capacity=10)


@pytest.fixture
def history():
    """One household due (ended 30 months ago), one ended recently, one still placed."""
    old_start = add_months(TODAY, -40)
    due = placed_household(start=old_start, end=add_months(TODAY, -30), names=("Amal", "Haddad"))
    recent = placed_household(
        start=add_months(TODAY, -12), end=add_months(TODAY, -3), names=("Samir", "Noor")
    )
    active = placed_household(start=add_months(TODAY, -2), names=("Lina", "Kassem"))
    # An edit after the placement: the audit history now holds the name twice.
    resident = due.residents.get()
    resident.given_name = "Amaal"
    resident.save()
    for period in {Period.containing(old_start), Period.containing(TODAY)}:
        QuotaFactory(year=period.year, half=period.half, target=30)
    return {"due": due, "recent": recent, "active": active, "periods": {Period.containing(old_start)}}


def _report(client, period):
    return b"".join(client.get(f"/reports/quota.csv?period={period}").streaming_content)


def test_only_households_whose_last_placement_ended_long_ago_are_due(history):
    assert list(households_due_for_anonymisation()) == [history["due"]]


def test_dry_run_lists_references_and_changes_nothing(history):
    out = StringIO()
    call_command("purge_personal_data", stdout=out)
    assert history["due"].reference in out.getvalue()
    assert "Amaal" not in out.getvalue()
    assert "Proefdraai" in out.getvalue() or "Dry run" in out.getvalue()
    assert Resident.objects.filter(given_name="Amaal").exists()
    assert not Household.objects.filter(anonymised_at__isnull=False).exists()


def test_apply_anonymises_names_and_keeps_figures_and_reports_identical(history, client):
    from figures import figures

    coordinator = make_user("coordinator", username="landelijk")
    client.force_login(coordinator)
    periods = [str(p) for p in history["periods"]] + [str(Period.containing(TODAY))]
    before_figures = {p: figures.municipality_figures(Period.parse(p)) for p in periods}
    before_reports = {p: _report(client, p) for p in periods}
    assert all(b"gemeentecode" in report for report in before_reports.values())
    assert b"GM0014" in before_reports[periods[0]]

    call_command("purge_personal_data", "--apply", stdout=StringIO())

    assert {p: figures.municipality_figures(Period.parse(p)) for p in periods} == before_figures
    assert {p: _report(client, p) for p in periods} == before_reports
    resident = history["due"].residents.get()
    assert (resident.given_name, resident.v_number, resident.birth_date, resident.gp_practice) == (
        "Geanonimiseerd",
        None,
        None,
        "",
    )
    assert resident.placements.count() == 1
    history["due"].refresh_from_db()
    assert history["due"].anonymised_at is not None
    # Others untouched.
    assert Resident.objects.filter(given_name__in=["Samir", "Lina"]).count() == 2
    # Running again finds nothing.
    assert list(households_due_for_anonymisation()) == []


def test_apply_scrubs_the_old_names_from_the_audit_history(history):
    from auditlog.models import LogEntry

    resident = history["due"].residents.get()
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Resident), object_pk=str(resident.pk)
    )
    assert "Amaal" in json.dumps(
        list(entries.values("changes", "object_repr", "serialized_data")), default=str
    )

    call_command("purge_personal_data", "--apply", stdout=StringIO())

    dumped = json.dumps(
        list(entries.values("changes", "changes_text", "object_repr", "serialized_data")), default=str
    )
    assert entries.count() >= 2  # history kept: creation, edit, anonymisation
    for secret in ("Amal", "Amaal", "Haddad", "Huisartsen Oost"):
        assert secret not in dumped
    assert resident.reference in dumped
    # The other residents' history is untouched.
    other = history["recent"].residents.get()
    assert "Samir" in json.dumps(
        list(
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(Resident), object_pk=str(other.pk)
            ).values("changes")
        )
    )


def test_household_with_a_running_placement_is_never_due_even_with_an_old_ended_one(history):
    household = history["due"]
    place_household(
        household=household, property=_property(), kind="permanent", start_date=dt.date(2026, 1, 1)
    )
    assert list(households_due_for_anonymisation()) == []


def test_households_never_placed_are_due_once_registered_long_ago(history):
    from tests.factories import HouseholdFactory

    old, recent = HouseholdFactory(), HouseholdFactory()
    ResidentFactory(household=old, given_name="Nour")
    Household.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=31 * (24 + 1)))
    # Registered long ago, placed only from next month on: a planned placement keeps it.
    planned = HouseholdFactory()
    planned_resident = ResidentFactory(household=planned)
    Household.objects.filter(pk=planned.pk).update(created_at=timezone.now() - dt.timedelta(days=31 * 30))
    place_household(
        household=planned, property=_property(), kind="har", start_date=TODAY + dt.timedelta(days=30)
    )
    assert planned_resident.placements.exists()
    due = list(households_due_for_anonymisation())
    assert due == sorted([history["due"], old], key=lambda h: h.pk)
    assert recent not in due and planned not in due
