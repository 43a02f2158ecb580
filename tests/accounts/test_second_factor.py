"""TOTP second factor for pioneers and superusers when OTP_REQUIRED is on."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from housing import scope
from tests.factories import GRONINGEN, UserFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def otp_required(settings):
    settings.OTP_REQUIRED = True


def current_token(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def test_pioneer_without_a_device_is_sent_to_set_one_up_and_then_gets_in(client, pioneer):
    client.force_login(pioneer)
    response = client.get(reverse("household_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp_setup"))

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=pioneer, confirmed=False)
    assert page.context["secret"] and re.fullmatch(r"[A-Z2-7=]+", page.context["secret"])

    done = client.post(response["Location"], {"token": current_token(device), "next": "/households/"})
    assert done.status_code == 302 and done["Location"] == "/households/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("household_list")).status_code == 200


def test_pioneer_with_a_device_must_enter_a_code(client, pioneer):
    device = TOTPDevice.objects.create(user=pioneer, name="telefoon", confirmed=True)
    client.force_login(pioneer)
    response = client.get(reverse("dashboard"))
    assert response["Location"].startswith(reverse("otp_verify"))
    # With a confirmed device, the setup page cannot add another one.
    assert client.get(reverse("otp_setup"))["Location"].startswith(reverse("otp_verify"))
    assert TOTPDevice.objects.filter(user=pioneer).count() == 1

    wrong = client.post(
        reverse("otp_verify"), {"token": "000000" if current_token(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 200
    assert wrong.context["form"].errors
    assert client.get(reverse("dashboard")).status_code == 302

    device.refresh_from_db()
    device.throttle_reset()  # as if the waiting time after a wrong code has passed

    right = client.post(reverse("otp_verify"), {"token": current_token(device)})
    assert right.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_non_digit_code_is_a_form_error_not_a_crash(client, pioneer):
    TOTPDevice.objects.create(user=pioneer, name="telefoon", confirmed=True)
    client.force_login(pioneer)
    response = client.post(reverse("otp_verify"), {"token": "abc<script>"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_superuser_needs_the_second_factor_for_the_admin_too(client):
    admin_user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin_user)
    assert client.get("/admin/")["Location"].startswith(reverse("otp_setup"))


def test_open_redirect_through_next_is_refused(client, pioneer):
    device = TOTPDevice.objects.create(user=pioneer, name="telefoon", confirmed=True)
    client.force_login(pioneer)
    response = client.post(
        reverse("otp_verify"), {"token": current_token(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("dashboard")


def test_municipal_staff_is_not_asked_for_a_second_factor(client):
    client.force_login(make_user(scope.MUNICIPAL_STAFF, [GRONINGEN], username="groningen"))
    assert client.get(reverse("household_list")).status_code == 200


def test_with_the_setting_off_pioneers_are_not_asked(client, pioneer, settings):
    settings.OTP_REQUIRED = False
    client.force_login(pioneer)
    assert client.get(reverse("household_list")).status_code == 200


def test_after_a_wrong_code_even_the_right_one_waits(client, pioneer, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 600  # seconds of waiting after the first failure
    device = TOTPDevice.objects.create(user=pioneer, name="telefoon", confirmed=True)
    client.force_login(pioneer)
    token = current_token(device)
    client.post(reverse("otp_verify"), {"token": "000000" if token != "000000" else "111111"})
    assert client.post(reverse("otp_verify"), {"token": token}).status_code == 200
    assert client.get(reverse("dashboard")).status_code == 302
