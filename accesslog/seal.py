"""A hash chain over the access log, so that a change by anyone — also by whoever owns the table and
can set its trigger aside — is found afterwards.

`seal()` (run by `seal_access_log`, hourly or daily) adds one `AccessLogSeal`: the SHA-256 of the
previous seal's digest followed by one canonical line per new row, in id order. Only rows written
more than `SEAL_DELAY` ago are sealed, so a transaction still writing rows (an export) is never cut
in two. `verify()` (run by `verify_access_log`) recomputes every link and reports

- a sealed row that was changed or removed, or a row inserted among sealed ones (digest or count);
- a seal that was removed or changed (the chain);
- a row written after a seal that claims a time before that seal's `sealed_before` (back-dated).
"""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accesslog.models import AccessLogEntry, AccessLogSeal, AccessLogSubject

SEAL_DELAY = dt.timedelta(hours=1)
GENESIS = "0" * 64
FIELDS = [
    "id",
    "occurred_at",
    "request_id",
    "actor_id",
    "actor_username",
    "action",
    "subject_type",
    "subject_id",
    "subject_reference",
    "result",
    "purpose",
    "client_address",
    "request_method",
    "request_path",
]


def _line(values):
    parts = []
    for name, value in zip(FIELDS, values, strict=True):
        if name == "occurred_at":
            value = value.astimezone(dt.UTC).isoformat(timespec="microseconds")
        parts.append("" if value is None else str(value).replace("\\", "\\\\").replace("|", "\\|"))
    return "|".join(parts) + "\n"


def _digest(previous, rows):
    """Chain `rows` (FIELDS and subject_count) onto `previous`. A bulk entry's line is followed by
    its number of records and one line per record (id, reference) in id order, so removing or
    changing one of its records breaks the digest too; an entry about one record hashes as it did
    before bulk entries existed, so older seals still verify."""
    hasher = hashlib.sha256(previous.encode())
    count = 0
    for *values, subject_count in rows:
        hasher.update(_line(values).encode())
        if subject_count is not None:
            hasher.update(f"{subject_count}\n".encode())
            for subject in _subjects(values[0]):
                hasher.update(("|".join(_escaped(value) for value in subject) + "\n").encode())
        count += 1
    return hasher.hexdigest(), count


def _escaped(value):
    return "" if value is None else str(value).replace("\\", "\\\\").replace("|", "\\|")


def _subjects(entry_id):
    return (
        AccessLogSubject.objects.filter(entry_id=entry_id)
        .order_by("subject_id")
        .values_list("subject_id", "subject_reference")
        .iterator(chunk_size=5000)
    )


def _rows(after_id, up_to_id):
    return (
        AccessLogEntry.objects.filter(id__gt=after_id, id__lte=up_to_id)
        .order_by("id")
        .values_list(*FIELDS, "subject_count")
        .iterator(chunk_size=5000)
    )


def seal(*, now=None):
    """Seal the rows written before `now - SEAL_DELAY` that no seal covers yet; returns the new
    seal, or None when there is nothing to seal."""
    now = now or timezone.now()
    before = now - SEAL_DELAY
    with transaction.atomic():
        last = AccessLogSeal.objects.select_for_update().order_by("-last_id").first()
        after_id = last.last_id if last else 0
        up_to_id = AccessLogEntry.objects.filter(id__gt=after_id, occurred_at__lt=before).aggregate(
            m=Max("id")
        )["m"]
        if up_to_id is None:
            return None
        previous = last.digest if last else GENESIS
        digest, count = _digest(previous, _rows(after_id, up_to_id))
        return AccessLogSeal.objects.create(
            sealed_at=now,
            sealed_before=before,
            last_id=up_to_id,
            row_count=count,
            previous_digest=previous,
            digest=digest,
        )


@dataclass
class Finding:
    seal: AccessLogSeal | None
    message: str


def verify():
    """Every problem found, oldest first; an empty list when the log is intact."""
    findings = []
    previous_digest, after_id, last = GENESIS, 0, None
    for link in AccessLogSeal.objects.order_by("last_id"):
        if link.previous_digest != previous_digest:
            findings.append(
                Finding(link, "the chain is broken before this seal: a seal was removed or changed")
            )
        digest, count = _digest(link.previous_digest, _rows(after_id, link.last_id))
        if count != link.row_count:
            findings.append(
                Finding(
                    link, f"{link.row_count} rows were sealed, {count} are there: rows removed or inserted"
                )
            )
        elif digest != link.digest:
            findings.append(Finding(link, "a sealed row was changed"))
        previous_digest, after_id, last = link.digest, link.last_id, link
    if last is not None:
        backdated = AccessLogEntry.objects.filter(id__gt=last.last_id, occurred_at__lt=last.sealed_before)
        for entry_id in backdated.values_list("id", flat=True)[:20]:
            findings.append(Finding(last, f"row {entry_id} was written after this seal but dated before it"))
    return findings
