"""Intent agreements and their contact moments, for pioneers. Choices are limited to the user's
scope; the rules (≥ 25 persons, the college-decision rule, the status steps) live on the model and
in housing.services."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from front.forms.concurrency import UnchangedSinceLoadedMixin
from front.forms.housing import DateInput
from housing import scope
from housing.models import Activity, IntentAgreement, Municipality, Organisation
from housing.refusals import NotesRefusedChoicesMixin


def _user_label(user):
    return user.get_full_name() or user.get_username()


class AgreementForm(NotesRefusedChoicesMixin, UnchangedSinceLoadedMixin, forms.ModelForm):
    """Create or correct an agreement. Its status moves by AgreementStepForm, one step at a time."""

    class Meta:
        model = IntentAgreement
        fields = [
            "municipality",
            "partners",
            "committed_persons",
            "pioneer",
            "college_decision_date",
            "signed_on",
            "notes",
        ]
        widgets = {
            "college_decision_date": DateInput(),
            "signed_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "partners": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "committed_persons": _("At least 25 status holders."),
            "college_decision_date": _("Required from status ‘signed’ on."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = Municipality.objects.visible_to(user, personal=True).active()
        self.fields["municipality"].queryset = municipalities
        self.fields["partners"].queryset = municipalities
        self.fields["partners"].help_text = _("Municipalities that take part besides the lead municipality.")
        self.fields["pioneer"].queryset = (
            get_user_model().objects.filter(is_active=True, groups__name=scope.PIONEER).order_by("username")
        )
        self.fields["pioneer"].label_from_instance = _user_label
        self.fields["committed_persons"].widget.attrs["min"] = IntentAgreement.MIN_PERSONS
        if self.instance.pk is None:
            # A new agreement starts at "contact": no decision or signing yet.
            del self.fields["college_decision_date"]
            del self.fields["signed_on"]

    def clean_committed_persons(self):
        value = self.cleaned_data.get("committed_persons")
        if value is not None and value < IntentAgreement.MIN_PERSONS:
            raise forms.ValidationError(
                _("An intent agreement is for at least %(minimum)s status holders.")
                % {"minimum": IntentAgreement.MIN_PERSONS}
            )
        return value


class AgreementStepForm(forms.Form):
    status = forms.ChoiceField(label=_("Next status"))
    college_decision_date = forms.DateField(
        label=_("College decision date"),
        required=False,
        widget=DateInput(),
        help_text=_("Needed for ‘signed’."),
    )
    signed_on = forms.DateField(
        label=_("Signed on"),
        required=False,
        widget=DateInput(),
        help_text=_("Needed for ‘signed’; not before the college decision."),
    )

    def __init__(self, *args, agreement, **kwargs):
        kwargs.setdefault(
            "initial",
            {"college_decision_date": agreement.college_decision_date, "signed_on": agreement.signed_on},
        )
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (s, IntentAgreement.Status(s).label) for s in agreement.next_statuses()
        ]


class ActivityForm(NotesRefusedChoicesMixin, UnchangedSinceLoadedMixin, forms.ModelForm):
    """A contact moment on an agreement's page: with the lead municipality or a partner."""

    class Meta:
        model = Activity
        fields = ["date", "kind", "municipality", "organisations", "summary"]
        widgets = {
            "date": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "organisations": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, agreement, user, **kwargs):
        super().__init__(*args, **kwargs)
        if agreement is not None:
            ids = [agreement.municipality_id, *agreement.partners.values_list("pk", flat=True)]
            self.fields["municipality"].initial = agreement.municipality_id
        else:  # an activity recorded without an agreement (in the admin): any municipality in scope
            ids = list(Municipality.objects.visible_to(user, personal=True).values_list("pk", flat=True))
        self.fields["municipality"].queryset = Municipality.objects.filter(pk__in=ids)
        self.fields["organisations"].queryset = Organisation.objects.filter(
            Q(municipality__in=ids) | Q(municipality__isnull=True)
        ).order_by("name")
        self.instance.agreement = agreement
