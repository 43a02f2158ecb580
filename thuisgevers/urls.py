"""Addresses of SPEC §7. Every page needs a login except the login page and /healthz."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from buddies import views as buddy_views
from housing import views as housing_views
from residents import views as resident_views
from thuisgevers import views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="dashboard", permanent=False)),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("signals/", views.signal_list, name="signal_list"),
    path("municipalities/", views.municipality_list, name="municipality_list"),
    path("municipalities/<str:cbs_code>/", views.municipality_detail, name="municipality_detail"),
    path("regions/<int:pk>/", views.region_detail, name="region_detail"),
    path("properties/", housing_views.property_list, name="property_list"),
    path("properties/new/", housing_views.property_create, name="property_create"),
    path("properties/<int:pk>/", housing_views.property_detail, name="property_detail"),
    path("properties/<int:pk>/edit/", housing_views.property_edit, name="property_edit"),
    path("agreements/", housing_views.agreement_list, name="agreement_list"),
    path("agreements/<int:pk>/", housing_views.agreement_detail, name="agreement_detail"),
    path("households/", resident_views.household_list, name="household_list"),
    path("households/new/", resident_views.household_create, name="household_create"),
    path("households/<int:pk>/", resident_views.household_detail, name="household_detail"),
    path("placements/", resident_views.placement_list, name="placement_list"),
    path("placements/new/", resident_views.placement_create, name="placement_create"),
    path("buddies/", buddy_views.buddy_list, name="buddy_list"),
    path("buddies/<int:pk>/", buddy_views.buddy_detail, name="buddy_detail"),
    path("reports/", include("thuisgevers.reports.urls")),
    path("admin/", admin.site.urls),
]
