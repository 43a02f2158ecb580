"""One check for a V-number that is already registered: pages, admin site and imports all call it.

A V-number is unique across Thuisgevers (the IND issues one per person), so entering one that exists
must be refused. What the refusal says depends on whether the user may see the resident who holds it:

- **In scope** (a resident of the user's own municipalities): the message names that resident's
  pseudonymous reference and household, so the user can open the record instead of creating a
  second one. Nothing is revealed that the user cannot already see.
- **Out of scope** (a resident of another municipality): the message is neutral, "Dit V-nummer kan
  niet worden gebruikt; neem contact op met De Thuisgevers", and never says that a resident exists,
  where, or under which reference. A unique number always gives away one bit — this number cannot
  be used — but the message does not tell a person exists elsewhere, the same as a number that is
  blocked for any other reason. The real case behind it is usually a household that moved to
  another municipality; De Thuisgevers can see both sides and transfer it.
- The attempt outside the scope is written to the access log as a refused event (result `refused`,
  the existing resident's id as record, purpose `v_number_check`, no reference, no V-number; see
  docs/access-log.md), so repeated probing of V-numbers shows up in the monitoring. It is noted
  through `housing.refusals` because the check runs inside form and import validation, where no
  request is at hand; the access-policy middleware writes the row.

The REST API offers no way to create or change residents, so it has no such check.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from housing.refusals import note_refused
from residents.models import Resident

OUT_OF_SCOPE_PURPOSE = "v_number_check"


def v_number_holder(v_number, user, *, exclude_pk=None):
    """(resident, in_scope) of the resident who holds `v_number` (other than `exclude_pk`), or None.
    `user` None means a caller without a scope (a management command): everything is in scope."""
    if not v_number:
        return None
    holder = (
        Resident.objects.filter(v_number=v_number)
        .exclude(pk=exclude_pk)
        .select_related("household")
        .only("pk", "reference", "household__reference")
        .first()
    )
    if holder is None:
        return None
    in_scope = user is None or Resident.objects.visible_to(user).filter(pk=holder.pk).exists()
    return holder, in_scope


def in_scope_message(holder, v_number=None):
    if v_number is None:
        return _("A resident with this V-number already exists: %(resident)s of household %(household)s.") % {
            "resident": holder.reference,
            "household": holder.household.reference,
        }
    return _(
        "V-number %(v_number)s is already registered in Thuisgevers: %(resident)s of household %(household)s."
    ) % {"v_number": v_number, "resident": holder.reference, "household": holder.household.reference}


def out_of_scope_message(v_number=None):
    if v_number is None:
        return _("This V-number cannot be used; contact De Thuisgevers.")
    return _("V-number %(v_number)s cannot be used; contact De Thuisgevers.") % {"v_number": v_number}


def check_v_number_free(v_number, user, *, exclude_pk=None, in_message=False):
    """Raise ValidationError (code `unique`) when `v_number` belongs to another resident: naming the
    resident when `user` may see them, neutral otherwise (and then noted as a refused attempt).
    `in_message`: repeat the V-number in the message (an import, where the row may hold several)."""
    found = v_number_holder(v_number, user, exclude_pk=exclude_pk)
    if found is None:
        return
    holder, in_scope = found
    shown = v_number if in_message else None
    if in_scope:
        raise ValidationError(in_scope_message(holder, shown), code="unique")
    note_refused("residents.resident", holder.pk, purpose=OUT_OF_SCOPE_PURPOSE)
    raise ValidationError(out_of_scope_message(shown), code="unique")


def is_v_number_clash(error):
    """Whether an IntegrityError is the V-number's unique constraint: two saves of one number at the
    same moment, both past `check_v_number_free`. The caller checks again (now the winner is stored)
    and shows that message instead of an error page."""
    return "v_number" in str(error)


def saved_or_clash(form, user, save, *, field="v_number", exclude_pk=None):
    """Run `save()` in a savepoint; when it fails on the V-number's unique constraint, put the
    message of `check_v_number_free` on `form` and return None (nothing saved), else its result. A
    refusal of `save()` itself (a ValidationError, e.g. a stale edit form) goes on the form too."""
    from django.db import IntegrityError, transaction

    try:
        with transaction.atomic():
            return save()
    except ValidationError as refusal:
        form.add_error(None, refusal)
        return None
    except IntegrityError as error:
        if not is_v_number_clash(error):
            raise
        v_number = (form.cleaned_data or {}).get(field)
        try:
            check_v_number_free(v_number, user, exclude_pk=exclude_pk)
        except ValidationError as refusal:
            form.add_error(field if field in form.fields else None, refusal)
        else:  # the other save was rolled back meanwhile: say it plainly, the user may try again
            form.add_error(None, out_of_scope_message())
        return None
