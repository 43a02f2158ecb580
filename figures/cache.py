"""Cached pages of figures, kept fresh by a data version.

The figures of SPEC §6 and the signal counts are aggregates over every placement in scope: a
municipal dashboard at national scale costs ~20 queries and 100–300 ms, while the data behind it
changes only when someone saves something. So the figure pages render their main part once per
*data version* and serve it from Django's cache until the data changes:

- ``DataVersion`` (one row) is bumped after every committed save, delete or m2m change of a model
  of the housing, residents or buddies apps (signal receivers below, run through
  ``transaction.on_commit``). Writes that bypass model signals call ``bump()`` themselves (the
  national data generator); ``load_municipalities`` bumps for the municipalities it creates, and its
  renames of existing ones (``QuerySet.update``, once a year) show within ``FIGURE_CACHE_SECONDS``.
- ``cached(request, name, compute, vary=...)`` returns the cached value for the key (name, the
  user's personal-data flag and municipality scope, ``vary``, today and the data version), or calls
  ``compute()`` and stores its result. ``fragment(request, name, render)`` does so for rendered HTML,
  varying with the query string and the language. Users with the same scope share entries; the key
  holds no personal data (ids of municipalities, not of people), and the values are aggregates.
- Used by the dashboard (its main part, rendered) and the municipality list (the figures of every
  municipality in the selection, before sorting and paging).
- Bumping *after* commit keeps this correct without locks: a page computed from older data is stored
  under the older version number, which no request asks for any more once the bump is committed.
- ``FIGURE_CACHE_SECONDS`` (default 600) bounds how long an entry lives even without a bump, for
  changes made outside the application (e.g. SQL by an administrator).

The cache is Django's default cache: per process (local memory) unless ``CACHE_URL`` names a shared
one; either is correct, because the version lives in the database.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation

from figures.models import DataVersion
from housing import scope

WATCHED_APPS = ("housing", "residents", "buddies")
KEY_PREFIX = "figures"


def version():
    """The current data version (0 before the first change). 1 query, on every cached page view:
    plain SQL, as the ORM's query building cost more than the query itself."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {DataVersion._meta.db_table} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else 0


def bump():
    """Raise the data version now (call after the change is committed). 1–2 queries."""
    if not DataVersion.objects.filter(pk=1).update(value=F("value") + 1):
        DataVersion.objects.get_or_create(pk=1, defaults={"value": 1})


def bump_on_commit(using=None):
    """Raise the data version once the current transaction commits (at once in autocommit)."""
    transaction.on_commit(bump, using=using)


def key(request, name, vary=()):
    """The cache key of `name` for this request: equal for users with the same scope and `vary`."""
    personal = scope.sees_personal_data(request.user)
    parts = [
        name,
        "personal" if personal else "figures",
        _ids_text(scope.municipality_ids(request.user, personal=personal)),
        *(str(part) for part in vary),
        ",".join(settings.QUOTA_COUNTING_KINDS),  # the one setting the figures depend on
        timezone.localdate().isoformat(),
        str(version()),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"{KEY_PREFIX}:{name}:{digest}"


def cached(request, name, compute, *, vary=()):
    """`compute()` for this request's scope and `vary`: from the cache while the data is unchanged.

    The value must be picklable (figures dataclasses, rendered HTML). 1 query (the version) on a hit.
    """
    cache_key = key(request, name, vary)
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, settings.FIGURE_CACHE_SECONDS)
    return value


def fragment(request, name, render):
    """Rendered HTML of page part `name`, varying with the query string and the language."""
    return cached(request, name, render, vary=(request.GET.urlencode(), translation.get_language() or ""))


def _ids_text(ids):
    return "all" if ids is scope.ALL else ",".join(str(i) for i in sorted(ids))


def _changed(sender, using=None, **kwargs):
    # Historical models (data migrations) are skipped: the version table may not exist yet then.
    if sender._meta.app_label in WATCHED_APPS and sender.__module__ != "__fake__":
        bump_on_commit(using)


def connect():
    """Connect the receivers (AppConfig.ready)."""
    post_save.connect(_changed, dispatch_uid="figure_cache_save")
    post_delete.connect(_changed, dispatch_uid="figure_cache_delete")
    m2m_changed.connect(_changed, dispatch_uid="figure_cache_m2m")
