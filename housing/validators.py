"""Validators for Dutch formats, shared by model fields, forms and imports."""

import re

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

CBS_CODE_REGEX = r"^GM[0-9]{4}$"
POSTCODE_REGEX = r"^[1-9][0-9]{3} [A-Z]{2}$"

validate_cbs_code = RegexValidator(
    CBS_CODE_REGEX, _("A CBS municipality code is GM followed by four digits, for example GM0014.")
)
validate_postcode = RegexValidator(
    POSTCODE_REGEX, _("A postcode consists of four digits and two letters, for example 9711 AB.")
)


def normalise_postcode(value):
    """`9711ab` and ` 9711 AB ` become `9711 AB`; anything else is returned unchanged for the validator."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if re.fullmatch(r"[1-9][0-9]{3}[A-Z]{2}", compact):
        return f"{compact[:4]} {compact[4:]}"
    return (value or "").strip()
