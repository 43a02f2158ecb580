"""Sign-in throttling on top of django-axes, so that guessing is slow everywhere and a stranger can
slow an account down but never lock its owner out.

- **Per account, across addresses**: after `SIGNIN_FREE_FAILURES` failed sign-ins for one user name
  (from any address, within `AXES_COOLOFF_TIME`) each next attempt waits 2, 4, 8 … seconds after
  the last failure, at most `SIGNIN_MAX_DELAY_SECONDS` (60): guessing from many addresses gets
  about one try a minute, the owner waits a minute at most.
- **Per address, across accounts**: `SIGNIN_ADDRESS_FAILURE_LIMIT` failures from one address within
  the cool-off time block that address for every user name until the cool-off has passed.
- django-axes still locks the pair of user name and address after `AXES_FAILURE_LIMIT` failures,
  which never touches the owner signing in from elsewhere.

A throttled attempt is refused before the password is checked, so it counts as no failure.

The check, the password check and the failure it records run one at a time per user name
(`one_at_a_time`, a PostgreSQL advisory lock): otherwise every guess of a burst sent at the same
moment saw the same count of failures and had its password checked (the re-run of issue 19 got 9
guesses checked from a burst of 80 where 5 are free).
"""

import hashlib
import math
from contextlib import contextmanager

from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Sum
from django.utils import timezone


def _failures(attempts):
    totals = attempts.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    return totals["failures"] or 0, totals["last"]


def wait_seconds(username, address, *, now=None):
    """Seconds before the next sign-in attempt for `username` from `address` is evaluated; 0 now."""
    now = now or timezone.now()
    recent = AccessAttempt.objects.filter(attempt_time__gte=now - settings.AXES_COOLOFF_TIME)
    if address:
        failures, last = _failures(recent.filter(ip_address=address))
        if failures >= settings.SIGNIN_ADDRESS_FAILURE_LIMIT:
            return max(1, math.ceil((last + settings.AXES_COOLOFF_TIME - now).total_seconds()))
    if username:
        failures, last = _failures(recent.filter(username=username))
        if failures >= settings.SIGNIN_FREE_FAILURES:
            extra = failures - settings.SIGNIN_FREE_FAILURES + 1
            delay = min(2**extra, settings.SIGNIN_MAX_DELAY_SECONDS)
            remaining = (last - now).total_seconds() + delay
            if remaining > 0:
                return math.ceil(remaining)
    return 0


@contextmanager
def one_at_a_time(username):
    """Hold a lock for `username` until the block ends (with its transaction): sign-in attempts for
    one account are checked one after the other, so the failures they see include each other's.
    SQLite has no such locks; it serialises its writers anyway, and the lock is left out there."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            key = int.from_bytes(
                hashlib.sha256(f"signin:{username}".encode()).digest()[:8], "big", signed=True
            )
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
        yield
