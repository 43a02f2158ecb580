"""Constraints of buddy matches."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import translation

from buddies.models import BuddyMatch
from tests.factories import BuddyFactory, BuddyMatchFactory, HouseholdFactory

pytestmark = pytest.mark.django_db


def test_match_end_must_be_after_start_in_database():
    match = BuddyMatchFactory(start_date=dt.date(2026, 7, 15))
    for end in (dt.date(2026, 7, 15), dt.date(2026, 7, 1)):
        with pytest.raises(IntegrityError), transaction.atomic():
            BuddyMatch.objects.filter(pk=match.pk).update(end_date=end)
    assert BuddyMatch.objects.get(pk=match.pk).end_date is None


def test_match_end_before_start_gets_dutch_message():
    match = BuddyMatch(
        buddy=BuddyFactory(),
        household=HouseholdFactory(),
        start_date=dt.date(2026, 7, 15),
        end_date=dt.date(2026, 7, 1),
    )
    with translation.override("nl"), pytest.raises(ValidationError) as info:
        match.full_clean()
    assert info.value.message_dict["end_date"] == ["De einddatum moet na de startdatum liggen."]


def test_buddy_with_matches_cannot_be_deleted():
    match = BuddyMatchFactory()
    with pytest.raises(ProtectedError):
        match.buddy.delete()
