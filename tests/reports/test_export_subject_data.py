import json
from io import StringIO

import pytest
from auditlog.context import set_actor
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from accesslog.log import log_access, log_access_query
from accesslog.models import AccessLogEntry, AccessRecord
from tests.factories import BuddyMatchFactory, HouseholdFactory, PlacementFactory, ResidentFactory

pytestmark = pytest.mark.django_db


def export(v_number):
    out = StringIO()
    call_command("export_subject_data", v_number, stdout=out)
    return json.loads(out.getvalue())


def test_export_holds_everything_on_the_resident_but_not_other_peoples_data(staff_groningen):
    household = HouseholdFactory()
    with set_actor(staff_groningen):
        resident = ResidentFactory(household=household, v_number="1234567890", given_name="Amina")
    ResidentFactory(household=household, given_name="Yusuf", v_number="1234567891")
    PlacementFactory(resident=resident)
    BuddyMatchFactory(household=household, buddy__name="Jan de Vries")
    request = RequestFactory().get(f"/households/{household.pk}/")
    request.user = staff_groningen
    log_access(request, "view", [resident], purpose="household_page")

    data = export("1234567890")

    assert data["resident"]["given_name"] == "Amina"
    assert data["resident"]["v_number"] == "1234567890"
    assert data["household"]["reference"] == household.reference
    assert data["household"]["members"] == 2
    assert len(data["placements"]) == 1 and data["placements"][0]["kind"] == "har"
    assert len(data["buddy_matches"]) == 1
    assert any(e["record"] == "resident" and e["by"] == "groningen" for e in data["audit_history"])
    assert [(e["by"], e["action"], e["purpose"]) for e in data["access_log"]] == [
        ("groningen", "view", "household_page")
    ]
    text = json.dumps(data)
    assert "Yusuf" not in text and "Jan de Vries" not in text


def test_the_export_itself_is_written_to_the_access_log():
    resident = ResidentFactory(v_number="1234567890")
    export("1234567890")
    entry = AccessLogEntry.objects.get()
    assert (entry.action, entry.subject_id, entry.purpose) == (
        "subject_access",
        str(resident.pk),
        "right_of_access",
    )


def test_the_access_log_part_holds_entries_of_both_shapes_alike(staff_groningen):
    """A page view (an entry about one record) and exports (bulk entries naming many records) of
    the person and of their household all appear, one line each, with no trace of other people."""
    from residents.models import Household, Resident

    resident = ResidentFactory(v_number="1234567890")
    other = ResidentFactory()
    request = RequestFactory().get("/reports/placements.csv")
    request.user = staff_groningen
    log_access(request, "view", [resident], purpose="household_page")
    log_access_query(request, "export", Resident.objects.all(), purpose="report_placements")
    log_access_query(request, "export", Household.objects.all(), purpose="report_signals")
    log_access_query(request, "export", Resident.objects.filter(pk=other.pk), purpose="report_placements")

    data = export("1234567890")

    assert [(e["action"], e["purpose"], e["record"]) for e in data["access_log"]] == [
        ("view", "household_page", "residents.resident"),
        ("export", "report_placements", "residents.resident"),
        ("export", "report_signals", "residents.household"),
    ]
    assert AccessRecord.objects.for_subject("residents.resident", other.pk).count() == 2


@pytest.mark.parametrize("v_number", ["12345", "12345678901", "abcdefghij", "12345 6789"])
def test_malformed_v_number_is_refused_in_dutch(v_number):
    with pytest.raises(CommandError, match="V-nummer"):
        export(v_number)


def test_unknown_v_number_is_refused_in_dutch():
    with pytest.raises(CommandError, match="1111111111"):
        export("1111111111")
    assert not AccessLogEntry.objects.exists()


def test_every_own_field_of_resident_and_household_is_exported():
    # The field lists are derived from the models, so a field added later cannot be left out.
    from residents.models import Household, Resident

    ResidentFactory(v_number="1234567890")
    data = export("1234567890")
    for model, key in ((Resident, "resident"), (Household, "household")):
        own = {f.name for f in model._meta.concrete_fields if not f.primary_key and not f.is_relation}
        assert own and own <= set(data[key])
