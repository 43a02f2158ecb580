"""What someone did about a signal: handle it with a note, snooze it until a date, open it again.

The signal itself is computed (figures.signals); these functions record its state (SignalState)
for one household and kind, under a lock on that row, and raise the figures' data version so the
cached dashboard counts follow at once."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from figures import cache
from figures.signals import KINDS
from residents.models import Household, SignalState

State = SignalState.State


def _locked_state(household, kind):
    if kind not in KINDS:
        raise ValidationError({"kind": _("Unknown signal.")})
    # The household's row lock orders concurrent changes of its signals (and a first state's insert).
    Household.objects.select_for_update().filter(pk=household.pk).values_list("pk").get()
    found = SignalState.objects.filter(household=household, kind=kind).first()
    return found or SignalState(household=household, kind=kind)


def _save(record, user, **values):
    for name, value in values.items():
        setattr(record, name, value)
    record.changed_by = user
    record.changed_at = timezone.now()
    record.full_clean()
    record.save()
    cache.bump_on_commit()
    return record


@transaction.atomic
def handle_signal(*, household, kind, signal_date, note, user):
    """Mark the signal of `kind` for `household`, as it stands with `signal_date`, handled."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what was done: a note is required.")})
    state = _locked_state(household, kind)
    return _save(state, user, state=State.HANDLED, signal_date=signal_date, note=note, snoozed_until=None)


@transaction.atomic
def snooze_signal(*, household, kind, until, note, user):
    """Leave the signal of `kind` for `household` out of the open list until `until` (a later day)."""
    if until is None or until <= timezone.localdate():
        raise ValidationError({"snoozed_until": _("Choose a day after today.")})
    state = _locked_state(household, kind)
    return _save(
        state, user, state=State.SNOOZED, snoozed_until=until, note=(note or "").strip(), signal_date=None
    )


@transaction.atomic
def reopen_signal(*, household, kind, user):
    state = _locked_state(household, kind)
    return _save(state, user, state=State.OPEN, snoozed_until=None, signal_date=None)
