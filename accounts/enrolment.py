"""One-time codes for setting up the second factor (accounts.models.EnrolmentCode).

A superuser issues one in the admin (action on the users list) or with
`python manage.py issue_enrolment_code <user name>`, and gives it to the user by another channel than
the password (in person, by phone). The code is valid for `ENROLMENT_CODE_DAYS` days and for
`MAX_FAILED_ATTEMPTS` wrong tries; it is used up when the authenticator app is confirmed.
"""

import datetime as dt
import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import EnrolmentCode

ENROLMENT_CODE_DAYS = 7
MAX_FAILED_ATTEMPTS = 5
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone


def _normalise(code):
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def issue(*, user, issued_by=None, days=ENROLMENT_CODE_DAYS):
    """A new code for `user` (any earlier one stops working); returns it in readable groups."""
    raw = "".join(secrets.choice(ALPHABET) for _index in range(16))
    EnrolmentCode.objects.update_or_create(
        user=user,
        defaults={
            "code_hash": make_password(raw),
            "expires_at": timezone.now() + dt.timedelta(days=days),
            "failed_attempts": 0,
            "issued_by": issued_by,
        },
    )
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def check(*, user, code):
    """True when `code` is the user's valid code; a wrong try counts, and the fifth ends the code."""
    with transaction.atomic():
        record = EnrolmentCode.objects.select_for_update().filter(user=user).first()
        if (
            record is None
            or record.expires_at <= timezone.now()
            or record.failed_attempts >= MAX_FAILED_ATTEMPTS
        ):
            return False
        if check_password(_normalise(code), record.code_hash):
            return True
        record.failed_attempts += 1
        record.save(update_fields=["failed_attempts"])
        return False


def use_up(*, user):
    EnrolmentCode.objects.filter(user=user).delete()
