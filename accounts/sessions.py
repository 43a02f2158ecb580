"""Session lifetime (BIO): an absolute maximum, an inactivity timeout, and no session left for a
user who is deactivated.

Django itself gives a new session key at sign-in (`login()` cycles it, against session fixation)
and the cookie's `SESSION_COOKIE_AGE`. Because the inactivity bookkeeping below saves the session
now and then, which would slide the cookie's expiry forward, the absolute limit is enforced here on
the server from the moment of sign-in, not left to the cookie.
"""

import time
from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

STARTED_KEY = "_thuisgevers_session_started"
LAST_ACTIVITY_KEY = "_thuisgevers_last_activity"
# Write the activity time at most once a minute, not on every request.
ACTIVITY_RESOLUTION = 60


@receiver(user_logged_in, dispatch_uid="thuisgevers_session_started")
def mark_session_start(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[STARTED_KEY] = now
        request.session[LAST_ACTIVITY_KEY] = now


def session_expired(session, now):
    started = session.get(STARTED_KEY)
    last = session.get(LAST_ACTIVITY_KEY)
    if started is None or last is None:
        return False
    return now - last > settings.SESSION_IDLE_TIMEOUT or now - started > settings.SESSION_COOKIE_AGE


class SessionTimeoutMiddleware:
    """Signs out a user after `SESSION_IDLE_TIMEOUT` seconds without a request, or
    `SESSION_COOKIE_AGE` seconds after signing in, whichever comes first. The request then goes on
    anonymously, so the page's own login check sends the user to the sign-in page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            session = request.session
            now = int(time.time())
            if session_expired(session, now):
                logout(request)
                messages.info(request, _("Your session has expired. Please sign in again."))
            else:
                session.setdefault(STARTED_KEY, now)
                if now - session.get(LAST_ACTIVITY_KEY, 0) >= ACTIVITY_RESOLUTION:
                    session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


class SessionStore(db.SessionStore):
    """Django's database sessions (`SESSION_ENGINE = "accounts.sessions"`), read in plain SQL.

    Every signed-in request loads its session; the ORM spent ~0.3 ms building and compiling the same
    one-row query each time, several times the database's answer (docs/performance.md). The row, its
    expiry check and the decoding (signature included) are Django's; writing, deleting and
    `clearsessions` are Django's own code."""

    def load(self):
        model = self.model
        connection = connections[router.db_for_read(model)]
        quote = connection.ops.quote_name
        names = ("session_key", "session_data", "expire_date")
        fields = {name: model._meta.get_field(name) for name in names}
        sql = (
            f"SELECT {quote(fields['session_data'].column)} FROM {quote(model._meta.db_table)} "  # noqa: S608 - names from meta
            f"WHERE {quote(fields['session_key'].column)} = %s AND {quote(fields['expire_date'].column)} > %s"
        )
        now = fields["expire_date"].get_db_prep_value(timezone.now(), connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])


def end_sessions_of(user):
    """Delete every stored session of `user`. Needs a session engine with a database table (db,
    cached_db — the project's setting); returns how many were ended."""
    from django.contrib.sessions.models import Session

    engine = import_module(settings.SESSION_ENGINE)
    user_id = str(user.pk)
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == user_id:
            engine.SessionStore(session_key=session.session_key).delete()
            ended += 1
    return ended


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="thuisgevers_remember_active")
def remember_deactivation(sender, instance, **kwargs):
    instance._thuisgevers_deactivated = (
        instance.pk is not None
        and not instance.is_active
        and sender._default_manager.filter(pk=instance.pk, is_active=True).exists()
    )


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="thuisgevers_end_sessions")
def end_sessions_on_deactivation(sender, instance, **kwargs):
    """Deactivating a user (admin, shell, any save) signs them out everywhere at once."""
    if getattr(instance, "_thuisgevers_deactivated", False):
        instance._thuisgevers_deactivated = False
        end_sessions_of(instance)
