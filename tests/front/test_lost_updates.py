"""Two people editing one record: the second save does not silently undo the first."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from housing.models import Property
from tests.factories import PropertyFactory, ResidentFactory
from tests.front.test_pages_properties import valid_data

pytestmark = pytest.mark.django_db


def loaded_state(response):
    return re.search(r'name="loaded_state" value="([^"]+)"', response.content.decode()).group(1)


def test_a_property_changed_since_the_form_was_opened_is_not_overwritten(staff_groningen):
    prop = PropertyFactory(name="Pastorie Helpman", capacity=6)
    first, second = Client(), Client()
    first.force_login(staff_groningen)
    second.force_login(staff_groningen)
    url = reverse("property_edit", args=[prop.pk])
    token_first = loaded_state(first.get(url))
    token_second = loaded_state(second.get(url))

    saved = first.post(url, valid_data(name="Pastorie Helpman", capacity="8", loaded_state=token_first))
    assert saved.status_code == 302
    refused = second.post(url, valid_data(name="Pastorie Noord", capacity="6", loaded_state=token_second))
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "Iemand anders heeft dit intussen gewijzigd" in text and "8" in text
    prop.refresh_from_db()
    assert (prop.name, prop.capacity) == ("Pastorie Helpman", 8), "the first change stands"

    again = second.post(
        url, valid_data(name="Pastorie Noord", capacity="8", loaded_state=loaded_state(refused))
    )
    assert again.status_code == 302
    prop.refresh_from_db()
    assert prop.name == "Pastorie Noord"


def test_a_tampered_version_is_refused_and_changes_nothing(client, staff_groningen):
    prop = PropertyFactory(name="Pastorie Helpman")
    client.force_login(staff_groningen)
    url = reverse("property_edit", args=[prop.pk])
    response = client.post(url, valid_data(name="Anders", loaded_state="rommel"))
    assert response.status_code == 200
    assert Property.objects.get(pk=prop.pk).name == "Pastorie Helpman"


def test_an_unchanged_record_saves_at_once(client, staff_groningen):
    prop = PropertyFactory(name="Pastorie Helpman")
    client.force_login(staff_groningen)
    url = reverse("property_edit", args=[prop.pk])
    token = loaded_state(client.get(url))
    assert client.post(url, valid_data(name="Pastorie Zuid", loaded_state=token)).status_code == 302


def test_a_resident_corrected_by_someone_else_meanwhile_is_not_overwritten(staff_groningen):
    resident = ResidentFactory(given_name="Yara", family_name="Khalil")
    url = reverse("resident_edit", args=[resident.pk])
    first, second = Client(), Client()
    first.force_login(staff_groningen)
    second.force_login(staff_groningen)
    page_first, page_second = first.get(url), second.get(url)
    form = page_first.context["form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    for name in ("birth_date", "permit_date", "gp_since", "insured_since"):
        if data.get(name):
            data[name] = data[name].isoformat()
    first.post(url, {**data, "family_name": "Khalil-Haddad", "loaded_state": loaded_state(page_first)})
    resident.refresh_from_db()
    assert resident.family_name == "Khalil-Haddad"
    refused = second.post(url, {**data, "given_name": "Yasmin", "loaded_state": loaded_state(page_second)})
    assert "Iemand anders heeft dit intussen gewijzigd" in refused.content.decode()
    resident.refresh_from_db()
    assert (resident.given_name, resident.family_name) == ("Yara", "Khalil-Haddad")


def test_a_save_landing_between_the_check_and_the_save_is_not_undone(staff_groningen):
    """Two saves at the same moment both pass the form's check (clean, before any lock); the
    second save checks again under the row lock (save_checked) and is refused."""
    from django.utils import translation

    from front.forms.residents import HouseholdForm
    from residents.models import Household
    from tests.factories import HouseholdFactory

    household = HouseholdFactory(reunification_expected_members=0)
    opened = HouseholdForm(instance=household, user=staff_groningen)
    data = {
        "municipality": household.municipality_id,
        "category": household.category,
        "members": household.members,
        "reunification_expected_members": "2",
        "loaded_state": opened["loaded_state"].value(),
    }
    form = HouseholdForm(data, instance=Household.objects.get(pk=household.pk), user=staff_groningen)
    assert form.is_valid(), form.errors
    Household.objects.filter(pk=household.pk).update(reunification_expected_members=3)  # the other save
    with translation.override("nl"), pytest.raises(ValidationError) as refused:
        form.save_checked()
    assert "Iemand anders heeft dit intussen gewijzigd" in str(refused.value)
    household.refresh_from_db()
    assert household.reunification_expected_members == 3, "the other user's change stands"
