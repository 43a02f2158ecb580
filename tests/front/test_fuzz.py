"""Hostile input: hypothesis throws arbitrary strings, numbers, dates and query strings at
every filter page and every form. Never a 500; a refused POST changes nothing.

The harness is generic: the field names come from the page's own <form> elements, so a new field or
filter is fuzzed without editing this file. Add new pages to FILTER_PAGES / FORMS.
"""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from residents.services import place_household
from tests.factories import (
    BuddyFactory,
    HouseholdFactory,
    IntentAgreementFactory,
    PropertyFactory,
    QuotaFactory,
    ResidentFactory,
)

# Hypothesis runs dozens of requests per test: seconds each (`make test-fast` skips them).
pytestmark = pytest.mark.slow

GET_EXAMPLES = 25
POST_EXAMPLES = 40
EXAMPLES_RUN = {}  # url name -> examples actually run, printed with `pytest -s`

# (url name, kwargs builder) — kwargs builders get the `data` fixture.
FILTER_PAGES = [
    ("dashboard", None),
    ("signal_list", None),
    ("municipality_list", None),
    ("municipality_detail", lambda d: {"cbs_code": "GM0014"}),
    ("property_list", None),
    ("household_list", None),
    ("placement_list", None),
    ("buddy_list", None),
    ("agreement_list", None),
    ("report_index", None),
    ("report_quota", lambda d: {"fmt": "csv"}),
    ("report_placements", lambda d: {"fmt": "csv"}),
    ("report_signals", lambda d: {"fmt": "csv"}),
    ("report_evidence", lambda d: {"fmt": "csv"}),
    ("report_forecast", lambda d: {"fmt": "csv"}),
    ("report_progress", lambda d: {"cbs_code": "GM0014"}),
]
FORMS = [
    ("property_create", None, None, None),
    ("property_edit", lambda d: {"pk": d["property"].pk}, None, None),
    ("household_create", None, None, None),
    ("placement_create", None, None, None),
    # POST only: its form sits on the household page.
    (
        "placement_end",
        lambda d: {"pk": d["placement"].pk},
        "household_detail",
        lambda d: {"pk": d["household"].pk},
    ),
    ("match_create", None, None, None),
    ("login", None, None, None),
]
EXTRA_KEYS = ["page", "sort", "period", "municipality", "q", "o", "status", "kind", "format"]

SNIPPETS = [
    "' OR 1=1 --",
    "'; DROP TABLE residents_resident; --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ settings.SECRET_KEY }}",
    "%00",
    "\x00",
    "../../etc/passwd",
    "2026-H3",
    "9999-H1",
    "-1",
    "0",
    "1e309",
    "NaN",
    "9" * 40,
    "GM0014",
    "GM9999",
    "=cmd|' /C calc'!A0",
    "x" * 20_000,
    "ﷺ" * 500,
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀 ‮",
]
values = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=300),
    st.sampled_from(SNIPPETS),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates(min_value=dt.date(1, 1, 1)).map(dt.date.isoformat),
    st.dates().map(lambda d: d.strftime("%d-%m-%Y")),
    st.floats(allow_nan=True).map(str),
)


def fuzz(max_examples):
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )


class FormFields(HTMLParser):
    """The names of the inputs of each <form>, with its method."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append((attrs.get("method", "get").lower(), attrs.get("action") or "", set()))
        elif (
            tag in {"input", "select", "textarea"}
            and self.forms
            and attrs.get("name", "csrfmiddlewaretoken") != "csrfmiddlewaretoken"
        ):
            self.forms[-1][2].add(attrs["name"])


def field_names(html, method, action=None):
    """Field names of the page's forms with `method`; with `action`, only the forms posting there."""
    parser = FormFields()
    parser.feed(html)
    names = set()
    for form_method, form_action, fields in parser.forms:
        if form_method == method and (action is None or form_action == action):
            names |= fields
    return sorted(names)


def counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"housing", "residents", "buddies"}
    }


@pytest.fixture
def data(db):
    prop = PropertyFactory(capacity=6)
    household = HouseholdFactory()
    ResidentFactory.create_batch(2, household=household)
    placements = place_household(
        household=household, property=prop, kind="har", start_date=dt.date(2026, 7, 1)
    )
    BuddyFactory()
    IntentAgreementFactory()
    QuotaFactory()
    return {"property": prop, "household": household, "placement": placements[0]}


@pytest.fixture
def fuzz_client(pioneer, data):
    client = Client()
    client.force_login(pioneer)
    return client


def _url(name, kwargs, data):
    try:
        return reverse(name, kwargs=kwargs(data) if kwargs else None)
    except NoReverseMatch:
        pytest.skip(f"{name} is not routed (yet)")


@pytest.mark.parametrize(("name", "kwargs"), FILTER_PAGES, ids=[n for n, _k in FILTER_PAGES])
def test_filter_page_never_answers_500_to_hostile_query_strings(fuzz_client, data, name, kwargs):
    url = _url(name, kwargs, data)
    baseline = fuzz_client.get(url)
    assert baseline.status_code == 200, f"{url} answers {baseline.status_code} without parameters"
    html = (
        ""
        if baseline.get("Content-Type", "").startswith(("text/csv", "application/"))
        else baseline.content.decode()
    )
    keys = sorted(set(field_names(html, "get")) | set(EXTRA_KEYS))
    EXAMPLES_RUN[name] = 0

    @fuzz(GET_EXAMPLES)
    @given(params=st.dictionaries(st.one_of(st.sampled_from(keys), st.text(max_size=10)), values, max_size=6))
    def attempt(params):
        EXAMPLES_RUN[name] += 1
        params = {k.replace("\ud800", ""): v for k, v in params.items()}
        response = fuzz_client.get(url, params)
        assert response.status_code < 500
        if response.status_code == 200 and hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)  # errors inside a streamed export count too

    attempt()
    print(f"fuzz {name}: {EXAMPLES_RUN[name]} examples, keys {keys}")
    assert EXAMPLES_RUN[name] >= GET_EXAMPLES // 2


@pytest.mark.parametrize(("name", "kwargs", "source", "source_kwargs"), FORMS, ids=[f[0] for f in FORMS])
def test_form_never_answers_500_and_garbage_changes_nothing(
    fuzz_client, data, name, kwargs, source, source_kwargs, client
):
    url = _url(name, kwargs, data)
    if name == "login":
        fuzz_client = client  # anonymous
    page = _url(source, source_kwargs, data) if source else url
    baseline = fuzz_client.get(page)
    assert baseline.status_code == 200, f"{page} answers {baseline.status_code}"
    fields = field_names(baseline.content.decode(), "post", action=url if source else None)
    assert fields, f"no form fields found on {url}"
    EXAMPLES_RUN[name] = 0

    @fuzz(POST_EXAMPLES)
    @given(form=st.fixed_dictionaries({}, optional=dict.fromkeys(fields, values)))
    def attempt(form):
        EXAMPLES_RUN[name] += 1
        before = counts()
        response = fuzz_client.post(url, form)
        assert response.status_code < 500
        if response.status_code != 302:  # refused: a Dutch message, nothing stored
            assert counts() == before

    attempt()
    print(f"fuzz {name}: {EXAMPLES_RUN[name]} examples, fields {fields}")
    assert EXAMPLES_RUN[name] >= POST_EXAMPLES // 2


def _concrete_urls(resolver=None, prefix="", namespace=""):
    """Every routed address with sample values for its parameters."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _concrete_urls(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name, entry.pattern


SAMPLE_KWARGS = {"pk": 1, "cbs_code": "GM0014", "fmt": "csv", "object_id": "1", "app_label": "housing"}


def all_routed_urls():
    urls = set()
    for name, pattern in _concrete_urls():
        converters = getattr(pattern, "converters", {})
        names = set(converters) or set(pattern.regex.groupindex)
        try:
            urls.add(reverse(name, kwargs={k: SAMPLE_KWARGS.get(k, "1") for k in names} or None))
        except NoReverseMatch:
            continue
    return sorted(urls)


@pytest.mark.django_db
def test_every_address_refuses_a_post_without_csrf_token(pioneer, data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(pioneer)
    urls = all_routed_urls()
    assert len(urls) > 40  # the walk really found the site, the admin included
    # No form: GET only; they still must not accept the POST.
    exempt = {"/healthz", "/api/v1/openapi.json", "/api/v1/openapi.yaml"}
    accepted = []
    for url in urls:
        before = counts()
        response = client.post(url, {"name": "x", "capacity": "1"})
        # The API authenticates by token only: a POST riding on a browser's session is refused (401).
        token_only = url.startswith("/api/") and response.status_code in (401, 404)
        if (
            response.status_code != 403
            and not (url in exempt and response.status_code == 405)
            and not token_only
        ):
            accepted.append((url, response.status_code))
        assert counts() == before
    assert accepted == []


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["delete", "put", "patch"])
def test_every_address_refuses_delete_put_and_patch_with_405(pioneer, data, method):
    client = Client()
    client.force_login(pioneer)
    for url in all_routed_urls():
        before = counts()
        response = getattr(client, method)(url)
        assert response.status_code == 405, (url, response.status_code)
        assert counts() == before, url


@pytest.mark.django_db
def test_forged_formset_total_cannot_make_the_server_build_thousands_of_forms(fuzz_client):
    response = fuzz_client.post(
        reverse("household_create"),
        {"residents-TOTAL_FORMS": "1000000", "residents-INITIAL_FORMS": "0", "municipality": "1"},
    )
    assert response.status_code == 200
    rows = re.findall(r'name="residents-\d+-given_name"', response.content.decode())
    assert 1 <= len(rows) <= 30
