"""The pages of SPEC §7."""

from django.urls import path
from django.views.generic import RedirectView

from front.views import agreements, buddies, dashboard, households, placements, properties, quotas

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="dashboard", permanent=False)),
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
    path("quotas/compute/", quotas.quota_compute, name="quota_compute"),
    path("supervision/", quotas.supervision_page, name="supervision"),
    path("regions/<int:pk>/redistribution/", quotas.redistribution_edit, name="region_redistribution"),
]
