"""Forms for households, residents, their care status and placements. Choices come from the user's
scope; placements themselves are created only by residents.services.place_household."""

import functools

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from front.forms.concurrency import UnchangedSinceLoadedMixin
from front.forms.housing import DateInput
from front.widgets import FastSelect
from housing.models import Municipality, Organisation, Property
from housing.refusals import NotesRefusedChoicesMixin
from residents.models import Household, Placement, Resident
from residents.validators import validate_v_number
from residents.vnumbers import check_v_number_free


def planned_end_field():
    """The planned end of a new placement: empty gives the default of its kind."""
    return forms.DateField(
        label=_("Planned end"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: six months after the start for HAR and transit housing."),
    )


class HouseholdForm(NotesRefusedChoicesMixin, UnchangedSinceLoadedMixin, forms.ModelForm):
    class Meta:
        model = Household
        fields = [
            "municipality",
            "category",
            "support_organisation",
            "linked_on",
            "members",
            "needs_step_free",
            "reunification_expected_members",
            "reunification_applied_on",
            "reunification_expected_on",
            "reunification_arrived_on",
        ]
        widgets = {
            "linked_on": DateInput(),
            "reunification_applied_on": DateInput(),
            "reunification_expected_on": DateInput(),
            "reunification_arrived_on": DateInput(),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = Municipality.objects.visible_to(user, personal=True)
        self.fields["municipality"].queryset = municipalities.active()
        if not self.is_bound and self.instance.pk is None and "municipality" not in self.initial:
            only = list(municipalities.active().values_list("pk", flat=True)[:2])
            if len(only) == 1:  # one municipality in scope: nothing to choose
                self.initial["municipality"] = only[0]
        if not self.is_bound and self.instance.pk is None:
            self.initial.setdefault("linked_on", timezone.localdate())
        # Not recorded unless someone says: a form posted without it (an older page) keeps working.
        self.fields["members"].required = False

    def clean_members(self):
        return self.cleaned_data.get("members") or self.instance.members or Household.Members.UNKNOWN
        self.fields["support_organisation"].queryset = Organisation.objects.filter(
            kind__in=[
                Organisation.Kind.VLUCHTELINGENWERK,
                Organisation.Kind.WELFARE,
                Organisation.Kind.NIDOS,
                Organisation.Kind.MUNICIPALITY,
                Organisation.Kind.OTHER,
            ]
        )


class ResidentForm(UnchangedSinceLoadedMixin, forms.ModelForm):
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

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_v_number(self):
        """A V-number of another resident is refused: named when in the user's scope, with a neutral
        message otherwise (residents/vnumbers.py says why)."""
        value = "".join(self.cleaned_data["v_number"].split())
        validate_v_number(value)
        check_v_number_free(value, self.user, exclude_pk=self.instance.pk)
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


class CareForm(UnchangedSinceLoadedMixin, forms.ModelForm):
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


class PlacementForm(NotesRefusedChoicesMixin, forms.Form):
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
    planned_end = planned_end_field()
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
        self.fields["property"].label_from_instance = self._property_label
        self._limit_choices()

    @staticmethod
    def _property_label(prop):
        free = getattr(prop, "free_now", None)
        if free is None:
            return f"{prop.name} ({prop.municipality.name})"
        return _("%(name)s (%(municipality)s, %(free)s of %(capacity)s places free)") % {
            "name": prop.name,
            "municipality": prop.municipality.name,
            "free": max(free, 0),
            "capacity": prop.capacity,
        }

    def _chosen(self, name, queryset=None):
        value = self[name].value()
        value = str(value).strip() if value is not None else ""
        if not value.isdigit():
            return None
        queryset = self.fields[name].queryset if queryset is None else queryset
        return queryset.filter(pk=int(value)).first()

    def _limit_choices(self):
        household_field = self.fields["household"]
        with_size = self.fields["household"].queryset.annotate(size=models.Count("residents"))
        household = self._chosen("household", with_size)
        if household is None:
            household_field.widget = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
            household_field.help_text = _(
                "The household reference, such as HH-7K3Q9PXM. Or start from the household's page."
            )
        else:
            household_field.widget = FastSelect(choices=[(household.pk, household.reference)])
            size = household.size
            household_field.help_text = ngettext_lazy(
                "%(count)s person: every resident of the household is placed.",
                "%(count)s persons: every resident of the household is placed together.",
                size,
            ) % {"count": size}
            self.household_size = size
        # BoundField copies the help text when it is first built (by _chosen above): build it again.
        self._bound_fields_cache.pop("household", None)
        # A callable: the list is built only when the form is shown, not for a submission that goes
        # through (for a superuser at national scale that list takes ~200 ms). Cached, because
        # rendering a <select> reads the choices twice (the `required` check and the options).
        self.fields["property"].widget.choices = functools.cache(self._property_choices)

    def _property_choices(self):
        property_field = self.fields["property"]
        with_room = property_field.queryset.with_occupancy(timezone.localdate()).filter(free_now__gt=0)
        chosen = self._chosen("property", property_field.queryset.with_occupancy(timezone.localdate()))
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
    extension_reason = forms.CharField(
        label=_("Extension reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when a temporary placement lasts longer than 12 months."),
    )


class ExtendForm(forms.Form):
    """A new planned end for the household's temporary placements, with the reason (SPEC §5)."""

    planned_end = forms.DateField(label=_("New planned end"), widget=DateInput())
    extension_reason = forms.CharField(
        label=_("Extension reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Needed beyond 12 months after the start, for example: waiting for family reunification. "
            "Empty keeps the reason recorded before."
        ),
    )


class MoveForm(NotesRefusedChoicesMixin, forms.Form):
    """The household's next home from a chosen day: its current placements end that day."""

    property = forms.ModelChoiceField(
        queryset=Property.objects.none(), label=_("Next property"), widget=FastSelect
    )
    kind = forms.ChoiceField(
        choices=Placement.Kind.choices, label=_("Kind of placement"), initial=Placement.Kind.PERMANENT
    )
    day = forms.DateField(
        label=_("Moving day"),
        widget=DateInput(),
        help_text=_("The current placements end on this day and the new ones start on it."),
    )
    planned_end = planned_end_field()
    outflow = forms.ChoiceField(
        label=_("Outflow of the current placements"),
        required=False,
        choices=[("", _("Derived from the next home")), *Placement.Outflow.choices],
        help_text=_("Empty: a permanent home in the household's municipality or another one."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        properties = Property.objects.visible_to(user).open().select_related("municipality")
        self.fields["property"].queryset = properties
        self.fields["property"].label_from_instance = PlacementForm._property_label
        self.fields["property"].widget.choices = functools.cache(self._choices)

    def _choices(self):
        field = self.fields["property"]
        options = field.queryset.with_occupancy(timezone.localdate()).order_by("name", "pk")
        return [("", field.empty_label)] + [(p.pk, field.label_from_instance(p)) for p in options]

    def clean(self):
        data = super().clean()
        day, planned_end = data.get("day"), data.get("planned_end")
        if day and planned_end and planned_end <= day:
            self.add_error("planned_end", _("The planned end date must be after the start date."))
        return data


class PlacementEditForm(UnchangedSinceLoadedMixin, forms.ModelForm):
    """Corrections to one placement; saved through residents.services.change_placement."""

    class Meta:
        model = Placement
        fields = ["kind", "start_date", "planned_end", "end_date", "outflow", "extension_reason"]
        widgets = {
            "start_date": DateInput(),
            "planned_end": DateInput(),
            "end_date": DateInput(),
            "extension_reason": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        if data.get("end_date") and not data.get("outflow"):
            self.add_error("outflow", _("Choose the outflow that goes with the end date."))
        if data.get("outflow") and not data.get("end_date"):
            self.add_error("end_date", _("An outflow needs the end date it followed."))
        return data


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        max_length=100,
        help_text=_("Name, V-number, reference (HH-… or BW-…) or birth date (dd-mm-jjjj)."),
    )


class AddResidentForm(ResidentForm):
    """A resident added to an existing household, usually after family reunification."""

    arrived_on = forms.DateField(
        label=_("Arrived on"),
        required=False,
        widget=DateInput(),
        help_text=_("For family reunification: recorded as the household's arrival date when still open."),
    )
    join_current = forms.BooleanField(
        label=_("Join the household's current placement from the arrival date"),
        required=False,
        initial=True,
    )

    class Meta(ResidentForm.Meta):
        pass

    def clean(self):
        data = super().clean()
        if data.get("join_current") and not data.get("arrived_on"):
            self.add_error(
                "arrived_on", _("Enter the arrival date from which the resident joins the placement.")
            )
        return data
