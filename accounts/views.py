"""Sign-in page: Django's LoginView (a new session key at every sign-in, against session
fixation), plus the single sign-on button when `OIDC_ENABLED` is on."""

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import ngettext

from accesslog.log import client_address
from accounts import throttle


class ThrottledFormMixin:
    """Refuses an attempt that comes too soon (accounts/throttle.py) before the password is checked."""

    def clean(self):
        username = self.cleaned_data.get("username")
        refusal = None
        # The wait, the password check and the failure django-axes records for it, one attempt at a
        # time per user name; the refusal is raised after the block, which must commit that failure.
        with throttle.one_at_a_time(username or ""):
            seconds = throttle.wait_seconds(username, client_address(self.request))
            if seconds:
                refusal = ValidationError(
                    ngettext(
                        "Too many failed attempts. Wait %(seconds)s second before you try again.",
                        "Too many failed attempts. Wait %(seconds)s seconds before you try again.",
                        seconds,
                    )
                    % {"seconds": seconds},
                    code="throttled",
                )
            else:
                try:
                    cleaned = super().clean()
                except ValidationError as error:
                    refusal = error
        if refusal is not None:
            raise refusal
        return cleaned


class ThrottledAuthenticationForm(ThrottledFormMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledFormMixin, AdminAuthenticationForm):
    pass


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True
    authentication_form = ThrottledAuthenticationForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = getattr(settings, "OIDC_ENABLED", False)
        return context


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE): a Dutch page, status 429."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
