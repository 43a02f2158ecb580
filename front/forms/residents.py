"""Forms for households, residents, their care status and placements. Choices come from the user's
scope; placements themselves are created only by residents.services.place_household."""

import functools

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from front.forms.housing import DateInput
from front.widgets import FastSelect
from housing.models import Municipality, Organisation, Property
from residents.models import Household, Placement, Resident
from residents.validators import validate_v_number


class HouseholdForm(forms.ModelForm):
    class Meta:
        model = Household
        fields = [
            "municipality",
            "category",
            "support_organisation",
            "reunification_expected_members",
            "reunification_applied_on",
            "reunification_expected_on",
            "reunification_arrived_on",
        ]
        widgets = {
            "reunification_applied_on": DateInput(),
            "reunification_expected_on": DateInput(),
            "reunification_arrived_on": DateInput(),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = Municipality.objects.visible_to(user, personal=True)
        self.fields["municipality"].queryset = municipalities.active()
        self.fields["support_organisation"].queryset = Organisation.objects.filter(
            kind__in=[
                Organisation.Kind.VLUCHTELINGENWERK,
                Organisation.Kind.WELFARE,
                Organisation.Kind.NIDOS,
                Organisation.Kind.MUNICIPALITY,
                Organisation.Kind.OTHER,
            ]
        )


class ResidentForm(forms.ModelForm):
    v_number = forms.CharField(
        label=_("V-number"),
        max_length=20,
        help_text=_("10 digits, from the residence permit."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = Resident
        fields = ["v_number", "given_name", "family_name", "birth_date", "nationality", "permit_date"]
        widgets = {"birth_date": DateInput(), "permit_date": DateInput()}
        error_messages = {"v_number": {"unique": _("A resident with this V-number already exists.")}}

    def clean_v_number(self):
        value = "".join(self.cleaned_data["v_number"].split())
        validate_v_number(value)
        clash = Resident.objects.filter(v_number=value).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("A resident with this V-number already exists."), code="unique")
        return value


class BaseResidentFormSet(forms.BaseInlineFormSet):
    default_error_messages = {"too_few_forms": _("Add at least one resident.")}

    def clean(self):
        # Before Django's own uniqueness check across the forms, so the message names the problem.
        seen = set()
        for form in self.forms:
            number = form.cleaned_data.get("v_number") if hasattr(form, "cleaned_data") else None
            if number and number in seen:
                form.add_error("v_number", _("This V-number appears twice in this household."))
            seen.add(number)
        super().clean()


# The most resident rows one household form takes (and the page offers).
MAX_RESIDENTS = 30


def resident_formset_class(extra=1):
    """Residents entered with their household; at least one. `extra` empty rows for more."""
    return forms.inlineformset_factory(
        Household,
        Resident,
        form=ResidentForm,
        formset=BaseResidentFormSet,
        extra=extra,
        min_num=1,
        validate_min=True,
        # A forged residents-TOTAL_FORMS would otherwise make Django build up to 2,000 forms per
        # request (a cheap denial of service).
        max_num=MAX_RESIDENTS,
        validate_max=True,
        absolute_max=MAX_RESIDENTS,
        can_delete=False,
    )


ResidentFormSet = resident_formset_class()


class CareForm(forms.ModelForm):
    """GP and health insurance of one resident: the care gap of SPEC §1."""

    class Meta:
        model = Resident
        fields = ["gp_practice", "gp_registered_on", "health_insurance", "insured_since"]
        widgets = {"gp_registered_on": DateInput(), "insured_since": DateInput()}

    def clean(self):
        data = super().clean()
        if data.get("gp_registered_on") and not data.get("gp_practice"):
            self.add_error("gp_practice", _("Enter the GP practice that goes with the registration date."))
        if data.get("insured_since") and data.get("health_insurance") != Resident.Insurance.INSURED:
            self.add_error("health_insurance", _("A date ‘insured since’ needs the status ‘insured’."))
        return data


class HouseholdReferenceField(forms.ModelChoiceField):
    """A household by its number (from a link or the one-option select) or by its typed reference."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not value.strip().isdigit():
            try:
                return self.queryset.get(reference__iexact=value.strip())
            except (Household.DoesNotExist, Household.MultipleObjectsReturned):
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None
        return super().to_python(value)


class PlacementForm(forms.Form):
    """Place a household into a property; the view hands the cleaned data to place_household().

    At national scale a <select> of every household (50,000) and property (10,000) in scope made this
    page slow. So the household select offers only the household chosen (the household page
    links here with `?household=<pk>`); without one it is a text field for the household reference.
    The property select offers the properties with a free place today (and the one chosen). Validation
    still accepts every household and property in scope, so a full property gets its own message.
    """

    household = HouseholdReferenceField(queryset=Household.objects.none(), label=_("Household"))
    property = forms.ModelChoiceField(
        queryset=Property.objects.none(), label=_("Property"), widget=FastSelect
    )
    kind = forms.ChoiceField(choices=Placement.Kind.choices, label=_("Kind of placement"))
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    planned_end = forms.DateField(
        label=_("Planned end"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: six months after the start for HAR and transit housing."),
    )
    extension_reason = forms.CharField(
        label=_("Extension reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when a temporary placement lasts longer than 12 months."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = Household.objects.visible_to(user).active()
        self.fields["household"].label_from_instance = lambda h: h.reference
        self.fields["property"].queryset = (
            Property.objects.visible_to(user).open().select_related("municipality")
        )
        self.fields["property"].label_from_instance = lambda p: (
            f"{p.name} ({p.municipality.name}, {p.capacity})"
        )
        self._limit_choices()

    def _chosen(self, name):
        value = self[name].value()
        value = str(value).strip() if value is not None else ""
        if not value.isdigit():
            return None
        return self.fields[name].queryset.filter(pk=int(value)).first()

    def _limit_choices(self):
        household_field = self.fields["household"]
        household = self._chosen("household")
        if household is None:
            household_field.widget = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
            household_field.help_text = _(
                "The household reference, such as HH-7K3Q9PXM. Or start from the household's page."
            )
        else:
            household_field.widget = FastSelect(choices=[(household.pk, household.reference)])
        # A callable: the list is built only when the form is shown, not for a submission that goes
        # through (for a superuser at national scale that list takes ~200 ms). Cached, because
        # rendering a <select> reads the choices twice (the `required` check and the options).
        self.fields["property"].widget.choices = functools.cache(self._property_choices)

    def _property_choices(self):
        property_field = self.fields["property"]
        with_room = property_field.queryset.with_occupancy(timezone.localdate()).filter(free_now__gt=0)
        chosen = self._chosen("property")
        options = list(with_room.order_by("name", "pk"))
        if chosen is not None and chosen.pk not in {p.pk for p in options}:
            options.insert(0, chosen)
        return [("", property_field.empty_label)] + [
            (p.pk, property_field.label_from_instance(p)) for p in options
        ]

    def clean(self):
        data = super().clean()
        start, planned_end = data.get("start_date"), data.get("planned_end")
        if start and planned_end and planned_end <= start:
            self.add_error("planned_end", _("The planned end date must be after the start date."))
        return data


class EndPlacementForm(forms.Form):
    end_date = forms.DateField(
        label=_("Move-out date"), widget=DateInput(), help_text=_("The day itself no longer counts.")
    )
    outflow = forms.ChoiceField(label=_("Outflow"), choices=[("", _("Choose…")), *Placement.Outflow.choices])
