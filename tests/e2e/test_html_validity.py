"""The main pages are valid HTML according to the Nu Html Checker (vnu.jar, needs Java).

Pages are rendered by Django's test client, written to files and checked in one run of the checker
(it starts a JVM, which takes a few seconds: once, not per page). The admin's add forms are left out:
Django's autocomplete widget renders an empty required <select> that select2 fills, which the checker
reports; that markup is Django's, not ours (axe still checks those pages in the browser).
"""

import pytest
from django.test import Client

from tests.e2e.conftest import pages_for, run_vnu

pytestmark = pytest.mark.e2e


def test_main_pages_have_no_html_errors(demo_data, live_server, tmp_path):
    # live_server: not to browse, but so the test database exists and access is open (conftest).
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    files = {}
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="nl")
    files["login"] = anonymous.get("/accounts/login/")
    for role in ("staff", "pioneer", "coordinator", "supervisor"):
        client = Client(HTTP_ACCEPT_LANGUAGE="nl")
        client.force_login(users.get(username=demo_data.users[role]))
        for path in pages_for(demo_data, role):
            if not path.endswith("/add/"):
                files[f"{role} {path}"] = client.get(path)

    not_ok = [
        f"{name}: HTTP {response.status_code}"
        for name, response in files.items()
        if response.status_code != 200
    ]
    assert not not_ok, "\n".join(not_ok)
    paths = {}
    for index, (name, response) in enumerate(files.items()):
        path = tmp_path / f"page-{index:02d}.html"
        path.write_bytes(response.content)
        paths[str(path)] = name
    errors = run_vnu(paths)
    report = [
        f"{paths.get(m.get('url', '').removeprefix('file:'), m.get('url'))}:{m.get('lastLine', '?')}: "
        f"{m.get('message')} — {m.get('extract', '').strip()[:120]}"
        for m in errors
    ]
    assert not errors, f"{len(errors)} HTML error(s):\n" + "\n".join(report)
