"""Buddies and their matches with households. Choices are limited to the user's scope; the match
rules themselves are BuddyMatch.clean (checked again by buddies.services under a lock)."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buddies.models import Buddy, BuddyMatch
from front.forms.concurrency import UnchangedSinceLoadedMixin
from front.forms.housing import DateInput
from housing.models import Municipality, Organisation
from housing.refusals import NotesRefusedChoicesMixin
from residents.models import Household
from residents.names import household_names


class BuddyForm(NotesRefusedChoicesMixin, UnchangedSinceLoadedMixin, forms.ModelForm):
    class Meta:
        model = Buddy
        fields = ["name", "email", "phone", "municipality", "organisation", "languages", "vog_date", "active"]
        widgets = {"vog_date": DateInput()}
        help_texts = {"languages": _("For example: Dutch, Arabic, Tigrinya.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = Municipality.objects.visible_to(user, personal=True)
        self.fields["municipality"].queryset = municipalities.active()
        self.fields["organisation"].queryset = Organisation.objects.filter(
            Q(municipality__in=municipalities) | Q(municipality__isnull=True)
        )
        self.fields["email"].widget.attrs.update({"autocomplete": "off"})
        self.fields["phone"].widget.attrs.update({"autocomplete": "off", "inputmode": "tel"})
        if self.instance.pk is None:
            del self.fields["active"]  # a new buddy is active

    def clean_vog_date(self):
        value = self.cleaned_data.get("vog_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The certificate of conduct date cannot be in the future."))
        return value


class BuddyMatchForm(NotesRefusedChoicesMixin, forms.ModelForm):
    """Start a match. Households are shown by name to the roles that may see names."""

    class Meta:
        model = BuddyMatch
        fields = ["household", "buddy", "start_date"]
        widgets = {"start_date": DateInput()}
        help_texts = {"start_date": _("Today at the latest: a match is recorded once it has started.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        matched = BuddyMatch.objects.active_on(today).values("household")
        households = Household.objects.visible_to(user).active().exclude(pk__in=matched).order_by("reference")
        self.fields["household"].queryset = households
        names = _LazyNames(households)
        self.fields["household"].label_from_instance = lambda h: names.label(h)
        self.fields["household"].help_text = _("Only households without a buddy at the moment.")
        self.fields["buddy"].queryset = Buddy.objects.visible_to(user).active().select_related("municipality")
        self.fields["buddy"].label_from_instance = lambda b: f"{b.name} ({b.municipality.name})"
        self.fields["start_date"].widget.attrs["max"] = today.isoformat()


class _LazyNames:
    """The family names of the households offered, read in one query when the choices render."""

    def __init__(self, households):
        self.households = households
        self.names = None

    def label(self, household):
        if self.names is None:
            self.names = household_names(self.households.values_list("pk", flat=True))
        name = self.names.get(household.pk)
        return f"{name} ({household.reference})" if name else household.reference


class MatchEndForm(forms.Form):
    end_date = forms.DateField(
        label=_("End date"), widget=DateInput(), help_text=_("The first day without this buddy.")
    )


class MatchEditForm(UnchangedSinceLoadedMixin, forms.ModelForm):
    """Correct a match's dates."""

    class Meta:
        model = BuddyMatch
        fields = ["start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        help_texts = {"end_date": _("Leave empty while the match continues.")}
