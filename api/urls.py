"""/api/v1/: kebab-case paths without trailing slashes (NL API Design Rules)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularYAMLAPIView
from rest_framework.permissions import AllowAny

from api import views

app_name = "api"


class OpenApiYaml(views.ApiMixin, SpectacularYAMLAPIView):
    authentication_classes = []
    permission_classes = [AllowAny]


class OpenApiJson(views.ApiMixin, SpectacularJSONAPIView):
    authentication_classes = []
    permission_classes = [AllowAny]


urlpatterns = [
    path("openapi.yaml", OpenApiYaml.as_view(), name="openapi_yaml"),
    path("openapi.json", OpenApiJson.as_view(), name="openapi_json"),
    path("municipalities", views.MunicipalityList.as_view(), name="municipality_list"),
    re_path(
        r"^municipalities/(?P<cbs_code>GM[0-9]{4})$",
        views.MunicipalityDetail.as_view(),
        name="municipality_detail",
    ),
    path("quotas", views.QuotaList.as_view(), name="quota_list"),
    path("regions", views.RegionList.as_view(), name="region_list"),
    path("regions/<int:pk>", views.RegionDetail.as_view(), name="region_detail"),
    path("properties", views.PropertyList.as_view(), name="property_list"),
    path("properties/<int:pk>", views.PropertyDetail.as_view(), name="property_detail"),
    path("signals", views.SignalList.as_view(), name="signal_list"),
    path("households", views.HouseholdList.as_view(), name="household_list"),
    path("households/<int:pk>", views.HouseholdDetail.as_view(), name="household_detail"),
    path("residents", views.ResidentList.as_view(), name="resident_list"),
    path("residents/<int:pk>", views.ResidentDetail.as_view(), name="resident_detail"),
    path("placements", views.PlacementList.as_view(), name="placement_list"),
    path("placements/<int:pk>", views.PlacementDetail.as_view(), name="placement_detail"),
    path("placements/<int:pk>/end", views.PlacementEnd.as_view(), name="placement_end"),
    re_path(r"^.*$", views.NotFound.as_view(), name="not_found"),
]
