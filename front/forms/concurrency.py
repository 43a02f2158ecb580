"""Edit forms refuse to overwrite a change made by someone else since the form was opened.

The form carries, signed, the values it was opened with (a hidden field); when it is sent, those are
compared with the record as it is now. If another user saved in between, nothing is saved and the
form says which fields changed and what they are now; sending it again (after checking) saves, as
the hidden field then carries the new values. Without this, the second of two people editing one
property or care record at the same time silently undid the first one's change.
"""

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SALT = "thuisgevers.front.loaded-state"


def _stored_values(instance, names):
    values = {}
    for name in names:
        field = instance._meta.get_field(name)
        if field.many_to_many or not field.concrete:
            continue
        value = getattr(instance, field.attname)
        values[name] = None if value is None else str(value)
    return values


class UnchangedSinceLoadedMixin:
    """For ModelForms that edit an existing record (no effect on a new one)."""

    loaded_state_field = "loaded_state"
    #: After a valid submission: the values the form was opened with, for a service that checks them
    #: again under its row lock (residents.services.save_property).
    loaded_values = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._stored = None
        if self.instance.pk is None:
            return
        names = [name for name in self.fields if name in {f.name for f in self.instance._meta.get_fields()}]
        self._stored = _stored_values(self.instance, names)
        self.fields[self.loaded_state_field] = forms.CharField(
            widget=forms.HiddenInput,
            required=False,
            initial=signing.dumps(self._stored, salt=SALT, compress=True),
            label=gettext_lazy("Version"),
        )

    def clean(self):
        cleaned = super().clean()
        if self._stored is None or not self.is_bound:
            return cleaned
        token = self.data.get(self.add_prefix(self.loaded_state_field)) or ""
        if not token:
            return cleaned
        try:
            loaded = signing.loads(token, salt=SALT)
        except signing.BadSignature:
            loaded = {}
        changed = [name for name, value in self._stored.items() if loaded.get(name, value) != value]
        if not loaded or changed:
            self._refresh_token()
            raise forms.ValidationError(self._changed_message(changed), code="stale")
        self.loaded_values = {name: loaded[name] for name in self._stored if name in loaded}
        return cleaned

    def save_checked(self, save=None):
        """Run `save` (default: this form's save) in one transaction, after locking the record's
        row and checking again that nobody saved it since the form was opened. `clean()` checks
        before the lock; two saves at the same moment both pass that, and the second would undo
        the first. Raises ValidationError (code "stale", the changed fields named, nothing saved)."""
        save = save or self.save
        with transaction.atomic():
            if self.instance.pk is not None and self.loaded_values is not None:
                current = type(self.instance)._base_manager.select_for_update().get(pk=self.instance.pk)
                now = _stored_values(current, list(self.loaded_values))
                changed = [name for name, value in self.loaded_values.items() if now.get(name) != value]
                if changed:
                    self._stored = {**self._stored, **now}
                    self._refresh_token()
                    raise ValidationError(self._changed_message(changed), code="stale")
            return save()

    def _refresh_token(self):
        data = self.data.copy()
        data[self.add_prefix(self.loaded_state_field)] = signing.dumps(self._stored, salt=SALT, compress=True)
        self.data = data

    def _changed_message(self, changed):
        if not changed:
            return _("This form is out of date. Check the values and save again.")
        parts = []
        for name in changed:
            label = self.fields[name].label or name
            bound = self[name]
            value = self._stored[name]
            shown = dict(getattr(self.fields[name], "choices", []) or []).get(
                bound.field.to_python(value) if value is not None else None, value
            )
            parts.append(_("%(field)s is now “%(value)s”") % {"field": label, "value": shown or "—"})
        return _(
            "Someone else changed this in the meantime: %(changes)s. Nothing was saved. Check the form "
            "and save again to keep your values."
        ) % {"changes": "; ".join(parts)}
