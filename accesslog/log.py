"""Writing the access log (Logboek dataverwerkingen / NEN 7513).

Every page, export or print that shows personal data records here who saw which data subject, before
it answers: ``log_access`` per page, ``log_access_query`` for a whole queryset as one bulk entry
(``log_access_sql`` for records a caller already holds in SQL), ``log_refused`` for an attempt
outside the user's scope. A write that fails propagates: a page that
cannot account for its look at personal data must not show it.

How to call them (subjects, actions, what each row holds) is in docs/access-log.md.
"""

import ipaddress
import logging
import re
import uuid

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, models, router, transaction
from django.db.models import Value
from django.db.models.functions import Coalesce, Left
from django.utils import timezone
from django.utils.http import urlencode

from accesslog.models import AccessLogEntry, AccessLogReference, AccessLogSubject

security_logger = logging.getLogger("thuisgevers.security")

#: The processing activity logged when a caller names none (register of processing activities).
DEFAULT_PURPOSE = "housing_status_holders"
BATCH_SIZE = 2000


def _request_id(request):
    """One trace id per request, shared by every log call the request makes."""
    if request is None:
        return uuid.uuid4()
    rid = getattr(request, "_accesslog_request_id", None)
    if rid is None:
        rid = uuid.uuid4()
        request._accesslog_request_id = rid
    return rid


def client_address(request):
    """The client's IP address. Behind `TRUSTED_PROXY_COUNT` reverse proxies (each appending to
    X-Forwarded-For) it is the entry those proxies added, counted from the right, so a client cannot
    forge it — and only when the request comes from one of `TRUSTED_PROXIES`: a client that reaches
    the application directly gets its own address, whatever header it sends. Without proxies it is
    REMOTE_ADDR. Also django-axes' AXES_CLIENT_IP_CALLABLE."""
    if request is None:
        return None
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    remote = request.META.get("REMOTE_ADDR") or None
    if proxies > 0 and _is_trusted_proxy(remote):
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
            try:
                ipaddress.ip_address(candidate)
            except ValueError:
                return None
            return candidate
    return request.META.get("REMOTE_ADDR") or None


def _is_trusted_proxy(address):
    try:
        address = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network) for network in settings.TRUSTED_PROXIES)


def _actor(request):
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user, user.get_username()
    return None, ""


# Query parameters kept in `request_path`: those that say which period and municipalities an
# export or list covered, and only with values of their exact shape. Anything else — a search term,
# a filter on a name, a V-number typed into any field — could identify a person, and the log is
# append-only, so no retention purge could ever remove it there.
SAFE_PARAMETERS = {
    "period": re.compile(r"\d{4}-H[12]"),
    "municipality": re.compile(r"GM\d{4}"),
    "region": re.compile(r"\d{1,10}"),
    "page": re.compile(r"\d{1,6}"),
}


def _path(request, full_path):
    if request is None:
        return ""
    path = request.path
    if full_path:
        kept = [
            (name, value)
            for name, value in request.GET.items()
            if name in SAFE_PARAMETERS and SAFE_PARAMETERS[name].fullmatch(value)
        ]
        if kept:
            path += "?" + urlencode(kept)
    return path[:500]


def _subject_tuple(subject):
    if isinstance(subject, models.Model):
        return subject._meta.label_lower, subject.pk, getattr(subject, "reference", "") or ""
    label, pk, reference = subject
    return str(label).lower(), pk, reference or ""


def _base(request, action, purpose, result, *, full_path=True):
    if action not in AccessLogEntry.Action.values:
        raise ValueError(f"Unknown access log action {action!r}; use one of {AccessLogEntry.Action.values}.")
    if result not in AccessLogEntry.Result.values:
        raise ValueError(f"Unknown access log result {result!r}; use one of {AccessLogEntry.Result.values}.")
    actor, username = _actor(request)
    return {
        "request_id": _request_id(request),
        "actor": actor,
        "actor_username": username,
        "action": action,
        "result": result,
        "purpose": (purpose or getattr(settings, "ACCESSLOG_DEFAULT_PURPOSE", DEFAULT_PURPOSE))[:200],
        "client_address": client_address(request),
        "request_method": (request.method or "")[:10] if request is not None else "",
        "request_path": _path(request, full_path),
    }


def log_access(request, action, subjects, *, purpose="", result="success"):
    """Write one access-log row per data subject; returns the number of rows written."""
    base = _base(request, action, purpose, result)
    entries = []
    seen = set()
    for subject in subjects:
        label, pk, reference = _subject_tuple(subject)
        key = (label, str(pk))
        if key in seen:  # one row per subject, also when a page lists someone twice
            continue
        seen.add(key)
        entries.append(
            AccessLogEntry(subject_type=label, subject_id=str(pk), subject_reference=reference[:40], **base)
        )
    AccessLogEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)
    return len(entries)


def log_access_query(request, action, queryset, *, purpose="", result="success", reference="reference"):
    """Log every record of `queryset` as one bulk entry; returns the number of records.

    The entry is one `AccessLogEntry` with the fields `log_access` writes, the record type and
    `subject_count`; the records go into the narrow `AccessLogSubject` table: the queryset's own
    records (pk, which must be an integer, and the field or lookup path `reference` as pseudonymous
    reference, cut to 40 characters), each once (the queryset's own ordering is not used).
    Read through `AccessRecord`, the result is the rows `log_access` would write, with one
    `occurred_at`. Nothing is written when the queryset is empty. References seen for the first
    time are registered in `AccessLogReference`. Entry, records and references are written in one
    statement on PostgreSQL, in three in one transaction elsewhere. The queryset must live in the
    access log's database.
    """
    _integer_pk(queryset.model)
    _base(request, action, purpose, result)  # a wrong action or result fails also for no records
    using = router.db_for_write(AccessLogEntry)
    subjects = queryset.using(using).values_list("pk", Coalesce(Left(reference, 40), Value("")))
    # One row per record: a query on the model's table alone returns each record once; a join
    # (a filter across a relation that repeats it) needs DISTINCT. In id order: the entry's rows
    # then land at the right end of the primary key and the id index in order (docs/performance.md).
    if len(subjects.query.alias_map) > 1:
        subjects = subjects.distinct()
    subjects = subjects.order_by("pk")
    try:
        subject_sql, subject_params = subjects.query.get_compiler(using).as_sql()
    except EmptyResultSet:  # e.g. pk__in=[]: nothing to log
        return 0
    return log_access_sql(
        request, action, queryset.model, subject_sql, subject_params, purpose=purpose, result=result
    )


def _integer_pk(model):
    if not isinstance(model._meta.pk, models.IntegerField):  # AutoField and BigAutoField too
        raise TypeError(f"log_access_query logs records by integer id; {model.__name__} has none.")


def log_access_sql(request, action, model, subject_sql, subject_params=(), *, purpose="", result="success"):
    """Log the records of `model` that `subject_sql` names as one bulk entry; returns their number.

    For a caller that already holds the records in SQL of its own, e.g. an export that materialised
    its rows once (reports/placements.py): `subject_sql` selects two columns, the record's integer
    id and its pseudonymous reference (at most 40 characters, never NULL), each record once,
    preferably in id order (see `log_access_query`, which compiles a queryset into such SQL). Table
    and column names come from model meta and values are parameters; `subject_sql` is the caller's
    own SQL, never built from user input.
    """
    _integer_pk(model)
    base = _base(request, action, purpose, result)
    using = router.db_for_write(AccessLogEntry)
    connection = connections[using]
    actor = base.pop("actor")
    fixed = {
        "occurred_at": timezone.now(),
        "actor": actor.pk if actor is not None else None,
        "subject_type": model._meta.label_lower,
        "subject_id": "",
        "subject_reference": "",
        **base,
    }
    meta = AccessLogEntry._meta
    entry_columns, entry_params = [], []
    for name, value in fixed.items():
        field = meta.get_field(name)
        entry_columns.append(field.column)
        entry_params.append(field.get_db_prep_save(value, connection))
    entry_columns.append(meta.get_field("subject_count").column)
    quote = connection.ops.quote_name
    entry_table = quote(meta.db_table)
    entry_columns = ", ".join(quote(c) for c in entry_columns)
    placeholders = ", ".join(["%s"] * len(entry_params))
    narrow = AccessLogSubject._meta
    subject_table = quote(narrow.db_table)
    subject_columns = ", ".join(
        quote(narrow.get_field(name).column) for name in ("entry", "subject_id", "subject_reference")
    )
    subject_params = tuple(subject_params)
    # The references not registered yet (`AccessLogReference`: how a reference finds its records).
    # Nearly always none: people are logged again and again. An anti-join, then ON CONFLICT for a
    # concurrent export registering the same one.
    register = AccessLogReference._meta
    register_table = quote(register.db_table)
    ref, kind, rid = (
        quote(register.get_field(n).column) for n in ("reference", "subject_type", "subject_id")
    )
    register_insert = (
        f"INSERT INTO {register_table} ({ref}, {kind}, {rid}) "  # noqa: S608
        f"SELECT subject.subject_reference, %s, subject.subject_id FROM subject "
        f"WHERE subject.subject_reference <> '' AND NOT EXISTS (SELECT 1 FROM {register_table} known "
        f"WHERE known.{ref} = subject.subject_reference AND known.{kind} = %s "
        f"AND known.{rid} = subject.subject_id) ON CONFLICT DO NOTHING"
    )
    register_params = (fixed["subject_type"], fixed["subject_type"])
    subject_cte = f"subject (subject_id, subject_reference) AS MATERIALIZED ({subject_sql})"
    if connection.vendor == "postgresql":
        # One statement: the records once (materialised), the entry with their number (none for no
        # records), the new references, then the records under the entry's id.
        sql = (
            f"WITH {subject_cte}, "  # noqa: S608
            f"entry AS (INSERT INTO {entry_table} ({entry_columns}) "
            f"SELECT {placeholders}, COUNT(*) FROM subject HAVING COUNT(*) > 0 RETURNING id), "
            f"reference AS ({register_insert}) "
            f"INSERT INTO {subject_table} ({subject_columns}) SELECT entry.id, subject.* FROM entry, subject"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, (*subject_params, *entry_params, *register_params))
            return cursor.rowcount
    # Elsewhere (SQLite) three statements in one transaction: the entry with the number of records
    # (none for no records), the records under its id, the new references.
    with transaction.atomic(using=using, savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {entry_table} ({entry_columns}) SELECT {placeholders}, COUNT(*) "  # noqa: S608
            f"FROM ({subject_sql}) subject HAVING COUNT(*) > 0",
            (*entry_params, *subject_params),
        )
        if cursor.rowcount == 0:
            return 0
        insert = f"INSERT INTO {subject_table} ({subject_columns}) SELECT %s, subject.*"  # noqa: S608
        cursor.execute(f"{insert} FROM ({subject_sql}) subject", (cursor.lastrowid, *subject_params))
        count = cursor.rowcount
        subject_cte = subject_cte.replace(" AS MATERIALIZED ", " AS ")
        cursor.execute(f"WITH {subject_cte} {register_insert}", (*subject_params, *register_params))
        return count


def log_refused(request, subject_type, subject_id="", *, action="view", purpose=""):
    """Record a refused attempt as a security event, without personal data (no reference, no name)."""
    # The path without its query string: a search term may be a name.
    base = _base(request, action, purpose, AccessLogEntry.Result.REFUSED, full_path=False)
    entry = AccessLogEntry.objects.create(
        subject_type=str(subject_type).lower(), subject_id=str(subject_id), subject_reference="", **base
    )
    security_logger.warning(
        "access refused: user=%s action=%s record=%s:%s address=%s path=%s",
        base["actor_username"] or "-",
        action,
        entry.subject_type,
        entry.subject_id,
        base["client_address"] or "-",
        base["request_path"],
    )
    return entry
