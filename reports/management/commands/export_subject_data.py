"""Right of access (AVG/GDPR art. 15): everything Thuisgevers holds on one resident, as JSON.

    python manage.py export_subject_data 1234567890 > inzage.json

Gives the resident, their household (without the personal data of the other members), placements,
buddy matches, the audit history of those records and every access-log entry that names them. The
export is itself written to the access log. Other people's data (fellow household members, buddies'
names) is left out: it is not the requester's to receive.
"""

import getpass
import json

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils.translation import gettext as _

from accesslog.models import AccessLogEntry, AccessRecord
from buddies.models import BuddyMatch
from residents.models import Household, Placement, Resident
from residents.validators import validate_v_number


def own_fields(model):
    """The names of a model's own values: every stored field but the id and links to other records.
    Derived rather than listed, so a field added to Resident or Household later is exported too."""
    return [f.name for f in model._meta.concrete_fields if not f.primary_key and not f.is_relation]


class Command(BaseCommand):
    help = "Export everything held on one V-number as JSON (right of access, GDPR art. 15)."

    def add_arguments(self, parser):
        parser.add_argument("v_number", help="The resident's V-number (10 digits).")

    def handle(self, *args, v_number, **options):
        v_number = v_number.strip()
        try:
            validate_v_number(v_number)
        except ValidationError as exc:
            raise CommandError(_("A V-number consists of exactly 10 digits.")) from exc
        resident = (
            Resident.objects.select_related("household__municipality", "household__support_organisation")
            .filter(v_number=v_number)
            .first()
        )
        if resident is None:
            raise CommandError(_("No resident with V-number %(v_number)s.") % {"v_number": v_number})
        data = subject_data(resident)
        self.stdout.write(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        _log_export(resident)


def subject_data(resident):
    household = resident.household
    placements = list(
        Placement.objects.filter(resident=resident)
        .select_related("property__municipality")
        .order_by("start_date")
    )
    matches = list(
        BuddyMatch.objects.filter(household=household)
        .select_related("buddy__organisation")
        .order_by("start_date")
    )
    records = [
        (Resident, [resident.pk]),
        (Household, [household.pk]),
        (Placement, [p.pk for p in placements]),
        (BuddyMatch, [m.pk for m in matches]),
    ]
    return {
        "resident": {field: getattr(resident, field) for field in own_fields(Resident)},
        "household": {
            **{field: getattr(household, field) for field in own_fields(Household)},
            "municipality": household.municipality.cbs_code,
            "support_organisation": str(household.support_organisation or ""),
            "members": household.residents.count(),
        },
        "placements": [
            {
                "property": p.property.name,
                "address": p.property.address,
                "municipality": p.property.municipality.cbs_code,
                "kind": p.kind,
                "start_date": p.start_date,
                "planned_end": p.planned_end,
                "end_date": p.end_date,
                "extension_reason": p.extension_reason,
                "outflow": p.outflow,
            }
            for p in placements
        ],
        "buddy_matches": [
            {
                "buddy_organisation": str(m.buddy.organisation or ""),
                "start_date": m.start_date,
                "end_date": m.end_date,
            }
            for m in matches
        ],
        "audit_history": _audit_entries(records),
        "access_log": _access_entries(resident, household),
    }


def _audit_entries(records):
    condition = Q(pk__in=[])
    for model, pks in records:
        if pks:
            condition |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=pks)
    entries = LogEntry.objects.filter(condition).select_related("content_type", "actor").order_by("timestamp")
    return [
        {
            "time": e.timestamp,
            "record": e.content_type.model,
            "action": e.get_action_display(),
            "by": e.actor.get_username() if e.actor else "",
            "changes": e.changes_dict,
        }
        for e in entries
    ]


def _access_entries(resident, household):
    # One row per record seen, whether it was logged alone or in a bulk entry (an export).
    entries = (
        AccessRecord.objects.for_subject(Resident._meta.label_lower, resident.pk)
        | AccessRecord.objects.for_subject(Household._meta.label_lower, household.pk)
    ).order_by("occurred_at", "entry_id")
    return [
        {
            "time": e.occurred_at,
            "by": e.actor_username,
            "action": e.action,
            "result": e.result,
            "purpose": e.purpose,
            "record": e.subject_type,
        }
        for e in entries
    ]


def _log_export(resident):
    AccessLogEntry.objects.create(
        actor_username=f"manage.py export_subject_data ({getpass.getuser()})"[:150],
        action=AccessLogEntry.Action.SUBJECT_ACCESS,
        subject_type=Resident._meta.label_lower,
        subject_id=str(resident.pk),
        subject_reference=resident.reference,
        purpose="right_of_access",
    )
