"""The project's addresses plus single sign-on, for tests that switch OIDC on (urls.py reads
OIDC_ENABLED once, at import)."""

from django.urls import include, path

from thuisgevers.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, path("oidc/", include("mozilla_django_oidc.urls"))]
