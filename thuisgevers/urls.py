"""Addresses of SPEC §7. Every page needs a login except the login page and /healthz."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from accounts import otp
from accounts import views as accounts
from front.views import agreements, buddies, dashboard, households, placements, properties
from reports import views as report_views
from thuisgevers import health

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="dashboard", permanent=False)),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/second-factor/", otp.otp_verify, name="otp_verify"),
    path("accounts/second-factor/setup/", otp.otp_setup, name="otp_setup"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("signals/", dashboard.signal_list, name="signal_list"),
    path("municipalities/", dashboard.municipality_list, name="municipality_list"),
    path("municipalities/<str:cbs_code>/", dashboard.municipality_detail, name="municipality_detail"),
    path("regions/<int:pk>/", dashboard.region_detail, name="region_detail"),
    path("properties/", properties.property_list, name="property_list"),
    path("properties/new/", properties.property_create, name="property_create"),
    path("properties/<int:pk>/", properties.property_detail, name="property_detail"),
    path("properties/<int:pk>/edit/", properties.property_edit, name="property_edit"),
    path("households/", households.household_list, name="household_list"),
    path("households/new/", households.household_create, name="household_create"),
    path("households/<int:pk>/", households.household_detail, name="household_detail"),
    path("placements/", placements.placement_list, name="placement_list"),
    path("placements/new/", placements.placement_create, name="placement_create"),
    path("placements/<int:pk>/end/", placements.placement_end, name="placement_end"),
    path("buddies/", buddies.buddy_list, name="buddy_list"),
    path("buddies/<int:pk>/", buddies.buddy_detail, name="buddy_detail"),
    path("buddies/matches/new/", buddies.match_create, name="match_create"),
    path("agreements/", agreements.agreement_list, name="agreement_list"),
    path("agreements/<int:pk>/", agreements.agreement_detail, name="agreement_detail"),
    path(
        "agreements/<int:pk>/collegevoorstel.docx",
        report_views.college_proposal,
        name="agreement_college_proposal",
    ),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]

if settings.OIDC_ENABLED:  # single sign-on with the municipality's OpenID Connect provider
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
