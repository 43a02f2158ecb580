"""Scope in the admin site: pioneers see and choose only records of their own municipalities.

Every admin class of the project mixes in `ScopedAdminMixin` (model admins) or
`ScopedInlineMixin` (inlines). Both narrow the changelist, the change page (an out-of-scope pk is
a 404 because `get_object` goes through `get_queryset`) and every foreign-key and many-to-many
choice through the same `visible_to(user)` queryset methods the views use (housing/scope.py).
Superusers see everything.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DataError, transaction
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext as _

from housing import scope
from housing.refusals import with_refusal_notes


def visible_choices(model, user):
    """The records of `model` that `user` may pick in a form field."""
    queryset = model._default_manager.all()
    if getattr(user, "is_superuser", False):
        return queryset
    label = model._meta.label_lower
    if label == "housing.municipality":
        return queryset.visible_to(user, personal=True)
    if label == "housing.organisation":
        return scope_organisations(queryset, user)
    if model is get_user_model():
        # Only pioneers can be named as an agreement's pioneer.
        return queryset.filter(groups__name=scope.PIONEER).distinct()
    if hasattr(queryset, "visible_to"):
        return queryset.visible_to(user)
    return queryset


def scope_organisations(queryset, user):
    """Organisations are not personal data; a pioneer sees those of their municipalities and the
    national ones (no municipality)."""
    ids = scope.municipality_ids(user)
    if ids is scope.ALL:
        return queryset
    return queryset.filter(Q(municipality__in=ids or []) | Q(municipality__isnull=True))


class _ScopedChoicesMixin:
    """Foreign-key and many-to-many choices limited to what the user may see."""

    def _current_related_pk(self, request, db_field):
        obj = getattr(request, "_scoped_admin_obj", None)
        if obj is None or obj._meta.model is not self.model:
            return None
        return getattr(obj, db_field.attname, None)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            related = db_field.related_model
            queryset = visible_choices(related, request.user)
            current = self._current_related_pk(request, db_field)
            if current is not None and not request.user.is_superuser:
                # Keep the value a record already has (e.g. a household linked to another
                # municipality but placed in ours), so saving the form does not fail on it.
                queryset = related._default_manager.filter(Q(pk__in=queryset.values("pk")) | Q(pk=current))
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = visible_choices(db_field.related_model, request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class SafeChangelistMixin:
    """A filter in the address that the database cannot use — a list where one id belongs, a year of
    40 digits — drops the filters with a Dutch message instead of answering with a server error.

    Django's admin catches only the lookups it knows to be wrong; these fail later, when the query
    runs, so the page is rendered here, inside a savepoint that such a failure rolls back.
    """

    def changelist_view(self, request, extra_context=None):
        try:
            with transaction.atomic():
                response = super().changelist_view(request, extra_context)
                if hasattr(response, "render"):
                    response.render()
        except (ValueError, OverflowError, ValidationError, DataError):
            messages.error(
                request, _("A filter in the address could not be used; the list shows everything.")
            )
            return HttpResponseRedirect(request.path)
        return response


class ScopedAdminMixin(SafeChangelistMixin, _ScopedChoicesMixin):
    """For ModelAdmin classes. Override `scope_queryset` for a model without `visible_to`."""

    def scope_queryset(self, request, queryset):
        return queryset.visible_to(request.user)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return self.scope_queryset(request, queryset)

    def get_form(self, request, obj=None, change=False, **kwargs):
        request._scoped_admin_obj = obj
        # A posted id outside the scope is refused as an invalid choice and noted for the access log.
        return with_refusal_notes(super().get_form(request, obj, change=change, **kwargs))

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects with "does not exist"; out of scope must look like not found (404),
        # the same answer the rest of the application gives.
        raise Http404


class ScopedInlineMixin(_ScopedChoicesMixin):
    """For inlines: only visible rows, only visible choices."""

    def scope_queryset(self, request, queryset):
        return queryset.visible_to(request.user)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return self.scope_queryset(request, queryset)

    def _current_related_pk(self, request, db_field):
        return None

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = with_refusal_notes(formset.form)
        return formset


class NoDeleteMixin:
    """Records with history are archived, never deleted (SPEC §5)."""

    def has_delete_permission(self, request, obj=None):
        return False
