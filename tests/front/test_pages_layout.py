"""The shared layout: landmarks, skip link, navigation by role, language switch, no inline code."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import BuddyFactory, IntentAgreementFactory, PlacementFactory, PropertyFactory
from tests.front.pages_helpers import assert_no_inline_code, fast_password_hashing  # noqa: F401

pytestmark = pytest.mark.django_db

PERSONAL_SECTIONS = [
    "signal_list",
    "property_list",
    "household_list",
    "placement_list",
    "buddy_list",
    "agreement_list",
]


def nav_of(html):
    return re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)


def test_layout_has_landmarks_skip_link_and_deferred_htmx(client, staff_groningen):
    client.force_login(staff_groningen)
    html = client.get(reverse("property_list")).text
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html and "<header" in html and "<footer" in html
    assert re.search(r'<script src="[^"]*vendor/htmx/htmx\.min\.js" defer></script>', html)
    assert '"includeIndicatorStyles": false' in html  # no injected <style> under a strict CSP
    assert html.count("<h1") == 1
    assert_no_inline_code(html)


def test_staff_navigation_shows_personal_sections_and_marks_the_current_one(client, staff_groningen):
    client.force_login(staff_groningen)
    nav = nav_of(client.get(reverse("property_list")).text)
    for name in PERSONAL_SECTIONS:
        assert f'href="{reverse(name)}"' in nav
    assert f'<a href="{reverse("property_list")}" aria-current="page">' in nav
    assert reverse("admin:index") not in nav  # not is_staff


def test_pioneer_with_admin_access_sees_the_administration_link(client, pioneer):
    client.force_login(pioneer)
    nav = nav_of(client.get(reverse("property_list")).text)
    assert f'href="{reverse("admin:index")}"' in nav


def test_coordinator_navigation_hides_personal_data_sections(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("property_list"))  # the no-access page still has the layout
    nav = nav_of(response.text)
    assert f'href="{reverse("dashboard")}"' in nav
    assert f'href="{reverse("municipality_list")}"' in nav
    for name in PERSONAL_SECTIONS:
        assert f'href="{reverse(name)}"' not in nav


def test_user_name_and_sign_out_form_in_the_header(client, staff_groningen):
    staff_groningen.first_name, staff_groningen.last_name = "Anna", "de Vries"
    staff_groningen.save()
    client.force_login(staff_groningen)
    html = client.get(reverse("property_list")).text
    assert "Anna de Vries" in html
    assert re.search(rf'<form method="post" action="{reverse("logout")}">', html)


def test_language_switch_is_a_form_that_works_without_javascript(client, staff_groningen):
    PropertyFactory(name="Pastorie")
    client.force_login(staff_groningen)
    html = client.get(reverse("property_list")).text
    assert f'action="{reverse("set_language")}"' in html
    assert 'name="language" value="en"' in html
    assert '<html lang="nl">' in html
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("property_list")})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get(reverse("property_list")).text
    assert '<html lang="en">' in html
    assert "Properties" in html
    assert 'name="language" value="nl"' in html


def test_tables_have_captions_and_scoped_headers(client, staff_groningen):
    PropertyFactory()
    client.force_login(staff_groningen)
    html = client.get(reverse("property_list")).text
    assert "<caption" in html
    assert 'scope="col"' in html and 'scope="row"' in html
    assert "aria-sort" not in html  # unsorted until asked
    sorted_html = client.get(reverse("property_list"), {"ordering": "capacity"}).text
    assert 'aria-sort="ascending"' in sorted_html


@pytest.mark.parametrize(
    ("url_name", "list_id"),
    [
        ("household_list", "households"),
        ("placement_list", "placements"),
        ("buddy_list", "buddies"),
        ("property_list", "properties"),
        ("agreement_list", "agreements"),
    ],
)
def test_list_pages_label_their_table_region_by_its_own_caption(client, staff_groningen, url_name, list_id):
    """The list pages share includes/list_page.html; each names its caption, which labels the region."""
    PlacementFactory()
    BuddyFactory()
    IntentAgreementFactory()
    client.force_login(staff_groningen)
    html = client.get(reverse(url_name)).text
    assert f'role="region" aria-labelledby="{list_id}-caption"' in html
    assert html.count(f'<caption id="{list_id}-caption">') == 1
    assert html.count("<h1") == 1


def test_each_role_and_language_gets_its_own_menu_though_menus_are_kept(client, staff_groningen, coordinator):
    """The rendered menu is kept per process (front/templatetags/ui.py main_menu): a coordinator
    after a staff member, or English after Dutch, must not get the menu rendered before."""
    client.force_login(staff_groningen)
    staff_nav = nav_of(client.get(reverse("dashboard")).text)
    assert f'href="{reverse("household_list")}"' in staff_nav
    assert ">Huishoudens<" in staff_nav
    client.force_login(coordinator)
    coordinator_nav = nav_of(client.get(reverse("dashboard")).text)
    assert f'href="{reverse("household_list")}"' not in coordinator_nav
    assert f'<a href="{reverse("dashboard")}" aria-current="page">' in coordinator_nav
    client.force_login(staff_groningen)
    client.post(reverse("set_language"), {"language": "en", "next": reverse("dashboard")})
    english_nav = nav_of(client.get(reverse("municipality_list")).text)
    assert ">Households<" in english_nav and ">Huishoudens<" not in english_nav
    assert f'<a href="{reverse("municipality_list")}" aria-current="page">' in english_nav
    assert f'<a href="{reverse("dashboard")}" aria-current="page">' not in english_nav
