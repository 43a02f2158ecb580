"""The art. 29 quota computation form and the supervision page's province chooser."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from housing.periods import Period


class QuotaComputationForm(forms.Form):
    period = forms.CharField(
        label=gettext_lazy("Period"), max_length=7, help_text=gettext_lazy("For example 2025-H2.")
    )
    national_number = forms.IntegerField(
        label=gettext_lazy("National number (vg)"),
        min_value=1,
        max_value=1_000_000,
        help_text=gettext_lazy("The number of status holders the minister published for this half-year."),
    )
    source = forms.CharField(
        label=gettext_lazy("Source of the national number"),
        max_length=300,
        help_text=gettext_lazy("For example the letter or Staatscourant publication that announced it."),
    )
    is_example = forms.BooleanField(
        label=gettext_lazy("This is an example figure, not the published one"), required=False
    )
    population_year = forms.IntegerField(
        label=gettext_lazy("Older population year (estimate only)"),
        required=False,
        min_value=1900,
        max_value=2100,
        help_text=gettext_lazy(
            "Leave empty to use what the law prescribes: 1 January of the year before the period. "
            "An older year gives an estimate, and every screen says so."
        ),
    )

    def clean_period(self):
        try:
            return Period.parse(self.cleaned_data["period"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self):
        cleaned = super().clean()
        period, year = cleaned.get("period"), cleaned.get("population_year")
        if period is not None and year is not None and year >= period.year:
            self.add_error(
                "population_year",
                _("Period %(period)s uses the population of 1 January %(year)s, not of a later year.")
                % {"period": period, "year": period.year - 1},
            )
        return cleaned


class ProvinceForm(forms.Form):
    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False)

    def __init__(self, data=None, *, provinces, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["province"].choices = [(p, p) for p in provinces]


class RedistributionForm(forms.Form):
    """The decision date and an agreed quota per member municipality (fields `member_<pk>`)."""

    decided_on = forms.DateField(
        label=gettext_lazy("Decision date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("The date the members decided on the redistribution."),
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, data=None, *, members, **kwargs):
        """`members`: (municipality id, name, statutory quota, current agreed quota) per member."""
        super().__init__(data, **kwargs)
        self.members = members
        for pk, name, statutory, agreed in members:
            self.fields[f"member_{pk}"] = forms.IntegerField(
                label=name,
                min_value=0,
                max_value=1_000_000,
                initial=agreed,
                help_text=_("Statutory quota: %(statutory)s")
                % {"statutory": "—" if statutory is None else statutory},
            )

    def agreed(self):
        return {pk: self.cleaned_data[f"member_{pk}"] for pk, _name, _statutory, _agreed in self.members}
