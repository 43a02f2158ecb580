"""Validators for Dutch formats, shared by model fields, forms and imports."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CBS_CODE_REGEX = r"^GM[0-9]{4}$"
POSTCODE_REGEX = r"^[1-9][0-9]{3} [A-Z]{2}$"
# A Dutch house number (BAG): 1–99999, then an optional letter (huisletter) and an optional addition
# (huisnummertoevoeging) of up to four letters or digits: 12, 12a, 12 A, 12-2, 12A-3, 12 bis. An
# addition with digits needs a space or dash, so 123456 is not read as 12345 with addition 6.
HOUSE_NUMBER_REGEX = r"^[1-9][0-9]{0,4}(?:[ -]?[A-Za-z])?(?:[ -][A-Za-z0-9]{1,4}|[A-Za-z]{1,3})?$"
MIN_CAPACITY = 1
MAX_CAPACITY = 500  # more than the largest convent or chalet park the workshop named; 5000 is a typo

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


validate_house_number = RegexValidator(
    HOUSE_NUMBER_REGEX,
    _(
        "A house number is a number from 1 to 99999, optionally with a letter or addition, "
        "for example 12, 12a or 12-2."
    ),
)


def capacity_message():
    return _("The number of places is a whole number from %(min)s to %(max)s.") % {
        "min": MIN_CAPACITY,
        "max": MAX_CAPACITY,
    }


def validate_capacity_bounds(value):
    """One message for every capacity out of bounds: −3, 0 and 5000 are told the same thing."""
    if value is None or not MIN_CAPACITY <= value <= MAX_CAPACITY:
        raise ValidationError(capacity_message(), code="capacity_bounds")


def capacity_form_field(field):
    """Let a model form's capacity field leave the bounds to the model (one message, see
    validate_capacity_bounds) and tell the browser the same bounds."""
    field.validators = []
    field.min_value = field.max_value = None
    field.widget.attrs.update({"min": MIN_CAPACITY, "max": MAX_CAPACITY})
    return field


def not_in_future(value, message, *, today=None):
    """Raise ValidationError(`message`) for a date after today (a birth date in 2030)."""
    if value is not None and value > (today or timezone.localdate()):
        raise ValidationError(message, code="future_date")
