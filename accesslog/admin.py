"""The access log in the admin: read-only for holders of `accesslog.view_accesslogentry`.

Nobody adds, changes or deletes entries here, superusers included: the permission methods below
answer False whatever the user's permissions, and there are no bulk actions.

Both shapes of entry are listed and searched alike: an entry about one record, and a bulk entry (an
export) whose records are in `AccessLogSubject`. Searching for a reference or record id finds the
bulk entries that name it too, and a bulk entry's page lists its records."""

from django.contrib import admin
from django.db.models import Q
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accesslog.models import AccessLogEntry, AccessLogSubject

#: Records listed on a bulk entry's page; the rest are counted.
SHOWN_RECORDS = 500


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    list_display = (
        "occurred_at",
        "actor_username",
        "action",
        "subject_type",
        "record",
        "result",
        "client_address",
        "purpose",
    )
    list_filter = ("action", "result", "subject_type", "occurred_at")
    # Exact matches: references are stored in capitals, so the search term is put in capitals and
    # the reference index is used (a case-insensitive match could not use it).
    search_fields = ("=actor_username", "subject_reference__exact", "=subject_id")  # see get_search_results
    date_hierarchy = "occurred_at"
    list_select_related = False
    show_full_result_count = False
    actions = None
    readonly_fields = [f.name for f in AccessLogEntry._meta.fields] + ["records"]

    @admin.display(description=_("pseudonymous reference"))
    def record(self, entry):
        if entry.subject_count is None:
            return entry.subject_reference
        return ngettext("%(count)d record", "%(count)d records", entry.subject_count) % {
            "count": entry.subject_count
        }

    @admin.display(description=_("records"))
    def records(self, entry):
        if entry.subject_count is None:
            return "-"
        shown = entry.subjects.order_by("subject_id").values_list("subject_id", "subject_reference")
        listed = format_html_join(", ", "{} ({})", shown[:SHOWN_RECORDS])
        if entry.subject_count <= SHOWN_RECORDS:
            return listed
        more = _("… and %(count)d more: search the list for a record id or reference to find its entries.")
        return format_html("{} {}", listed, more % {"count": entry.subject_count - SHOWN_RECORDS})

    def get_search_results(self, request, queryset, search_term):
        """Exact matches on the user name, a record id or a reference (stored in capitals, so the
        term is put in capitals and the indexes are used), in entries about one record and in the
        records of bulk entries."""
        term = search_term.strip()
        if not term:
            return queryset, False
        upper = term.upper()
        bulk = AccessLogSubject.objects.with_reference(upper)
        if term.isdigit():
            bulk = bulk | AccessLogSubject.objects.filter(subject_id=int(term))
        found = queryset.filter(
            Q(actor_username__iexact=term)
            | Q(subject_reference=upper)
            | Q(subject_id=term)
            | Q(pk__in=bulk.values("entry"))
        )
        return found, False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.has_perm("accesslog.view_accesslogentry")

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
