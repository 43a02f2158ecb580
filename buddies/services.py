"""Use cases of buddies and their matches: saving a buddy, starting, ending and correcting a match.

Pages and the admin call these, so the match rules (BuddyMatch.clean: no start in the future, one
buddy per household at a time) are checked under a lock on the household's row: two civil servants
matching the same household at the same moment cannot both succeed.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from buddies.models import BuddyMatch
from residents.models import Household


def _lock_household(household_id):
    Household.objects.select_for_update().filter(pk=household_id).values_list("pk").get()


@transaction.atomic
def save_buddy(*, buddy):
    """Create or change a buddy (ValidationError with a Dutch message when invalid)."""
    buddy.full_clean()
    buddy.save()
    return buddy


@transaction.atomic
def start_match(*, buddy, household, start_date):
    _lock_household(household.pk)
    match = BuddyMatch(buddy=buddy, household=household, start_date=start_date)
    match.full_clean()
    match.save()
    return match


@transaction.atomic
def end_match(*, match, end_date):
    """End a match on `end_date` (the first day without this buddy)."""
    _lock_household(match.household_id)
    match = BuddyMatch.objects.select_for_update().get(pk=match.pk)
    if match.end_date is not None:
        # A second submit must not silently move an end: correcting it is a change of its own.
        raise ValidationError(
            _("This match already ended on %(date)s. Correct its dates instead.")
            % {"date": date_format(match.end_date)},
            code="already_ended",
        )
    match.end_date = end_date
    match.full_clean()
    match.save(update_fields=["end_date"])
    return match


@transaction.atomic
def change_match(*, match):
    """Save corrected dates of `match` (an instance with its new values)."""
    _lock_household(match.household_id)
    BuddyMatch.objects.select_for_update().filter(pk=match.pk).values_list("pk").get()
    match.full_clean()
    match.save()
    return match
