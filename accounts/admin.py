"""The audit history in the admin, scoped: a pioneer reads the history of the records in their
municipalities only (same `visible_to` rules as the pages); superusers read all of it. Nobody adds,
changes or deletes history entries."""

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin

from accounts.audit import entries_visible_to

if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class ScopedLogEntryAdmin(LogEntryAdmin):
    def get_queryset(self, request):
        return entries_visible_to(super().get_queryset(request), request.user)

    def has_delete_permission(self, request, obj=None):
        return False
