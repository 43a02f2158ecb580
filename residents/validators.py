"""Validators for resident data."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from housing.validators import not_in_future

V_NUMBER_REGEX = r"^[0-9]{10}$"

validate_v_number = RegexValidator(V_NUMBER_REGEX, _("A V-number consists of exactly 10 digits."))


def date_errors(instance, *, not_future=(), not_before=(), today=None):
    """{field: message} for the date rules of one record (shared by Resident and Household clean()).

    `not_future`: (field, message) pairs — a date the world forbids in the future (a birth date in
    2030). `not_before`: (field, earlier_field, message) — a date that cannot lie before another
    (a permit before birth). Empty dates are left alone."""
    errors = {}
    for name, message in not_future:
        try:
            not_in_future(getattr(instance, name), message, today=today)
        except ValidationError as error:
            errors[name] = error.messages[0]
    for name, earlier, message in not_before:
        value, first = getattr(instance, name), getattr(instance, earlier)
        if name not in errors and value and first and value < first:
            errors[name] = message
    return errors


def resident_date_errors(resident, *, today=None):
    return date_errors(
        resident,
        not_future=(
            ("birth_date", _("The birth date lies in the future.")),
            ("permit_date", _("The permit date lies in the future.")),
            ("gp_registered_on", _("The GP registration date lies in the future.")),
            ("insured_since", _("‘Insured since’ lies in the future.")),
        ),
        not_before=(
            ("permit_date", "birth_date", _("The permit date lies before the birth date.")),
            ("gp_registered_on", "birth_date", _("The GP registration date lies before the birth date.")),
            ("insured_since", "birth_date", _("‘Insured since’ lies before the birth date.")),
        ),
        today=today,
    )


def household_date_errors(household, *, today=None):
    return date_errors(
        household,
        not_future=(
            ("reunification_applied_on", _("The family reunification application date lies in the future.")),
            ("reunification_arrived_on", _("The family reunification arrival date lies in the future.")),
            ("linked_on", _("The linking date lies in the future.")),
        ),
        today=today,
    )
