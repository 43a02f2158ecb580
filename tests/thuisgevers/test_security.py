"""Security headers, request guards, error pages, production settings and the health check."""

import json
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from thuisgevers.logging import JsonFormatter

ROOT = Path(__file__).resolve().parents[2]

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
}


def csp_directives(response):
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()}


def production_env(**extra):
    # Test-only variables (DJANGO_ALLOW_ASYNC_UNSAFE comes from the browser tests) stay out.
    dropped = {"DEBUG", "DATABASE_URL", "LOG_FORMAT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        {
            "DEBUG": "false",  # explicit, so a developer's .env (DEBUG=true) cannot switch it on
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "thuisgevers.example.nl",
            "CSRF_TRUSTED_ORIGINS": "https://thuisgevers.example.nl",
            "DATABASE_URL": "postgres://thuisgevers@db.internal:5432/thuisgevers",
            "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
            "DJANGO_SETTINGS_MODULE": "thuisgevers.settings",
        }
    )
    env.update(extra)
    return env


@pytest.mark.django_db
def test_every_page_carries_a_strict_content_security_policy_and_security_headers(client):
    response = client.get(reverse("login"))
    directives = csp_directives(response)
    for directive, value in EXPECTED_CSP.items():
        assert directives[directive] == value
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]


def _inline_code(html):
    """Inline <script> bodies, inline event handlers and style attributes: all blocked by the CSP."""
    from html.parser import HTMLParser

    found = []

    class Finder(HTMLParser):
        in_script = False

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "script" and "src" not in attrs and attrs.get("type", "") != "application/json":
                self.in_script = True
            for name in attrs:
                if name.startswith("on") or name == "style":
                    found.append(f"<{tag} {name}=…>")

        def handle_endtag(self, tag):
            if tag == "script":
                self.in_script = False

        def handle_data(self, data):
            if self.in_script and data.strip():
                found.append("<script>" + data.strip()[:60])

    Finder().feed(html)
    return found


ADMIN_PAGES = ["admin:index", "admin:residents_household_changelist", "admin:housing_property_add"]
APP_PAGES = [
    "dashboard",
    "signal_list",
    "municipality_list",
    "property_list",
    "property_create",
    "household_list",
    "household_create",
    "placement_list",
    "placement_create",
    "buddy_list",
    "agreement_list",
    "report_index",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["login", *ADMIN_PAGES, *APP_PAGES])
def test_pages_have_no_inline_scripts_or_styles_that_the_csp_would_block(client, django_user_model, name):
    if name != "login":
        admin = django_user_model.objects.create_superuser(
            "root", "root@example.org", "x-very-long-password-1"
        )
        client.force_login(admin)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert _inline_code(response.content.decode()) == []


def test_production_responses_carry_hsts_and_redirect_to_https():
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "c = Client(HTTP_HOST='thuisgevers.example.nl');"
        "secure = c.get('/healthz', secure=True);"
        "plain = c.get('/accounts/login/');"
        "import json; print(json.dumps({'hsts': secure.headers.get('Strict-Transport-Security'),"
        "'status': secure.status_code, 'redirect': plain.status_code,"
        "'location': plain.headers.get('Location')}))"
    )
    env = production_env(DATABASE_URL="sqlite://:memory:")
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["status"] == 200
    assert outcome["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert outcome["redirect"] == 301
    assert outcome["location"] == "https://thuisgevers.example.nl/accounts/login/"


def test_check_deploy_reports_nothing_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNINGS" not in output


def test_production_refuses_to_start_without_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY and ALLOWED_HOSTS must be set" in result.stderr


def test_production_cookies_are_secure_and_logging_is_json():
    script = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        "list(s.SECURE_PROXY_SSL_HEADER), s.LOGGING['handlers']['console']['formatter'], s.SESSION_ENGINE]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=production_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        True,
        True,
        True,
        ["HTTP_X_FORWARDED_PROTO", "https"],
        "json",
        "accounts.sessions",  # Django's database sessions, read in plain SQL (tests/accounts/test_signin.py)
    ]


def test_json_log_lines_carry_level_logger_message_and_extra_fields():
    record = logging.makeLogRecord(
        {
            "name": "thuisgevers.test",
            "levelno": logging.WARNING,
            "levelname": "WARNING",
            "msg": "Plaatsing %s",
        }
    )
    record.args = ("geweigerd",)
    record.household = "HH-7K3Q9PXM"
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "WARNING"
    assert line["logger"] == "thuisgevers.test"
    assert line["message"] == "Plaatsing geweigerd"
    assert line["household"] == "HH-7K3Q9PXM"
    assert line["time"].endswith("+00:00")


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_fails(client):
    with mock.patch.object(connection, "cursor", side_effect=Exception("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/properties/?name=%00",
        "/properties/?%00=1",
        "/municipalities/GM%0014/",
        "/dashboard/?period=2026-H2%00",
    ],
)
def test_nul_bytes_in_address_or_query_are_refused_with_a_dutch_400(client, pioneer, path):
    client.force_login(pioneer)
    response = client.get(path)
    assert response.status_code == 400
    assert "Ongeldig verzoek" in response.content.decode()


@pytest.mark.django_db
def test_nul_bytes_in_form_fields_are_refused_and_change_nothing(client, pioneer):
    from housing.models import Property

    client.force_login(pioneer)
    before = Property.objects.count()
    response = client.post(reverse("property_create"), {"name": "Pastorie\x00", "capacity": "3"})
    assert response.status_code == 400
    assert Property.objects.count() == before


@pytest.mark.django_db
def test_oversized_request_body_is_refused_with_413_not_500(client, pioneer):
    client.force_login(pioneer)
    response = client.post(
        reverse("property_create"), data=b"x" * (11 * 1024 * 1024), content_type="application/octet-stream"
    )
    assert response.status_code == 413
    assert "Bestand te groot" in response.content.decode()


@pytest.mark.django_db
def test_oversized_form_fields_are_refused_with_400_not_500(client, pioneer):
    client.force_login(pioneer)
    response = client.post(reverse("property_create"), {"name": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 400


@pytest.mark.django_db
def test_unknown_page_gives_the_dutch_404(client, pioneer):
    client.force_login(pioneer)
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


@pytest.mark.django_db
def test_csrf_failure_gives_the_dutch_403_page(pioneer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(pioneer)
    response = client.post(reverse("property_create"), {"name": "x"})
    assert response.status_code == 403
    assert "Formulier verlopen" in response.content.decode()


@pytest.mark.django_db
def test_500_page_renders_without_request_context_or_database(rf, django_assert_num_queries):
    from django.views.defaults import server_error

    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Er ging iets mis" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/households/", "/placements/", "/reports/placements.csv", "/admin/residents/resident/", "/dashboard/"],
)
def test_answers_to_signed_in_users_are_never_stored_by_a_cache(client, pioneer, path):
    client.force_login(pioneer)
    response = client.get(path)
    assert response.status_code == 200
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives
