"""Addresses of SPEC §7. Every page needs a login except the login page and /healthz.

Each app brings its own addresses; this file only mounts them, by name, so configuration depends on
no app's code.
"""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from thuisgevers import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("front.urls")),
    path("", include("reports.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("", include("notifications.urls")),
]

# By name: answers under /api/ are problem+json, elsewhere the usual pages.
handler400 = "api.problems.bad_request"
handler500 = "api.problems.server_error"

if settings.OIDC_ENABLED:  # single sign-on with the municipality's OpenID Connect provider
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
