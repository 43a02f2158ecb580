"""Refused attempts on records outside the user's scope, noticed where no request is at hand.

A form posted with the id of another municipality's property, household or buddy, or a V-number that
belongs to a resident elsewhere, is refused by code that has no request: a form's validation, an
import row, an admin form. Such code calls `note_refused(label, pk)`; the access-policy middleware
(`accounts.access`) collects the notes of the request it serves and, once the answer is ready,
writes each record that exists and lies outside the user's scope as a refused security event in
the access log (`accesslog.log.log_refused`). Writing after the answer also keeps the row when the
refusal happened inside a transaction that is rolled back (an import with bad rows).

Outside a request (a management command, a test calling a form directly) nothing is collected and
a note is dropped.
"""

import contextvars
from contextlib import contextmanager

from django import forms

_noted = contextvars.ContextVar("thuisgevers_refused_records", default=None)


@contextmanager
def collecting():
    """Collect the notes made while the block runs; yields the list of (label, pk, purpose)."""
    token = _noted.set([])
    try:
        yield _noted.get()
    finally:
        _noted.reset(token)


def note_refused(label, pk, *, purpose=""):
    """Note that a reference to record `pk` of model `label` (e.g. "housing.property") was refused.
    Whether it was an attempt outside the user's scope (and so a security event) is decided when the
    note is written: a record that does not exist, or that the user may see, is no such attempt."""
    noted = _noted.get()
    if noted is not None and pk not in (None, ""):
        noted.append((str(label).lower(), str(pk), purpose))


def _posted_values(form, name, field):
    value = form.data.getlist(form.add_prefix(name)) if hasattr(form.data, "getlist") else None
    if value is None:
        value = form.data.get(form.add_prefix(name))
        value = value if isinstance(value, (list, tuple)) else [value]
    return [str(v).strip() for v in value if v not in (None, "")]


class NotesRefusedChoicesMixin:
    """For forms whose model choices are limited to the user's scope: a posted id that is not among
    the choices is refused with Django's own message ("Selecteer een geldige keuze…", which says
    nothing about the record) and noted, so an id of another municipality's record lands in the
    access log as a refused attempt. A household may also be named by its reference."""

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or not self._errors:
            return
        for name, field in self.fields.items():
            if not isinstance(field, forms.ModelChoiceField) or name not in self._errors:
                continue
            codes = {error.code for error in self._errors.as_data()[name]}
            if not codes & {"invalid_choice", "invalid_pk_value"}:
                continue
            model = field.queryset.model
            label = model._meta.label_lower
            for value in _posted_values(self, name, field):
                if value.isascii() and value.isdigit() and len(value) < 19:
                    note_refused(label, int(value))
                elif any(f.name == "reference" for f in model._meta.fields):
                    pk = model._base_manager.filter(reference__iexact=value[:40]).values_list("pk", flat=True)
                    note_refused(label, pk.first())


def with_refusal_notes(form_class):
    """`form_class` with `NotesRefusedChoicesMixin` in front (for admin forms built by Django)."""
    if issubclass(form_class, NotesRefusedChoicesMixin):
        return form_class
    attrs = {"__module__": form_class.__module__}
    return type(form_class.__name__, (NotesRefusedChoicesMixin, form_class), attrs)
