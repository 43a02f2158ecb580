"""Forms that validate the query strings of the figures pages.

Bad values never cause an error page: the form reports them (in Dutch) and the view falls back to
its default for that field.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from figures import signals
from front.widgets import FastSelect
from housing.periods import Period

PERIODS_BACK = 6  # half-years offered before the current one


def period_choices(selected=None, today=None):
    current = Period.containing(today or timezone.localdate())
    periods = [current.next()]
    for _index in range(PERIODS_BACK + 1):
        periods.append(periods[-1].previous())
    if selected and selected not in periods:
        periods.append(selected)
    periods.sort(reverse=True)
    return [(str(p), str(p)) for p in periods]


class FallbackForm(forms.Form):
    """A GET form whose invalid fields are dropped, not fatal."""

    def value(self, name, default=None):
        if not self.is_bound:
            return default
        self.is_valid()
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value

    def messages(self):
        self.is_valid()
        return [message for errors in self.errors.values() for message in errors]


class SelectionForm(FallbackForm):
    """period / municipality (CBS code) / region (pk), each optional and checked against the scope."""

    period = forms.CharField(label=gettext_lazy("Period"), required=False, widget=FastSelect)
    municipality = forms.CharField(label=gettext_lazy("Municipality"), required=False, widget=FastSelect)
    region = forms.CharField(label=gettext_lazy("Region"), required=False, widget=FastSelect)

    def __init__(self, data=None, *, municipalities=(), regions=(), with_region=True, **kwargs):
        """`municipalities`: (pk, cbs_code, name) the user may choose; `regions`: (pk, name)."""
        super().__init__(data, **kwargs)
        self.municipalities = {code: (pk, name) for pk, code, name in municipalities}
        self.regions = {str(pk): name for pk, name in regions}
        selected = None
        if data and data.get("period"):
            try:
                selected = Period.parse(data["period"])
            except ValueError:
                selected = None
        self.fields["period"].widget.choices = [("", _("Current period"))] + period_choices(selected)
        self.fields["municipality"].widget.choices = [("", _("All municipalities"))] + [
            (code, f"{name} ({code})") for code, (_pk, name) in self.municipalities.items()
        ]
        if with_region:
            self.fields["region"].widget.choices = [("", _("All regions"))] + list(self.regions.items())
        else:
            del self.fields["region"]

    def clean_period(self):
        value = (self.cleaned_data.get("period") or "").strip()
        if not value:
            return None
        try:
            return Period.parse(value)
        except ValueError as exc:
            raise forms.ValidationError(
                _("Unknown period “%(value)s”: use the form 2026-H2. The current period is shown.")
                % {"value": value}
            ) from exc

    def clean_municipality(self):
        value = (self.cleaned_data.get("municipality") or "").strip().upper()
        if not value:
            return None
        if value not in self.municipalities:
            raise forms.ValidationError(
                _("Unknown municipality “%(value)s”. All municipalities in your scope are shown.")
                % {"value": value}
            )
        pk, name = self.municipalities[value]
        return {"pk": pk, "cbs_code": value, "name": name}

    def clean_region(self):
        value = (self.cleaned_data.get("region") or "").strip()
        if not value:
            return None
        if value not in self.regions:
            raise forms.ValidationError(
                _("Unknown region “%(value)s”. All municipalities in your scope are shown.")
                % {"value": value}
            )
        return {"pk": int(value), "name": self.regions[value]}


class SignalFilterForm(SelectionForm):
    kind = forms.ChoiceField(label=gettext_lazy("Signal"), required=False)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, with_region=False, **kwargs)
        del self.fields["period"]
        self.fields["kind"].choices = [("", _("All signals"))] + [
            (kind, label) for kind, label in signals.KIND_LABELS.items()
        ]
        self.order_fields(["kind", "municipality"])

    def clean_kind(self):
        value = self.cleaned_data.get("kind")
        return value or None


SORT_FIELDS = ("name", "cbs_code", "province", "target", "realised", "temporary", "remaining", "actual_task")


class MunicipalityListForm(FallbackForm):
    period = forms.CharField(label=gettext_lazy("Period"), required=False, widget=FastSelect)
    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False)
    q = forms.CharField(label=gettext_lazy("Name or CBS code"), required=False, max_length=100)
    ordering = forms.ChoiceField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, provinces=(), **kwargs):
        super().__init__(data, **kwargs)
        selected = None
        if data and data.get("period"):
            try:
                selected = Period.parse(data["period"])
            except ValueError:
                selected = None
        self.fields["period"].widget.choices = [("", _("Current period"))] + period_choices(selected)
        self.fields["province"].choices = [("", _("All provinces"))] + [(p, p) for p in provinces if p]
        self.fields["ordering"].choices = [("", "")] + [
            (value, value) for field in SORT_FIELDS for value in (field, f"-{field}")
        ]

    clean_period = SelectionForm.clean_period

    def clean_province(self):
        return self.cleaned_data.get("province") or None
