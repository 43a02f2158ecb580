"""The pages of SPEC §7."""

from django.urls import path
from django.views.generic import RedirectView

from front.views import (
    agreements,
    buddies,
    dashboard,
    edits,
    household_actions,
    households,
    placements,
    properties,
    search,
)

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
    path("households/<int:pk>/edit/", edits.household_edit, name="household_edit"),
    path("households/<int:pk>/residents/new/", edits.resident_create, name="resident_create"),
    path("households/<int:pk>/end/", household_actions.household_end, name="household_end"),
    path("households/<int:pk>/extend/", household_actions.household_extend, name="household_extend"),
    path("households/<int:pk>/move/", household_actions.household_move, name="household_move"),
    path("residents/<int:pk>/edit/", edits.resident_edit, name="resident_edit"),
    path("residents/<int:pk>/remove/", edits.resident_remove, name="resident_remove"),
    path("search/", search.search, name="search"),
    path("placements/", placements.placement_list, name="placement_list"),
    path("placements/new/", placements.placement_create, name="placement_create"),
    path("placements/<int:pk>/end/", placements.placement_end, name="placement_end"),
    path("placements/<int:pk>/edit/", edits.placement_edit, name="placement_edit"),
    path("buddies/", buddies.buddy_list, name="buddy_list"),
    path("buddies/<int:pk>/", buddies.buddy_detail, name="buddy_detail"),
    path("buddies/matches/new/", buddies.match_create, name="match_create"),
    path("agreements/", agreements.agreement_list, name="agreement_list"),
    path("agreements/<int:pk>/", agreements.agreement_detail, name="agreement_detail"),
]
