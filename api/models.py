"""Application clients of the API (SPEC §2, §10): a municipality's case system or a data warehouse,
not a person.

Each client has a role and municipalities like a user. It gets them through its own *service user*
(created with the client, no password, never signs in to the pages): the API's querysets then take
their scope from housing.scope and `visible_to(user)` exactly like the pages, and the access log and
the audit history name the service user as the actor. The token is shown once, when a superuser
issues it in the admin site; only its SHA-256 hash is stored (a token is 256 random bits, so a fast
hash suffices, as for Django's own password-reset tokens).
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from housing import scope
from housing.models import Municipality

TOKEN_PREFIX = "tg_"  # noqa: S105 - a marker that makes leaked tokens recognisable, not a secret


def hash_token(token):
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token():
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiClient(models.Model):
    class Role(models.TextChoices):
        MUNICIPAL_STAFF = scope.MUNICIPAL_STAFF, _("municipal staff")
        PIONEER = scope.PIONEER, _("pioneer")
        COORDINATOR = scope.COORDINATOR, _("coordinator")

    name = models.CharField(
        _("name"), max_length=100, unique=True, help_text=_("The application, e.g. “Zaaksysteem Groningen”.")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="api_clients", verbose_name=_("municipalities")
    )
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_client",
        editable=False,
        verbose_name=_("service user"),
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    token_hint = models.CharField(_("token begins with"), max_length=12, editable=False)
    expires_at = models.DateTimeField(_("expires on"), blank=True)
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("issued by"),
    )

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_usable(self):
        return self.revoked_at is None and self.expires_at > timezone.now() and self.service_user.is_active
