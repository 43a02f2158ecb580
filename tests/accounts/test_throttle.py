"""Sign-in throttling across addresses and accounts: guessing is slow from anywhere, and a stranger
can slow an account down but not lock its owner out."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection
from django.db.models import Sum
from django.test import Client, override_settings

from housing import scope
from tests.accounts.test_signin import sign_in

pytestmark = pytest.mark.django_db


def age_attempts(**filters):
    """Let time pass for the attempts matching `filters`."""
    for attempt in AccessAttempt.objects.filter(**filters):
        attempt.attempt_time -= dt.timedelta(seconds=120)
        attempt.save()


@override_settings(AXES_FAILURE_LIMIT=100)
def test_guesses_from_many_addresses_are_slowed_and_the_owner_waits_at_most_a_minute(staff_groningen):
    for n in range(5):
        sign_in(Client(), "groningen", "geraden-wachtwoord", address=f"198.51.100.{n + 1}")
    owner = Client()
    refused = sign_in(owner, "groningen", address="203.0.113.50")
    assert refused.status_code == 200
    assert "_auth_user_id" not in owner.session
    assert "Te veel mislukte pogingen" in refused.content.decode()
    assert AccessAttempt.objects.filter(username="groningen").count() == 5, "a throttled try is no failure"
    age_attempts(username="groningen")
    assert sign_in(owner, "groningen", address="203.0.113.50").status_code == 302


@override_settings(AXES_FAILURE_LIMIT=100)
def test_a_throttled_account_does_not_slow_another_account(staff_groningen, staff_utrecht):
    for n in range(6):
        sign_in(Client(), "groningen", "geraden-wachtwoord", address=f"198.51.100.{n + 1}")
    assert sign_in(Client(), "utrecht", address="203.0.113.60").status_code == 302


@override_settings(AXES_FAILURE_LIMIT=100, SIGNIN_ADDRESS_FAILURE_LIMIT=10, SIGNIN_FREE_FAILURES=50)
def test_one_address_guessing_many_accounts_is_blocked_for_every_account(staff_groningen):
    for n in range(10):
        sign_in(Client(), f"gebruiker{n}", "geraden-wachtwoord", address="198.51.100.77")
    blocked = sign_in(Client(), "groningen", address="198.51.100.77")
    assert "Te veel mislukte pogingen" in blocked.content.decode()
    assert sign_in(Client(), "groningen", address="203.0.113.61").status_code == 302


@override_settings(AXES_FAILURE_LIMIT=100)
def test_the_admin_sign_in_is_throttled_too(pioneer):
    for n in range(5):
        Client().post(
            "/admin/login/",
            {"username": "pionier", "password": "geraden-wachtwoord"},
            REMOTE_ADDR=f"198.51.100.{n + 1}",
        )
    refused = Client().post(
        "/admin/login/", {"username": "pionier", "password": "x"}, REMOTE_ADDR="203.0.113.62"
    )
    assert "Te veel mislukte pogingen" in refused.content.decode()


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: the advisory lock exists there only"
)
@pytest.mark.django_db(transaction=True)
@override_settings(AXES_FAILURE_LIMIT=100)
def test_twenty_guesses_at_the_same_moment_get_no_more_password_checks_than_the_free_ones():
    """Without the per-account lock every guess of the burst saw fewer than 5 failures."""
    from tests.factories import GRONINGEN, make_user
    from tests.residents.test_concurrency import race

    make_user(scope.MUNICIPAL_STAFF, [GRONINGEN], username="groningen")
    clients = [Client() for _ in range(20)]
    answers, refusals, errors = race(
        [
            lambda c=c, n=n: sign_in(c, "groningen", "geraden-wachtwoord", address=f"198.51.100.{n + 1}")
            for n, c in enumerate(clients)
        ]
    )
    assert errors == [] and refusals == []
    checked = AccessAttempt.objects.filter(username="groningen").aggregate(n=Sum("failures_since_start"))["n"]
    assert checked == settings.SIGNIN_FREE_FAILURES
    assert sum("Te veel mislukte pogingen" in a.content.decode() for a in answers) == 20 - checked
