"""Matching a buddy with a household. Choices are limited to the user's scope."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buddies.models import Buddy, BuddyMatch
from front.forms.housing import DateInput
from residents.models import Household


class BuddyMatchForm(forms.ModelForm):
    class Meta:
        model = BuddyMatch
        fields = ["household", "buddy", "start_date"]
        widgets = {"start_date": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        matched = BuddyMatch.objects.active_on(today).values("household")
        self.fields["household"].queryset = (
            Household.objects.visible_to(user).active().exclude(pk__in=matched)
        )
        self.fields["household"].label_from_instance = lambda h: h.reference
        self.fields["household"].help_text = _("Only households without a buddy at the moment.")
        self.fields["buddy"].queryset = Buddy.objects.visible_to(user).active().select_related("municipality")
        self.fields["buddy"].label_from_instance = lambda b: f"{b.name} ({b.municipality.name})"

    def clean(self):
        data = super().clean()
        household, start = data.get("household"), data.get("start_date")
        if household and start:
            overlapping = BuddyMatch.objects.filter(household=household).exclude(end_date__lte=start)
            if overlapping.exists():
                raise ValidationError(_("This household already has a buddy in this period."))
        return data
