"""Sign-in, sign-out and the second factor (SPEC §7)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import otp, views

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/second-factor/", otp.otp_verify, name="otp_verify"),
    path("accounts/second-factor/setup/", otp.otp_setup, name="otp_setup"),
]
