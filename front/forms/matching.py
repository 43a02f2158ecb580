"""Forms for holds and proposals (issue 16). The rules live in residents.proposals; these forms
only read and check the input, with Dutch messages."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from front.forms.housing import DateInput
from residents.models import Hold, Placement, Proposal
from residents.proposals import PROPOSAL_ANSWER_DAYS


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(label=_("Placement kind"), choices=Placement.Kind.choices)
    start_date = forms.DateField(label=_("Proposed move-in date"), widget=DateInput())
    respond_by = forms.DateField(
        label=_("Answer by"),
        widget=DateInput(),
        help_text=_("The places stay held for the household until this day."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Readable by everyone who sees this household. No medical details."),
    )

    def __init__(self, *args, move_in=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.initial.setdefault("start_date", move_in or today)
        self.initial.setdefault("respond_by", today + dt.timedelta(days=PROPOSAL_ANSWER_DAYS))
        self.initial.setdefault("kind", Placement.Kind.TRANSIT)


class DecisionForm(forms.Form):
    ACCEPT, DECLINE = "accept", "decline"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ACCEPT, _("Accept: place the household")), (DECLINE, _("Decline"))],
        widget=forms.RadioSelect,
    )
    decline_reason = forms.ChoiceField(
        label=_("Reason for declining"),
        choices=[("", "—"), *Proposal.DeclineReason.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Readable by everyone who sees this household. No medical details."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.DECLINE and not data.get("decline_reason"):
            self.add_error("decline_reason", _("Choose the reason for declining."))
        return data


class HoldForm(forms.Form):
    places = forms.IntegerField(label=_("Places"), min_value=1, max_value=500)
    reason = forms.ChoiceField(
        label=_("Reason"), choices=[c for c in Hold.Reason.choices if c[0] != Hold.Reason.PROPOSAL]
    )
    end_date = forms.DateField(
        label=_("Held until"), widget=DateInput(), help_text=_("The places are free again on this day.")
    )

    def clean_end_date(self):
        end_date = self.cleaned_data["end_date"]
        if end_date <= timezone.localdate():
            raise forms.ValidationError(_("A hold ends after today."))
        return end_date
