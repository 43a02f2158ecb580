"""Single sign-on with a municipality's OpenID Connect provider. Only the provider's HTTP endpoints
(token, userinfo, JWKS) are stubbed; the code flow, state, nonce, PKCE, signature and claim checks
run for real."""

import time
from unittest import mock
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse

from accounts.oidc import username_for_subject
from housing import scope
from housing.models import UserScope

pytestmark = pytest.mark.django_db

IDP = "https://login.gemeente.example"
CLIENT_ID = "thuisgevers-test"
OIDC_SETTINGS = {
    "OIDC_ENABLED": True,
    "ROOT_URLCONF": "tests.accounts.oidc_urls",
    "AUTHENTICATION_BACKENDS": [
        "axes.backends.AxesStandaloneBackend",
        "accounts.backends.UserBackend",
        "accounts.oidc.MunicipalityOIDCBackend",
    ],
    "OIDC_RP_CLIENT_ID": CLIENT_ID,
    "OIDC_RP_CLIENT_SECRET": "test-secret",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{IDP}/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": f"{IDP}/token",
    "OIDC_OP_USER_ENDPOINT": f"{IDP}/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": f"{IDP}/jwks",
    "OIDC_OP_ISSUER": IDP,
    "OIDC_RP_SIGN_ALGO": "RS256",
    "OIDC_RP_SCOPES": "openid email profile",
    "OIDC_USE_PKCE": True,
    "LOGIN_REDIRECT_URL_FAILURE": "login",
}

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PRIVATE_PEM = KEY.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
)
JWK = {**jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key(), as_dict=True), "kid": "key-1", "alg": "RS256"}


def response(payload, status=200):
    resp = requests.Response()
    resp.status_code = status
    resp.headers["Content-Type"] = "application/json"
    resp._content = __import__("json").dumps(payload).encode()
    return resp


class FakeProvider:
    """The provider's three endpoints, answering as a real one would."""

    def __init__(self, claims, *, audience=CLIENT_ID, userinfo=None):
        self.claims = claims
        self.audience = audience
        self.userinfo = userinfo or claims
        self.nonce = None

    def post(self, url, data=None, **kwargs):
        assert url == f"{IDP}/token"
        assert data["code"] == "the-code" and data["code_verifier"]
        now = int(time.time())
        token = jwt.encode(
            {
                "iss": IDP,
                "aud": self.audience,
                "iat": now,
                "exp": now + 300,
                "nonce": self.nonce,
                **self.claims,
            },
            PRIVATE_PEM,
            algorithm="RS256",
            headers={"kid": "key-1"},
        )
        return response({"id_token": token, "access_token": "access-token", "token_type": "Bearer"})

    def get(self, url, **kwargs):
        if url == f"{IDP}/jwks":
            return response({"keys": [JWK]})
        if url == f"{IDP}/userinfo":
            return response(self.userinfo)
        raise AssertionError(f"unexpected request to {url}")


def sign_in_via_provider(client, provider):
    start = client.get("/oidc/authenticate/")
    assert start.status_code == 302
    location = urlparse(start["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{IDP}/authorize"
    params = parse_qs(location.query)
    assert params["code_challenge_method"] == ["S256"]
    provider.nonce = params["nonce"][0]
    with (
        mock.patch("mozilla_django_oidc.auth.requests.post", side_effect=provider.post),
        mock.patch("mozilla_django_oidc.auth.requests.get", side_effect=provider.get),
    ):
        return client.get("/oidc/callback/", {"code": "the-code", "state": params["state"][0]})


CLAIMS = {
    "sub": "8f2c-azure-object-id",
    "email": "a.jansen@groningen.example",
    "given_name": "Anne",
    "family_name": "Jansen",
}


@override_settings(**OIDC_SETTINGS)
def test_new_sso_user_is_created_without_any_role_or_scope_and_sees_the_no_access_page(client):
    done = sign_in_via_provider(client, FakeProvider(CLAIMS))
    assert done.status_code == 302
    user = get_user_model().objects.get(username=username_for_subject(CLAIMS["sub"]))
    assert (user.email, user.first_name, user.last_name) == ("a.jansen@groningen.example", "Anne", "Jansen")
    assert not user.groups.exists()
    assert not user.is_staff and not user.is_superuser
    assert not user.has_usable_password()
    assert not UserScope.objects.filter(user=user, municipalities__isnull=False).exists()
    assert scope.municipality_ids(user) == set()
    page = client.get(reverse("household_list"))
    assert page.status_code == 403
    assert "no_role.html" in [t.name for t in page.templates]


@override_settings(**OIDC_SETTINGS)
def test_null_claims_give_empty_fields_not_an_error(client):
    claims = {**CLAIMS, "email": None, "given_name": None, "family_name": None}
    assert sign_in_via_provider(client, FakeProvider(claims)).status_code == 302
    user = get_user_model().objects.get(username=username_for_subject(CLAIMS["sub"]))
    assert (user.email, user.first_name, user.last_name) == ("", "", "")
    client.logout()
    assert sign_in_via_provider(client, FakeProvider(claims)).status_code == 302


@override_settings(**OIDC_SETTINGS)
def test_returning_sso_user_is_matched_on_subject_not_on_email(client):
    local = get_user_model().objects.create_user("anne", email=CLAIMS["email"], password="local-password-123")
    sign_in_via_provider(client, FakeProvider(CLAIMS))
    assert client.session["_auth_user_id"] != str(local.pk)
    sso_user = get_user_model().objects.get(username=username_for_subject(CLAIMS["sub"]))
    client.logout()
    sign_in_via_provider(client, FakeProvider({**CLAIMS, "email": "anne.jansen@groningen.example"}))
    assert client.session["_auth_user_id"] == str(sso_user.pk)
    sso_user.refresh_from_db()
    assert sso_user.email == "anne.jansen@groningen.example"


@override_settings(**OIDC_SETTINGS)
def test_token_for_another_application_is_refused(client):
    done = sign_in_via_provider(client, FakeProvider(CLAIMS, audience="some-other-app"))
    assert done.status_code in (302, 400)
    assert "_auth_user_id" not in client.session
    assert not get_user_model().objects.filter(username=username_for_subject(CLAIMS["sub"])).exists()


@override_settings(**OIDC_SETTINGS)
def test_userinfo_for_another_subject_is_refused(client):
    provider = FakeProvider(CLAIMS, userinfo={**CLAIMS, "sub": "someone-else"})
    sign_in_via_provider(client, provider)
    assert "_auth_user_id" not in client.session


@override_settings(**OIDC_SETTINGS)
def test_deactivated_sso_user_cannot_sign_in(client):
    get_user_model().objects.create_user(username_for_subject(CLAIMS["sub"]), is_active=False)
    sign_in_via_provider(client, FakeProvider(CLAIMS))
    assert "_auth_user_id" not in client.session


@override_settings(**OIDC_SETTINGS)
def test_login_page_shows_the_organisation_account_button_when_enabled(client):
    page = client.get(reverse("login")).content.decode()
    assert "/oidc/authenticate/" in page


def test_login_page_hides_the_button_when_disabled(client):
    assert "/oidc/" not in client.get(reverse("login")).content.decode()
