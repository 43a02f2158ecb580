"""Filters in an admin address that the database cannot use answer with the list and a Dutch
message, never a server error."""

import pytest

from accounts.roles import ensure_role_groups

BAD_FILTERS = [
    "/admin/auditlog/logentry/?resource_type=1,2",
    "/admin/auditlog/logentry/?timestamp__gte=" + "9" * 40,
    "/admin/residents/household/?created_at__year=" + "9" * 40,
    "/admin/residents/placement/?start_date__gte=abc",
    "/admin/housing/property/?capacity__gt=" + "9" * 40,
    "/admin/residents/household/?o=99",
    "/admin/residents/household/?p=" + "9" * 40,
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", BAD_FILTERS)
@pytest.mark.parametrize("who", ["superuser", "pioneer"])
def test_an_unusable_admin_filter_never_answers_500(client, pioneer, django_user_model, path, who):
    ensure_role_groups()
    user = (
        django_user_model.objects.create_superuser("beheer", "beheer@example.nl", "lang-genoeg-wachtwoord")
        if who == "superuser"
        else pioneer
    )
    client.force_login(user)
    client.raise_request_exception = False
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [] or response.redirect_chain[-1][0].split("?")[0] == path.split("?")[0]


@pytest.mark.django_db
def test_a_failing_filter_drops_the_filters_with_a_dutch_message(client, pioneer):
    ensure_role_groups()
    client.force_login(pioneer)
    response = client.get("/admin/residents/household/?created_at__year=" + "9" * 40, follow=True)
    assert response.redirect_chain[-1][0] == "/admin/residents/household/"
    assert "kon niet worden gebruikt" in response.content.decode()
