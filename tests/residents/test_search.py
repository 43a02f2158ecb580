"""The header search's queryset: accents and case, misspellings, V-number, reference, birth date."""

import datetime as dt

import pytest

from residents.models import Resident
from residents.search import normalise, parse
from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


def test_normalise_drops_accents_case_and_punctuation():
    assert normalise("  Ḥaddād-ÖZTÜRK ") == "haddad ozturk"


def test_parse_reads_v_number_reference_and_birth_date():
    query = parse("hh-2345abcd 17-05-1990 Amina")
    assert query.references == ["HH-2345ABCD"]
    assert query.birth_dates == [dt.date(1990, 5, 17)]
    assert query.words == ["amina"]
    assert parse("12 3456 7890").v_numbers == ["1234567890"]


@pytest.fixture
def haddad():
    return ResidentFactory(given_name="Amína", family_name="Haddad", birth_date=dt.date(1990, 5, 17))


def test_a_name_is_found_without_accents_or_case(haddad):
    ResidentFactory(given_name="Piet", family_name="Jansen")
    assert list(Resident.objects.search("amina HADDAD")) == [haddad]


def test_a_misspelt_name_is_still_found(haddad):
    ResidentFactory(given_name="Piet", family_name="Jansen")
    assert list(Resident.objects.search("Hadad")) == [haddad]


def test_v_number_reference_and_birth_date_find_exactly(haddad):
    ResidentFactory(birth_date=dt.date(1991, 1, 1))
    assert list(Resident.objects.search(haddad.v_number)) == [haddad]
    assert list(Resident.objects.search(haddad.household.reference.lower())) == [haddad]
    assert list(Resident.objects.search("17-05-1990 haddad")) == [haddad]
    assert not Resident.objects.search("17-05-1990 jansen").exists()


def test_the_search_column_follows_a_name_change(haddad):
    haddad.family_name = "Al-Sayed"
    haddad.save(update_fields=["family_name"])
    assert Resident.objects.get(pk=haddad.pk).search_text == "amina al sayed"


def test_an_empty_search_finds_nobody(haddad):
    assert not Resident.objects.search("  ").exists()
