"""Helpers shared by the page tests (tests/front/test_pages_*.py)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url):
    """The number of queries a GET of `url` runs, after one warm-up request (sessions, caches)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def assert_no_inline_code(html):
    """The strict Content-Security-Policy allows no inline style attributes and no inline scripts."""
    assert not re.search(r"\sstyle=", html), "inline style attribute"
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, f"inline script: {tag}"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The page tests log users in with force_login; hashing their passwords slowly buys nothing.
    Import this fixture into a test module to make it autouse there."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
