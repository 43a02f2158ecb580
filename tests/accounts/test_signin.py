"""Sign-in hardening: session key rotation, session limits, deactivation, lockout, passwords."""

import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from accounts import sessions
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def sign_in(client, username, password=TEST_PASSWORD, address="203.0.113.5"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_sign_in_gives_a_new_session_key(client, staff_groningen):
    client.get(LOGIN)
    session = client.session
    session["before"] = "anonymous"
    session.save()
    anonymous_key = session.session_key
    response = sign_in(client, "groningen")
    assert response.status_code == 302
    assert client.session.session_key != anonymous_key
    assert client.session.get("before") == "anonymous"  # the data moves over, the key does not
    assert not Session.objects.filter(session_key=anonymous_key).exists()


def test_login_page_is_dutch_with_autocomplete_hints(client):
    page = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert 'autocomplete="username"' in page
    assert 'autocomplete="current-password"' in page
    assert 'lang="nl"' in page
    assert "Inloggen met uw organisatie-account" not in page  # single sign-on is off by default


def test_wrong_password_shows_an_error_and_stays_anonymous(client, staff_groningen):
    response = sign_in(client, "groningen", "wrong-password-123")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


@override_settings(SESSION_IDLE_TIMEOUT=600)
def test_session_ends_after_inactivity(client, staff_groningen):
    sign_in(client, "groningen")
    session = client.session
    session[sessions.LAST_ACTIVITY_KEY] = int(time.time()) - 601
    session.save()
    response = client.get(reverse("household_list"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    assert "_auth_user_id" not in client.session


@override_settings(SESSION_IDLE_TIMEOUT=600, SESSION_COOKIE_AGE=3600)
def test_session_ends_after_the_absolute_limit_even_when_active(client, staff_groningen):
    sign_in(client, "groningen")
    session = client.session
    session[sessions.STARTED_KEY] = int(time.time()) - 3601
    session[sessions.LAST_ACTIVITY_KEY] = int(time.time()) - 5
    session.save()
    response = client.get(reverse("household_list"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@override_settings(SESSION_IDLE_TIMEOUT=600)
def test_active_session_stays_signed_in(client, staff_groningen):
    sign_in(client, "groningen")
    session = client.session
    session[sessions.LAST_ACTIVITY_KEY] = int(time.time()) - 300
    session.save()
    client.get(reverse("household_list"))
    assert client.session["_auth_user_id"] == str(staff_groningen.pk)
    assert client.session[sessions.LAST_ACTIVITY_KEY] >= int(time.time()) - 5


def test_deactivating_a_user_ends_all_their_sessions(client, staff_groningen, staff_utrecht):
    from django.test import Client

    other_device = Client()
    sign_in(client, "groningen")
    sign_in(other_device, "groningen")
    colleague = Client()
    sign_in(colleague, "utrecht")
    assert Session.objects.count() == 3

    staff_groningen.is_active = False
    staff_groningen.save()

    assert Session.objects.count() == 1  # only the colleague's
    assert client.get(reverse("household_list")).status_code == 302
    assert colleague.session["_auth_user_id"] == str(staff_utrecht.pk)


def test_saving_an_active_user_keeps_their_sessions(client, staff_groningen):
    sign_in(client, "groningen")
    staff_groningen.first_name = "Greet"
    staff_groningen.save()
    assert Session.objects.count() == 1


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failed_sign_ins_lock_the_account_from_that_address(client, staff_groningen):
    for _attempt in range(3):
        sign_in(client, "groningen", "not-the-password")
    locked = sign_in(client, "groningen")  # even the right password is refused now
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "tijdelijk geblokkeerd" in locked.content.decode()
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address) == ("groningen", "203.0.113.5")
    assert attempt.failures_since_start >= 3


@override_settings(AXES_FAILURE_LIMIT=3)
def test_lockout_holds_the_user_and_address_pair_not_the_whole_account(client, staff_groningen):
    for _attempt in range(3):
        sign_in(client, "groningen", "not-the-password", address="203.0.113.5")
    assert sign_in(client, "groningen", address="203.0.113.5").status_code == 429
    from django.test import Client

    elsewhere = Client()
    assert sign_in(elsewhere, "groningen", address="198.51.100.20").status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3)
def test_successful_sign_in_resets_the_failure_count(client, staff_groningen):
    for _attempt in range(2):
        sign_in(client, "groningen", "not-the-password")
    assert sign_in(client, "groningen").status_code == 302
    assert not AccessAttempt.objects.filter(failures_since_start__gt=0).exists()


@pytest.mark.parametrize("password", ["kort-1234", "password1234", "123456789012"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_uncommon_password_is_accepted():
    validate_password("zomer-fiets-lantaarn-83")


def test_signing_out_ends_the_session_for_every_copy_of_the_cookie(client, staff_groningen):
    """Sessions are read from the database on every request (accounts.sessions.SessionStore), so a
    sign-out reaches every server at once: a second client holding the same cookie (another
    worker, another tab) is signed out too."""
    from django.test import Client

    sign_in(client, "groningen")
    other = Client()
    other.cookies = client.cookies  # the same session cookie
    assert other.get(reverse("household_list")).status_code == 200
    client.post(reverse("logout"))
    response = other.get(reverse("household_list"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_a_session_past_its_expiry_date_is_not_loaded(client, staff_groningen):
    from django.utils import timezone

    sign_in(client, "groningen")
    assert client.get(reverse("household_list")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    assert client.get(reverse("household_list")).status_code == 302


def test_the_session_store_reads_what_django_wrote(db):
    store = sessions.SessionStore()
    store["answer"] = {"nested": [1, "twee"]}
    store.create()
    loaded = sessions.SessionStore(store.session_key)
    assert loaded["answer"] == {"nested": [1, "twee"]}
    assert loaded.session_key == store.session_key
    missing = sessions.SessionStore("x" * 32)
    assert missing.load() == {}
    assert missing.session_key is None  # a new key is made when it is saved, never the client's
