"""Forms of the query strings of the figures pages.

Bad values never cause an error page: the form reports them (in Dutch) and the view falls back to
its default for that field. Period, municipality and region are read and checked by
figures.selection; these forms render their choosers and check the page's other fields.
"""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from figures import signals
from front.widgets import FastSelect


def _selection_field(label):
    """A chooser of a selection part: rendered here, read and checked by figures.selection."""
    return forms.Field(label=label, required=False, widget=FastSelect)


class FallbackForm(forms.Form):
    """A GET form whose invalid fields are dropped, not fatal.

    Its period / municipality / region fields only render the choosers of `selection`
    (figures.selection.Selection), which read and checked those values; the selection's messages
    are their errors."""

    selection_fields = ("period", "municipality", "region")

    def __init__(self, data=None, *, selection=None, **kwargs):
        super().__init__(data, **kwargs)
        self.selection = selection
        if selection is None:
            return
        choices = {
            "period": [("", _("Current period"))] + [(str(p), str(p)) for p in selection.periods],
            "municipality": [("", _("All municipalities"))]
            + [(code, f"{name} ({code})") for _pk, code, name in selection.municipality_choices],
            "region": [("", _("All regions"))] + [(str(pk), name) for pk, name in selection.region_choices],
        }
        for name in self.selection_fields:
            if name in self.fields:
                self.fields[name].widget.choices = choices[name]

    def value(self, name, default=None):
        if not self.is_bound:
            return default
        self.is_valid()
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value

    def clean(self):
        """The selection's messages become errors of their fields, shown beside the chooser."""
        cleaned_data = super().clean()
        if self.selection is not None:
            for name, message in self.selection.messages:
                if name in self.fields:
                    self.add_error(name, message)
        return cleaned_data

    def messages(self):
        self.is_valid()
        return [message for name in self.fields for message in self.errors.get(name, [])]


class SelectionForm(FallbackForm):
    """period / municipality (CBS code) / region (pk), each optional; checked by the selection."""

    period = _selection_field(gettext_lazy("Period"))
    municipality = _selection_field(gettext_lazy("Municipality"))
    region = _selection_field(gettext_lazy("Region"))


class SignalFilterForm(SelectionForm):
    kind = forms.ChoiceField(label=gettext_lazy("Signal"), required=False)
    state = forms.ChoiceField(
        label=gettext_lazy("State"),
        required=False,
        choices=[
            ("", gettext_lazy("Open")),
            ("handled", gettext_lazy("Handled")),
            ("snoozed", gettext_lazy("Snoozed")),
            ("all", gettext_lazy("All")),
        ],
    )
    ordering = forms.ChoiceField(
        label=gettext_lazy("Sort by"),
        required=False,
        choices=[("", gettext_lazy("Date, oldest first")), ("-date", gettext_lazy("Date, newest first"))],
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        del self.fields["period"]
        del self.fields["region"]
        self.fields["kind"].choices = [("", _("All signals"))] + [
            (kind, label) for kind, label in signals.KIND_LABELS.items()
        ]
        self.order_fields(["kind", "municipality"])

    def clean_kind(self):
        value = self.cleaned_data.get("kind")
        return value or None


SORT_FIELDS = ("name", "cbs_code", "province", "target", "realised", "temporary", "remaining", "actual_task")


class MunicipalityListForm(FallbackForm):
    period = _selection_field(gettext_lazy("Period"))
    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False)
    q = forms.CharField(label=gettext_lazy("Name or CBS code"), required=False, max_length=100)
    ordering = forms.ChoiceField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, provinces=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["province"].choices = [("", _("All provinces"))] + [(p, p) for p in provinces if p]
        self.fields["ordering"].choices = [("", "")] + [
            (value, value) for field in SORT_FIELDS for value in (field, f"-{field}")
        ]

    def clean_province(self):
        return self.cleaned_data.get("province") or None


class SignalStateForm(forms.Form):
    """What was done about a signal (a POST form, unlike the filters above)."""

    action = forms.ChoiceField(
        label=gettext_lazy("What happens with this signal?"),
        choices=[
            ("handled", gettext_lazy("Handled")),
            ("snoozed", gettext_lazy("Snooze until a date")),
            ("open", gettext_lazy("Open again")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What was done or agreed. Required when handled."),
    )
    snoozed_until = forms.DateField(
        label=gettext_lazy("Snoozed until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("The signal is open again from this day."),
    )
