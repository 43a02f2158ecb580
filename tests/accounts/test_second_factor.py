"""TOTP second factor for everyone who sees personal data when OTP_REQUIRED is on; setting it up
needs the one-time setup code issued with the account."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import enrolment
from accounts.models import EnrolmentCode
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
    code = enrolment.issue(user=pioneer)
    client.force_login(pioneer)
    response = client.get(reverse("household_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp_setup"))

    step_one = client.get(response["Location"])
    assert 'class="otp-qr"' not in step_one.content.decode(), "no secret before the setup code"
    assert not TOTPDevice.objects.filter(user=pioneer).exists()
    after_code = client.post(response["Location"], {"code": code.lower(), "next": "/households/"})
    assert after_code.status_code == 302
    page = client.get(after_code["Location"])
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=pioneer, confirmed=False)
    assert page.context["secret"] and re.fullmatch(r"[A-Z2-7=]+", page.context["secret"])

    done = client.post(response["Location"], {"token": current_token(device), "next": "/households/"})
    assert done.status_code == 302 and done["Location"] == "/households/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("household_list")).status_code == 200
    assert not EnrolmentCode.objects.filter(user=pioneer).exists(), "the setup code is used up"


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


def test_municipal_staff_signing_in_with_a_password_needs_the_second_factor(client):
    client.force_login(make_user(scope.MUNICIPAL_STAFF, [GRONINGEN], username="groningen"))
    assert client.get(reverse("household_list"))["Location"].startswith(reverse("otp_setup"))


@pytest.fixture
def single_sign_on(settings):
    from tests.accounts.test_oidc import OIDC_SETTINGS

    for name, value in OIDC_SETTINGS.items():
        setattr(settings, name, value)


def test_municipal_staff_signed_in_through_single_sign_on_is_not_asked(client, single_sign_on):
    staff = make_user(scope.MUNICIPAL_STAFF, [GRONINGEN], username="groningen")
    client.force_login(staff, backend="accounts.oidc.MunicipalityOIDCBackend")
    assert client.get(reverse("household_list")).status_code == 200


def test_a_pioneer_signed_in_through_single_sign_on_is_still_asked(client, pioneer, single_sign_on):
    client.force_login(pioneer, backend="accounts.oidc.MunicipalityOIDCBackend")
    assert client.get(reverse("household_list"))["Location"].startswith(reverse("otp_setup"))


def test_a_coordinator_is_not_asked(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("dashboard")).status_code == 200


def test_the_password_alone_does_not_enrol_a_device(client, pioneer):
    client.force_login(pioneer)
    page = client.get(reverse("otp_setup"))
    assert page.status_code == 200 and 'class="otp-qr"' not in page.content.decode()
    refused = client.post(reverse("otp_setup"), {"code": "AAAA-BBBB-CCCC-DDDD"})
    assert "niet juist" in refused.content.decode()
    assert not TOTPDevice.objects.filter(user=pioneer).exists()


def test_a_setup_code_ends_after_five_wrong_tries(client, pioneer):
    code = enrolment.issue(user=pioneer)
    client.force_login(pioneer)
    for _attempt in range(5):
        client.post(reverse("otp_setup"), {"code": "AAAA-BBBB-CCCC-DDDD"})
    client.post(reverse("otp_setup"), {"code": code})
    assert 'class="otp-qr"' not in client.get(reverse("otp_setup")).content.decode()


def test_a_secret_seen_before_the_code_is_never_the_one_confirmed(client, pioneer):
    stale = TOTPDevice.objects.create(user=pioneer, name="oud", confirmed=False)
    code = enrolment.issue(user=pioneer)
    client.force_login(pioneer)
    client.post(reverse("otp_setup"), {"code": code})
    assert not TOTPDevice.objects.filter(pk=stale.pk).exists()


def test_a_superuser_issues_a_setup_code_in_the_admin_shown_once(client, pioneer):
    admin_user = UserFactory(is_superuser=True, is_staff=True)
    TOTPDevice.objects.create(user=admin_user, name="telefoon", confirmed=True)
    client.force_login(admin_user)
    session = client.session
    device = TOTPDevice.objects.get(user=admin_user)
    from django_otp import DEVICE_ID_SESSION_KEY

    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    response = client.post(
        "/admin/auth/user/", {"action": "issue_setup_code", "_selected_action": [pioneer.pk]}, follow=True
    )
    text = response.content.decode()
    match = re.search(r"([A-Z2-9]{4}-){3}[A-Z2-9]{4}", text)
    assert match, text[:3000]
    assert enrolment.check(user=pioneer, code=match.group(0))
    assert match.group(0) not in EnrolmentCode.objects.get(user=pioneer).code_hash


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


def verified_client(client, user, device):
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def test_a_deleted_device_stops_verifying_at_once(client, pioneer):
    """The device is read on every request (accounts.otp.OTPMiddleware): deleting it in the admin
    (a lost phone) sends the next request of every session back to the second factor."""
    device = TOTPDevice.objects.create(user=pioneer, name="telefoon", confirmed=True)
    verified_client(client, pioneer, device)
    assert client.get(reverse("dashboard")).status_code == 200
    device.delete()
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp_setup"))


@pytest.mark.parametrize("change", ["unconfirmed", "other_user"])
def test_a_device_that_is_unconfirmed_or_someone_elses_does_not_verify(client, pioneer, change):
    device = TOTPDevice.objects.create(user=pioneer, name="telefoon", confirmed=True)
    verified_client(client, pioneer, device)
    if change == "unconfirmed":
        device.confirmed = False
    else:
        device.user = UserFactory()
    device.save()
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith((reverse("otp_verify"), reverse("otp_setup")))


def test_the_verified_device_is_the_full_device_on_the_request(rf, pioneer):
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts.otp import OTPMiddleware

    device = TOTPDevice.objects.create(user=pioneer, name="telefoon", confirmed=True)
    request = rf.get("/")
    request.user = pioneer
    request.session = SessionStore()
    request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    OTPMiddleware(lambda r: None)(request)
    assert request.user.is_verified()
    assert request.user.otp_device == device
    assert request.user.otp_device.name == "telefoon"  # other fields load when asked for
    assert request.user.otp_device.key == device.key


def test_the_user_backend_reads_the_user_with_each_of_their_devices(pioneer):
    from accounts.backends import TOTP_DEVICES, UserBackend

    backend = UserBackend()
    assert getattr(backend.get_user(pioneer.pk), TOTP_DEVICES) == {}
    phone = TOTPDevice.objects.create(user=pioneer, name="telefoon", confirmed=True)
    spare = TOTPDevice.objects.create(user=pioneer, name="reserve", confirmed=False)
    TOTPDevice.objects.create(user=UserFactory(), name="van een ander", confirmed=True)
    user = backend.get_user(str(pioneer.pk))  # as the session holds it
    assert user == pioneer and user.username == pioneer.username
    assert user.date_joined == pioneer.date_joined and user.is_active is True
    assert getattr(user, TOTP_DEVICES) == {phone.pk: True, spare.pk: False}
    pioneer.is_active = False
    pioneer.save()
    assert backend.get_user(pioneer.pk) is None
    assert backend.get_user("not-a-number") is None
    assert backend.get_user(10**9) is None
