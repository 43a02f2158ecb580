"""Deadline e-mails through a real SMTP server (aiosmtpd) started by the test."""

import datetime as dt
import email
import socket
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.urls import reverse

from housing import scope
from notifications.digests import due_key
from notifications.models import DigestPreference, DigestSent
from residents.models import Resident
from tests.factories import (
    UTRECHT,
    HouseholdFactory,
    PlacementFactory,
    ResidentFactory,
    make_user,
    municipality,
)

TODAY = dt.date(2026, 12, 1)  # a Tuesday


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(
            (envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=default_policy))
        )
        return "250 OK"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DIGEST_BASE_URL = "https://thuisgevers.example.nl"
    yield inbox
    controller.stop()


@pytest.fixture
def signals_in_groningen(db):
    """A HAR stay ending within 8 weeks (no next home) and a care gap, in Groningen; one in Utrecht."""
    ending = PlacementFactory(
        resident=ResidentFactory(
            gp_practice="Huisartsenpraktijk Oost", health_insurance=Resident.Insurance.INSURED
        ),
        start_date=dt.date(2026, 7, 1),
        planned_end=dt.date(2026, 12, 20),
    )
    care_gap = PlacementFactory(
        resident=ResidentFactory(gp_practice=""),
        start_date=dt.date(2026, 9, 1),
        planned_end=dt.date(2027, 3, 1),
    )
    elsewhere = PlacementFactory(
        resident=ResidentFactory(household=HouseholdFactory(municipality=municipality(UTRECHT))),
        property__municipality=municipality(UTRECHT),
        start_date=dt.date(2026, 7, 1),
        planned_end=dt.date(2026, 12, 20),
    )
    return ending, care_gap, elsewhere


def _user(frequency, **kwargs):
    user = make_user(scope.MUNICIPAL_STAFF, ["GM0014"], **kwargs)
    DigestPreference.objects.create(user=user, frequency=frequency)
    return user


@pytest.mark.django_db
def test_the_digest_arrives_in_dutch_with_the_right_items_and_no_names(smtp, signals_in_groningen):
    ending, care_gap, elsewhere = signals_in_groningen
    user = _user(
        DigestPreference.Frequency.WEEKLY, username="groningen", email="ambtenaar@groningen.example.nl"
    )
    call_command("send_digests", today=TODAY.isoformat(), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(smtp.messages) == 1
    recipients, message = smtp.messages[0]
    assert recipients == [user.email]
    assert message["Subject"] == "Thuisgevers: 2 signalen vragen om actie"
    body = message.get_content()
    assert "Tijdelijke plaatsing eindigt binnen 8 weken zonder vervolgwoning (1)" in body
    assert ending.resident.household.reference in body
    assert care_gap.resident.household.reference in body
    assert elsewhere.resident.household.reference not in body  # another municipality
    assert (
        "https://thuisgevers.example.nl" + reverse("household_detail", args=[care_gap.resident.household_id])
        in body
    )
    for resident in (ending.resident, care_gap.resident):
        assert (
            resident.family_name not in body
            and resident.given_name not in body
            and resident.v_number not in body
        )


@pytest.mark.django_db
def test_a_second_run_sends_nothing(smtp, signals_in_groningen):
    _user(DigestPreference.Frequency.DAILY, email="a@example.nl")
    call_command("send_digests", today=TODAY.isoformat(), stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("send_digests", today=TODAY.isoformat(), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(smtp.messages) == 1
    assert DigestSent.objects.get().due == "2026-12-01"


@pytest.mark.django_db
def test_weekly_digests_go_once_a_week_and_daily_ones_every_day(smtp, signals_in_groningen):
    _user(DigestPreference.Frequency.WEEKLY, email="weekly@example.nl")
    _user(DigestPreference.Frequency.DAILY, email="daily@example.nl")
    for day in (TODAY, TODAY + dt.timedelta(days=1)):
        call_command("send_digests", today=day.isoformat(), stdout=open("/dev/null", "w"))  # noqa: SIM115
    sent_to = sorted(recipients[0] for recipients, _message in smtp.messages)
    assert sent_to == ["daily@example.nl", "daily@example.nl", "weekly@example.nl"]
    assert due_key("weekly", TODAY) == "2026-W49"


@pytest.mark.django_db
def test_no_mail_for_users_who_chose_none_or_have_nothing_due(smtp, signals_in_groningen):
    _user(DigestPreference.Frequency.OFF, email="off@example.nl")
    make_user(scope.MUNICIPAL_STAFF, ["GM0014"], email="never-chose@example.nl")
    quiet = make_user(scope.MUNICIPAL_STAFF, ["GM0037"], email="quiet@example.nl")
    DigestPreference.objects.create(user=quiet, frequency="daily")
    coordinator = make_user(scope.COORDINATOR, email="coordinator@example.nl")
    DigestPreference.objects.create(user=coordinator, frequency="daily")
    call_command("send_digests", today=TODAY.isoformat(), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert smtp.messages == []


@pytest.mark.django_db
def test_a_failed_send_is_not_recorded_and_retried_next_time(settings, signals_in_groningen):
    _user(DigestPreference.Frequency.DAILY, email="a@example.nl")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _free_port(), 2
    with pytest.raises(OSError):
        call_command("send_digests", today=TODAY.isoformat(), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not DigestSent.objects.exists()


@pytest.mark.django_db
def test_users_choose_their_digest_on_a_page(client, staff_groningen):
    client.force_login(staff_groningen)
    address = reverse("digest_preference")
    assert client.get(address).status_code == 200
    response = client.post(address, {"frequency": "weekly"})
    assert response.status_code == 302
    assert DigestPreference.objects.get(user=staff_groningen).frequency == "weekly"
    assert client.post(address, {"frequency": "hourly"}).status_code == 200
    assert DigestPreference.objects.get(user=staff_groningen).frequency == "weekly"
