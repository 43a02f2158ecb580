"""The new-placement form stays small at national scale: it offers only the chosen household and the
properties with room, yet accepts every household and property in scope."""

import pytest
from django.urls import reverse
from django.utils import timezone

from front.forms.residents import PlacementForm
from residents.models import Placement
from tests.factories import (
    UTRECHT,
    HouseholdFactory,
    PlacementFactory,
    PropertyFactory,
    ResidentFactory,
    municipality,
)

pytestmark = pytest.mark.django_db


def household_of(size, **kwargs):
    household = HouseholdFactory(**kwargs)
    ResidentFactory.create_batch(size, household=household)
    return household


def test_household_select_offers_only_the_household_from_the_address(client, staff_groningen):
    chosen, other = household_of(1), household_of(1)
    client.force_login(staff_groningen)
    response = client.get(reverse("placement_create"), {"household": chosen.pk})
    assert f'<option value="{chosen.pk}" selected>{chosen.reference}</option>' in response.text
    assert other.reference not in response.text


def test_without_a_household_the_form_asks_for_its_reference(client, staff_groningen):
    household = household_of(2)
    client.force_login(staff_groningen)
    response = client.get(reverse("placement_create"))
    assert '<input type="text" name="household"' in response.text
    assert '<label for="id_household">' in response.text
    assert household.reference not in response.text
    prop = PropertyFactory(capacity=4)
    data = {"household": household.reference.lower(), "property": prop.pk, "kind": Placement.Kind.HAR}
    response = client.post(reverse("placement_create"), {**data, "start_date": "2026-09-01"})
    assert response.status_code == 302
    assert Placement.objects.filter(resident__household=household, property=prop).count() == 2


def test_an_unknown_or_foreign_reference_is_refused(client, staff_groningen):
    foreign = household_of(1, municipality=municipality(UTRECHT))
    client.force_login(staff_groningen)
    for reference in ("HH-NOTEXIST", foreign.reference):
        data = {"household": reference, "property": PropertyFactory().pk, "kind": Placement.Kind.HAR}
        response = client.post(reverse("placement_create"), {**data, "start_date": "2026-09-01"})
        assert response.status_code == 200
        assert response.context["form"].errors["household"]
    assert not Placement.objects.exists()


def test_property_select_offers_properties_with_room_and_the_chosen_one(client, staff_groningen):
    roomy = PropertyFactory(name="Roomy", capacity=3)
    full = PropertyFactory(name="Full house", capacity=1)
    PlacementFactory(property=full, start_date=timezone.localdate())
    client.force_login(staff_groningen)
    response = client.get(reverse("placement_create"))
    assert f'<option value="{roomy.pk}">Roomy' in response.text
    assert "Full house" not in response.text
    response = client.get(reverse("placement_create"), {"property": full.pk})
    assert f'<option value="{full.pk}" selected>Full house' in response.text


def test_a_valid_submission_does_not_build_the_property_list(staff_groningen, django_assert_num_queries):
    household, prop = household_of(1), PropertyFactory(capacity=4)
    data = {
        "household": household.pk,
        "property": prop.pk,
        "kind": Placement.Kind.HAR,
        "start_date": "2026-09-01",
    }
    # The user's roles and municipalities (one query, once per user), the chosen household (for its
    # one-option select), then the household and the property to validate: no list of properties.
    with django_assert_num_queries(4):
        form = PlacementForm(data, user=staff_groningen)
        assert form.is_valid()
    # Shown again (say, after a failed capacity check): the properties with room and the chosen one,
    # once each although the <select> reads its choices twice.
    with django_assert_num_queries(2):
        html = str(form["property"])
    assert f'<option value="{prop.pk}" selected>' in html
