"""Input that is accepted but wrong is refused in the model layer, so the pages, the admin and the
imports give the same Dutch message: house numbers, capacity bounds, agreement dates; and a
property entered twice gets a warning, not a refusal."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from housing.models import IntentAgreement, Property
from housing.validators import MAX_CAPACITY
from tests.factories import IntentAgreementFactory, PropertyFactory, municipality
from tests.front.pages_helpers import fast_password_hashing  # noqa: F401

pytestmark = pytest.mark.django_db

CAPACITY_MESSAGE = f"Het aantal plekken is een geheel getal van 1 tot en met {MAX_CAPACITY}."


def errors_of(instance):
    with pytest.raises(ValidationError) as info:
        instance.full_clean()
    return info.value.message_dict


@pytest.mark.parametrize("number", ["12", "12a", "12 A", "12-2", "12A-3", "1", "99999", "7 bis"])
def test_dutch_house_numbers_with_an_addition_are_accepted(number):
    prop = PropertyFactory.build(municipality=municipality(), owner=None, house_number=number)
    prop.full_clean()


@pytest.mark.parametrize("number", ["abc", "0", "a12", "123456", "12 abcdefgh", "-"])
def test_house_number_that_is_not_a_number_is_refused_in_dutch(number):
    prop = PropertyFactory.build(municipality=municipality(), owner=None, house_number=number)
    assert errors_of(prop)["house_number"][0].startswith("Een huisnummer is een getal van 1 tot en met 99999")


@pytest.mark.parametrize("capacity", [-3, 0, MAX_CAPACITY + 1, 5000])
def test_capacity_out_of_bounds_gets_one_and_the_same_message(capacity):
    prop = PropertyFactory.build(municipality=municipality(), owner=None, capacity=capacity)
    assert errors_of(prop)["capacity"] == [CAPACITY_MESSAGE]


@pytest.mark.parametrize("capacity", ["-3", "0", "5000"])
def test_property_form_says_the_same_for_minus_three_zero_and_five_thousand(
    client, staff_groningen, capacity
):
    from tests.front.test_pages_properties import valid_data

    client.force_login(staff_groningen)
    response = client.post(reverse("property_create"), valid_data(capacity=capacity))
    assert response.status_code == 200
    assert CAPACITY_MESSAGE in response.text
    assert not Property.objects.exists()


def test_admin_capacity_form_field_leaves_the_bounds_to_the_model(admin_client):
    response = admin_client.get(reverse("admin:housing_property_add"))
    assert f'max="{MAX_CAPACITY}"' in response.text and 'min="1"' in response.text


def test_agreement_signed_before_its_college_decision_is_refused():
    agreement = IntentAgreementFactory.build(
        municipality=municipality(),
        status=IntentAgreement.Status.SIGNED,
        college_decision_date=dt.date(2026, 5, 1),
        signed_on=dt.date(2026, 4, 30),
    )
    assert errors_of(agreement)["signed_on"] == [
        "Een overeenkomst wordt getekend op of na het collegebesluit, niet ervoor."
    ]
    agreement.signed_on = dt.date(2026, 5, 1)
    agreement.full_clean()


def test_property_at_an_address_already_entered_is_saved_with_a_warning(client, staff_groningen):
    from tests.front.test_pages_properties import valid_data

    PropertyFactory(name="Pastorie Helpman", street="Kerkstraat", house_number="12a", postcode="9711 AB")
    client.force_login(staff_groningen)
    response = client.post(
        reverse("property_create"), valid_data(name="Pastorie Helpman (2)", street="kerkstraat"), follow=True
    )
    assert response.status_code == 200
    assert Property.objects.filter(name="Pastorie Helpman (2)").exists(), "a warning, not a refusal"
    assert "Er is al een woonlocatie met hetzelfde adres: Pastorie Helpman." in response.text


def test_property_at_a_new_address_gets_no_warning(client, staff_groningen):
    from tests.front.test_pages_properties import valid_data

    PropertyFactory(street="Kerkstraat", house_number="14", postcode="9711 AB")
    client.force_login(staff_groningen)
    response = client.post(reverse("property_create"), valid_data(), follow=True)
    assert "hetzelfde adres" not in response.text
