"""Second factor (TOTP, django-otp) for everyone who sees personal data — municipal staff, pioneers
and superusers — required when `OTP_REQUIRED` is on (the default in production). Such a user who
signed in with a password only is sent to enter a code from their authenticator app, or, the first
time, to set the app up. Coordinators (figures only) are not asked. Municipal staff who signed in
through the municipality's single sign-on are not asked either: their provider is where the
municipality requires its second factor. Pioneers and superusers are asked also after single
sign-on, as Thuisgevers cannot see whether the provider asked for one.

Setting up needs the one-time setup code issued with the account (accounts/enrolment.py): the app's
secret is shown only after that code, so a password alone never enrols a device. Setting up is only
possible while the user has no confirmed device: adding a second device, or replacing a lost one, is
done by a superuser in the admin (delete the old TOTP device, issue a new setup code).
"""

import base64
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.decorators import login_required
from django.db import connections, router
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_otp import DEVICE_ID_SESSION_KEY, match_token, user_has_device
from django_otp import login as otp_login
from django_otp.middleware import OTPMiddleware as _OTPMiddleware
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import enrolment
from accounts.backends import TOTP_DEVICES
from housing import scope

# Pages a user may open before entering the second factor.
EXEMPT_URL_NAMES = {"otp_verify", "otp_setup", "logout", "login", "healthz", "set_language"}


SINGLE_SIGN_ON_BACKEND = "accounts.oidc.MunicipalityOIDCBackend"
ENROLMENT_SESSION_KEY = "_thuisgevers_enrolment_code_ok"


def second_factor_required(user, request=None):
    if not getattr(settings, "OTP_REQUIRED", False) or not user.is_authenticated:
        return False
    if user.is_superuser or scope.PIONEER in scope.roles_of(user):
        return True
    if not scope.sees_personal_data(user):
        return False
    signed_in_with = request.session.get(BACKEND_SESSION_KEY) if request is not None else None
    return signed_in_with != SINGLE_SIGN_ON_BACKEND


class OTPMiddleware(_OTPMiddleware):
    """django_otp's middleware (`request.user.otp_device`, `is_verified()`), with the session's TOTP
    device taken from the devices read with the user (accounts.backends), or else read in plain SQL.

    Either way the device is read from the database on every request, so a device deleted in the
    admin stops verifying at once, on every server; django_otp still checks that it belongs to the
    user and is confirmed. Only its id, user and confirmation are read (the other fields load if
    asked for). Devices of other kinds go through django_otp's own lookup."""

    def _verify_user_sync(self, request, user):
        # django_otp's own, with the user passed to the device lookup.
        self._init_user_fields(user)
        if user.is_authenticated:
            persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
            device = self._device_of(user, persistent_id) if persistent_id else None
            user.otp_device = self._finalize_device(request, user, device)
        return user

    def _device_of(self, user, persistent_id):
        label, _slash, device_id = self._normalize_persistent_id(persistent_id).rpartition("/")
        if label != TOTPDevice.model_label() or not device_id.isdigit():
            return self._device_from_persistent_id(persistent_id)
        device_id, using = int(device_id), router.db_for_read(TOTPDevice)
        known = getattr(user, TOTP_DEVICES, None)
        if known is not None:  # read with the user in this request
            row = (device_id, user.pk, known[device_id]) if device_id in known else None
        else:
            meta = TOTPDevice._meta
            quote = connections[using].ops.quote_name
            columns = [quote(meta.get_field(name).column) for name in ("id", "user", "confirmed")]
            sql = f"SELECT {', '.join(columns)} FROM {quote(meta.db_table)} WHERE {columns[0]} = %s"  # noqa: S608 - names from meta
            with connections[using].cursor() as cursor:
                cursor.execute(sql, [device_id])
                row = cursor.fetchone()
        if row is None:
            return None
        return TOTPDevice.from_db(using, ["id", "user_id", "confirmed"], (row[0], row[1], bool(row[2])))


class OTPRequiredMiddleware:
    """After django_otp's OTPMiddleware: users who need a second factor and have not entered one
    reach only the second-factor pages (and sign-out) until they do."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not second_factor_required(user, request) or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.url_name in EXEMPT_URL_NAMES:
            return None
        target = "otp_verify" if user_has_device(user, confirmed=True) else "otp_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


def _next_url(request):
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]*",
                "autofocus": True,
            }
        ),
        error_messages={"required": _("Enter the code from your authenticator app.")},
    )

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(_("The code consists of digits only."))
        return token


@never_cache
@login_required
def otp_verify(request):
    if not user_has_device(request.user, confirmed=True):
        return redirect(f"{reverse('otp_setup')}?{urlencode({'next': _next_url(request)})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("This code is not correct or has expired. Try the next code."))
    return render(request, "registration/otp_verify.html", {"form": form, "next": _next_url(request)})


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Setup code"),
        max_length=40,
        help_text=_("The one-time code you received with your account, e.g. ABCD-EFGH-JKLM-NPQR."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "autofocus": True}
        ),
        error_messages={"required": _("Enter the setup code you received with your account.")},
    )


@never_cache
@login_required
def otp_setup(request):
    user = request.user
    if user_has_device(user, confirmed=True):
        return redirect(f"{reverse('otp_verify')}?{urlencode({'next': _next_url(request)})}")
    if request.session.get(ENROLMENT_SESSION_KEY) != user.pk:
        return _enrolment_code_step(request)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=str(_("Authenticator app")), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            enrolment.use_up(user=user)
            request.session.pop(ENROLMENT_SESSION_KEY, None)
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("This code is not correct or has expired. Try the next code."))
    context = {
        "form": form,
        "next": _next_url(request),
        "secret": base64.b32encode(device.bin_key).decode(),
        "qr_svg": _qr_svg(device.config_url),
    }
    return render(request, "registration/otp_setup.html", context)


def _enrolment_code_step(request):
    """Step one of setting up: the setup code. Only after it is a fresh secret made and shown, so
    nobody who saw an earlier, unconfirmed secret can read the codes of the device that is set up."""
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if enrolment.check(user=request.user, code=form.cleaned_data["code"]):
            TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
            request.session[ENROLMENT_SESSION_KEY] = request.user.pk
            return redirect(f"{reverse('otp_setup')}?{urlencode({'next': _next_url(request)})}")
        form.add_error(
            "code",
            _(
                "This setup code is not correct, has expired or was tried too often. Ask a pioneer or "
                "the administrator of Thuisgevers for a new one."
            ),
        )
    return render(request, "registration/otp_enrolment_code.html", {"form": form, "next": _next_url(request)})


def _qr_svg(data):
    """The otpauth:// address as an inline SVG QR code (no image request, fits a strict CSP)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=20, border=2)
    svg = image.to_string(encoding="unicode")
    # The SVG comes from our own data; strip the XML declaration so it embeds in HTML.
    if svg.startswith("<?xml"):
        svg = svg.split("?>", 1)[1]
    return mark_safe(svg)  # noqa: S308 - generated by qrcode from the device's own URL
