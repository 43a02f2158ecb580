"""Validators for resident data."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

V_NUMBER_REGEX = r"^[0-9]{10}$"

validate_v_number = RegexValidator(V_NUMBER_REGEX, _("A V-number consists of exactly 10 digits."))
