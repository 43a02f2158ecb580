"""Throttling per application client and, for the schema, per address. The rates are read when a
request is throttled (not at import), so settings and tests can change them."""

from rest_framework import throttling
from rest_framework.settings import api_settings


class _SettingsRate:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class ClientRateThrottle(_SettingsRate, throttling.UserRateThrottle):
    scope = "client"

    def allow_request(self, request, view):
        if not request.user.is_authenticated:
            return True
        return super().allow_request(request, view)


class AnonymousRateThrottle(_SettingsRate, throttling.AnonRateThrottle):
    scope = "anonymous"
