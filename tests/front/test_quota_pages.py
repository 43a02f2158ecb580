"""The art. 29 computation page: pioneers and superusers preview, then save; bad input gets a Dutch
message and changes nothing; screens say when a quota uses an example number or an older year."""

import pytest

from housing.models import NationalNumber, Quota
from housing.periods import Period
from housing.quota import apply_quotas, compute_quotas
from tests.factories import GRONINGEN

pytestmark = pytest.mark.django_db

URL = "/quotas/compute/"
FORM = {"period": "2025-H2", "national_number": "8800", "source": "Voorbeeld", "is_example": "on"}


def test_pioneer_previews_without_writing_then_saves(client, pioneer):
    client.force_login(pioneer)
    response = client.post(URL, {**FORM, "preview": "1"})
    assert response.status_code == 200
    computation = response.context["computation"]
    assert computation.total - 8800 == computation.excess > 0
    assert "Amsterdam" in response.content.decode()
    assert not Quota.objects.exists()
    response = client.post(URL, {**FORM, "apply": "1"})
    assert response.status_code == 302
    assert Quota.objects.for_period(Period(2025, 2)).count() == 342
    assert NationalNumber.objects.get(year=2025, half=2).is_example


@pytest.mark.parametrize(
    "data",
    [
        {**FORM, "period": "2025-H3"},
        {**FORM, "national_number": "-1"},
        {**FORM, "national_number": "veel"},
        {**FORM, "period": "2026-H1"},  # the population of 1 January 2025 is not loaded
        {**FORM, "population_year": "2025"},
    ],
)
def test_bad_input_gets_a_dutch_message_and_changes_nothing(client, pioneer, data):
    client.force_login(pioneer)
    response = client.post(URL, {**data, "apply": "1"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    assert not Quota.objects.exists() and not NationalNumber.objects.exists()
    content = response.content.decode()
    assert "form-field__error" in content or 'class="alert" role="alert"' in content


def test_staff_and_coordinators_may_not_compute(client, staff_groningen, coordinator):
    for user in (staff_groningen, coordinator):
        client.force_login(user)
        assert client.post(URL, {**FORM, "apply": "1"}).status_code == 403
    assert not Quota.objects.exists()


def test_dashboard_and_municipality_page_say_the_number_is_an_example_and_the_year_older(client, coordinator):
    period = Period(2026, 2)  # the law prescribes 1 January 2025, which is not loaded
    apply_quotas(compute_quotas(period, 10_000, population_year=2024), source="Voorbeeld", is_example=True)
    client.force_login(coordinator)
    for url in (
        f"/dashboard/?period={period}",
        f"/municipalities/{GRONINGEN}/?period={period}",
        f"/municipalities/?period={period}",
    ):
        content = client.get(url).content.decode()
        assert "10.000" in content or "10,000" in content, url
        assert f"1 januari {period.year - 1}" in content or f"1 January {period.year - 1}" in content, url
