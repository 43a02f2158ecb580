"""Single sign-on for civil servants through their municipality's OpenID Connect provider (Azure AD,
Keycloak, ADFS) with mozilla-django-oidc, switched on by `OIDC_ENABLED` (settings.py).

Accounts are matched on the provider's stable subject identifier (`sub`), never on the e-mail
address: matching on e-mail would let anyone who can set an address at some provider take over a
local account with the same address. A new single sign-on account gets no role, no municipality
scope, no admin access: it sees the "no access" page until a pioneer or superuser grants a role
and scope in the admin.

ID tokens are checked more strictly than the library does by default: the audience must be our
client id (a token the provider issued to another application is refused), the issuer must be
`OIDC_OP_ISSUER` when set, and an expired token is a refusal rather than an error.
"""

import hashlib

import jwt
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

USERNAME_PREFIX = "sso-"


def username_for_subject(sub):
    """A stable local user name for the provider's subject id (which may be long or opaque)."""
    return USERNAME_PREFIX + hashlib.sha256(sub.encode()).hexdigest()[:32]


def _profile(claims):
    """The user's e-mail address and names from the provider's claims, cut to the columns' lengths.
    A claim that is missing or null (some providers send `"email": null`) is empty."""
    return {
        "email": str(claims.get("email") or "")[:254],
        "first_name": str(claims.get("given_name") or "")[:150],
        "last_name": str(claims.get("family_name") or "")[:150],
    }


class MunicipalityOIDCBackend(OIDCAuthenticationBackend):
    def _verify_jws(self, payload, key):
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("ID token algorithm does not match OIDC_RP_SIGN_ALGO")
        issuer = getattr(settings, "OIDC_OP_ISSUER", None)
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=issuer or None,
                options={"require": ["exp", "iat", "sub"], "verify_iss": bool(issuer)},
                leeway=30,
            )
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc

    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def get_userinfo(self, access_token, id_token, payload):
        user_info = super().get_userinfo(access_token, id_token, payload)
        # OpenID Connect Core 5.3.2: the userinfo `sub` must equal the ID token's.
        if user_info.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("userinfo sub does not match the ID token")
        return user_info

    def filter_users_by_claims(self, claims):
        sub = claims.get("sub")
        if not sub:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(username=username_for_subject(sub))

    def create_user(self, claims):
        user = self.UserModel.objects.create_user(username_for_subject(claims["sub"]), **_profile(claims))
        # Explicitly: no groups, no scope, no staff or superuser flag (create_user's defaults).
        return user

    def update_user(self, user, claims):
        fields = _profile(claims)
        changed = [name for name, value in fields.items() if value and getattr(user, name) != value]
        for name in changed:
            setattr(user, name, fields[name])
        if changed:
            user.save(update_fields=changed)
        return user

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None
