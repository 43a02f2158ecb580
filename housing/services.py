"""Use cases of intent agreements and their contact moments (SPEC §4): saving an agreement with its
partners, moving it a status step, recording an activity. The agreement's own rules (at least 25
persons, the college-decision rule) are IntentAgreement.clean and its constraints; these functions
check them before they write, inside one transaction with the row locked, so two pioneers cannot
interleave a step and an edit."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from housing.models import IntentAgreement


@transaction.atomic
def save_agreement(*, agreement, partners=None):
    """Create or change `agreement` (an instance with its new values); `partners` replaces the
    partner municipalities when given. The lead municipality is never its own partner."""
    if agreement.pk is not None:
        IntentAgreement.objects.select_for_update().filter(pk=agreement.pk).values_list("pk").get()
    agreement.full_clean()
    agreement.save()
    if partners is not None:
        agreement.partners.set([m for m in partners if m.pk != agreement.municipality_id])
    return agreement


@transaction.atomic
def move_agreement(*, agreement, status, college_decision_date=None, signed_on=None):
    """Move `agreement` to `status` (one of its `next_statuses()`); the dates given are recorded with
    the step (a college decision and signing date for *signed*)."""
    agreement = IntentAgreement.objects.select_for_update().get(pk=agreement.pk)
    if status not in agreement.next_statuses():
        raise ValidationError(
            {
                "status": _("An agreement with status ‘%(current)s’ cannot move to ‘%(status)s’.")
                % {
                    "current": agreement.get_status_display(),
                    "status": IntentAgreement.Status(status).label
                    if status in IntentAgreement.Status.values
                    else status,
                }
            }
        )
    agreement.status = status
    if college_decision_date is not None:
        agreement.college_decision_date = college_decision_date
    if signed_on is not None:
        agreement.signed_on = signed_on
    agreement.full_clean()
    agreement.save(update_fields=["status", "college_decision_date", "signed_on"])
    return agreement


@transaction.atomic
def save_activity(*, activity, organisations=None):
    """Record or correct a contact moment; its municipality is the agreement's lead or a partner."""
    agreement = activity.agreement
    if agreement is not None:
        allowed = {agreement.municipality_id, *agreement.partners.values_list("pk", flat=True)}
        if activity.municipality_id not in allowed:
            raise ValidationError(
                {"municipality": _("Choose the lead municipality or a partner of this agreement.")}
            )
    activity.full_clean()
    activity.save()
    if organisations is not None:
        activity.organisations.set(organisations)
    return activity
