"""Dutch postcode, CBS code and V-number validators."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from housing.validators import normalise_postcode, validate_cbs_code, validate_postcode
from residents.validators import validate_v_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("9711ab", "9711 AB"), (" 9711 ab ", "9711 AB"), ("9711  AB", "9711 AB"), ("3511AX", "3511 AX")],
)
def test_postcode_is_normalised_to_four_digits_space_two_capitals(raw, expected):
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize("raw", ["0711 AB", "971 AB", "9711 A", "ABCD EF", "", None])
def test_unrecognisable_postcode_is_left_for_the_validator(raw):
    assert normalise_postcode(raw) == (raw or "").strip()


@pytest.mark.parametrize("value", ["9711 AB", "1000 AA"])
def test_valid_postcode_passes(value):
    validate_postcode(value)


@pytest.mark.parametrize("value", ["9711AB", "0711 AB", "9711 ab", "97111 AB"])
def test_invalid_postcode_is_refused_in_dutch(value):
    with translation.override("nl"), pytest.raises(ValidationError) as info:
        validate_postcode(value)
    assert info.value.messages == [
        "Een postcode bestaat uit vier cijfers en twee letters, bijvoorbeeld 9711 AB."
    ]


def test_v_number_of_ten_digits_passes():
    validate_v_number("1234567890")


@pytest.mark.parametrize("value", ["123456789", "12345678901", "V123456789", "12345 67890"])
def test_v_number_not_ten_digits_is_refused_in_dutch(value):
    with translation.override("nl"), pytest.raises(ValidationError) as info:
        validate_v_number(value)
    assert info.value.messages == ["Een V-nummer bestaat uit precies 10 cijfers."]


@pytest.mark.parametrize("value", ["GM14", "gm0014", "GM00145", "PV0014"])
def test_cbs_code_other_than_gm_and_four_digits_is_refused(value):
    with pytest.raises(ValidationError):
        validate_cbs_code(value)
