"""Forms for properties. Choices are limited to the user's scope; messages are Dutch by translation."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from front.forms.concurrency import UnchangedSinceLoadedMixin
from housing.models import IntentAgreement, Municipality, Organisation, Property
from housing.refusals import NotesRefusedChoicesMixin
from housing.validators import POSTCODE_REGEX, capacity_form_field, normalise_postcode


class DateInput(forms.DateInput):
    """A native date picker; the value is ISO (YYYY-MM-DD) as the browser expects."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PropertyForm(NotesRefusedChoicesMixin, UnchangedSinceLoadedMixin, forms.ModelForm):
    class Meta:
        model = Property
        fields = [
            "name",
            "street",
            "house_number",
            "postcode",
            "place",
            "municipality",
            "kind",
            "owner",
            "capacity",
            "status",
            "funding",
            "available_from",
            "available_until",
            "agreement",
            "suitable_for_families",
            "suitable_for_singles",
            "only_for",
            "suitable_for_minors",
            "step_free",
            "rooms",
            "beds",
            "shared_facilities",
            "notes",
        ]
        widgets = {
            "available_from": DateInput(),
            "available_until": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "postcode": _("Four digits and two letters, for example 9711 AB."),
            "capacity": _("The number of people who can live here."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = Municipality.objects.visible_to(user, personal=True)
        self.fields["municipality"].queryset = municipalities.active()
        self.fields["owner"].queryset = Organisation.objects.filter(
            Q(municipality__in=municipalities) | Q(municipality__isnull=True)
        )
        self.fields["agreement"].queryset = IntentAgreement.objects.visible_to(user).select_related(
            "municipality"
        )
        capacity_form_field(self.fields["capacity"])
        self.fields["postcode"].widget.attrs.update({"autocomplete": "postal-code", "size": 7})
        # The model validator has a message of its own; the form gives one message for every bad postcode.
        self.fields["postcode"].validators = []
        self.fields["postcode"].widget.attrs.pop("maxlength", None)

    def same_address(self):
        """Other properties at the address just entered: a warning, not a refusal (two flats can
        share a street number; a property saved twice is the mistake to catch)."""
        data = self.cleaned_data
        if not all(data.get(k) for k in ("street", "house_number", "postcode")):
            return Property.objects.none()
        return Property.same_address(
            street=data["street"],
            house_number=data["house_number"],
            postcode=data["postcode"],
            exclude=self.instance.pk,
        )

    def clean_postcode(self):
        value = normalise_postcode(self.cleaned_data.get("postcode", ""))
        if not re.fullmatch(POSTCODE_REGEX, value):
            raise ValidationError(
                _("Enter a Dutch postcode: four digits and two letters, for example 9711 AB."),
                code="invalid_postcode",
            )
        return value
