"""Writing the access log (Logboek dataverwerkingen / NEN 7513).

Every page, export or print that shows personal data records here who saw which data subject, before
it answers: ``log_access`` per page, ``log_access_query`` for a whole queryset in one statement,
``log_refused`` for an attempt outside the user's scope. A write that fails propagates: a page that
cannot account for its look at personal data must not show it.

How to call them (subjects, actions, what each row holds) is in docs/access-log.md.
"""

import ipaddress
import logging
import re
import uuid

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, models, router
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Coalesce, Left
from django.utils import timezone
from django.utils.http import urlencode

from accesslog.models import AccessLogEntry

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
    """Write one access-log row per record of `queryset` in one INSERT … SELECT; returns the number.

    The subjects are the queryset's own records (model label, pk as text, and the field or lookup
    path `reference` as pseudonymous reference, cut to 40 characters), each once: its ordering is
    dropped and its rows made distinct. All other fields are those `log_access` writes, with one
    `occurred_at` for the whole statement. The queryset must live in the access log's database.
    """
    base = _base(request, action, purpose, result)
    using = router.db_for_write(AccessLogEntry)
    connection = connections[using]
    subjects = (
        queryset.using(using)
        .order_by()
        .values_list(Cast("pk", CharField()), Coalesce(Left(reference, 40), Value("")))
        .distinct()
    )
    try:
        subject_sql, subject_params = subjects.query.get_compiler(using).as_sql()
    except EmptyResultSet:  # e.g. pk__in=[]: nothing to log
        return 0
    actor = base.pop("actor")
    fixed = {
        "occurred_at": timezone.now(),
        "actor": actor.pk if actor is not None else None,
        "subject_type": queryset.model._meta.label_lower,
        **base,
    }
    meta = AccessLogEntry._meta
    columns, params = [], []
    for name, value in fixed.items():
        field = meta.get_field(name)
        columns.append(field.column)
        params.append(field.get_db_prep_save(value, connection))
    columns += [meta.get_field("subject_id").column, meta.get_field("subject_reference").column]
    quote = connection.ops.quote_name
    # Names from model meta, values as parameters, the subquery compiled by Django.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
        f"SELECT {', '.join(['%s'] * len(params))}, subject.* FROM ({subject_sql}) subject"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, *subject_params))
        return cursor.rowcount


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
