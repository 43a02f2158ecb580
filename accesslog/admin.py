"""The access log in the admin: read-only for holders of `accesslog.view_accesslogentry`.

Nobody adds, changes or deletes entries here, superusers included: the permission methods below
answer False whatever the user's permissions, and there are no bulk actions."""

from django.contrib import admin

from accesslog.models import AccessLogEntry


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    list_display = (
        "occurred_at",
        "actor_username",
        "action",
        "subject_type",
        "subject_reference",
        "result",
        "client_address",
        "purpose",
    )
    list_filter = ("action", "result", "subject_type", "occurred_at")
    # Exact matches: references are stored in capitals, so the search term is put in capitals and
    # the reference index is used (a case-insensitive match could not use it).
    search_fields = ("=actor_username", "subject_reference__exact", "=subject_id")
    date_hierarchy = "occurred_at"
    list_select_related = False
    show_full_result_count = False
    actions = None
    readonly_fields = [f.name for f in AccessLogEntry._meta.fields]

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.strip().upper())

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
