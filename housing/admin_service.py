"""Admin saves that go through a service function (residents/services.py), so the admin keeps the
same rules and row locks as the pages instead of re-implementing them in its forms.

A service refuses with a ValidationError only once it holds its locks, which is after the admin's
form has been validated. `ServiceSaveMixin` turns such a refusal into an error on the form: the
attempt's transaction (ModelAdmin.changeform_view runs each POST in one) is rolled back, so nothing
is saved, and the same POST is shown again with the refusal as the form's error.
"""

from django.core.exceptions import ValidationError


class _Refused(Exception):
    def __init__(self, error):
        super().__init__(error)
        self.error = error


class ServiceSaveMixin:
    """For a ModelAdmin: implement `save_through_service(request, obj, form, change)`, which saves
    `obj` (a new object must end up with its pk set) or raises ValidationError."""

    def save_through_service(self, request, obj, form, change):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        try:
            self.save_through_service(request, obj, form, change)
        except ValidationError as error:
            raise _Refused(error) from error

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _Refused as refused:
            # Raised inside changeform_view's transaction, which rolled back on the way out.
            request._service_refusal = refused.error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        refusal = getattr(request, "_service_refusal", None)
        if refusal is None:
            return form

        class RefusedForm(form):
            def clean(self):
                cleaned = super().clean()
                error = refusal
                if hasattr(error, "error_dict") and not set(error.error_dict) <= set(self.fields):
                    error = ValidationError(error.messages)
                self.add_error(None, error)
                return cleaned

        RefusedForm.__name__ = form.__name__
        return RefusedForm
