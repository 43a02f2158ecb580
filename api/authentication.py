"""`Authorization: Bearer <token>` for application clients (api.models.ApiClient)."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from api.models import ApiClient, hash_token

LAST_USED_RESOLUTION = dt.timedelta(minutes=5)  # at most one write per client per five minutes


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as “Authorization: Bearer <token>”."))
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("The token is unknown, expired or revoked.")) from exc
        client = ApiClient.objects.select_related("service_user").filter(token_hash=hash_token(token)).first()
        if client is None or not client.is_usable:
            raise exceptions.AuthenticationFailed(_("The token is unknown, expired or revoked."))
        now = timezone.now()
        if client.last_used_at is None or now - client.last_used_at > LAST_USED_RESOLUTION:
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        return client.service_user, client

    def authenticate_header(self, request):
        return 'Bearer realm="thuisgevers"'
