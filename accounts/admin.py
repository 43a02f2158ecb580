"""Users with their scope, and the audit history, in the admin.

A superuser grants a user the municipalities they work for on the user's page (SPEC §2). The audit
history is scoped: a pioneer reads the history of the records in their municipalities only (same
`visible_to` rules as the pages); superusers read all of it. Nobody adds, changes or deletes
history entries."""

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import enrolment
from accounts.audit import entries_visible_to
from accounts.views import ThrottledAdminAuthenticationForm
from housing.admin_scope import SafeChangelistMixin
from housing.models import UserScope


class UserScopeInline(admin.StackedInline):
    """A superuser grants a user the municipalities they work for (SPEC §2)."""

    model = UserScope
    can_delete = False
    max_num = 1
    autocomplete_fields = ["municipalities"]
    verbose_name = _("scope")
    verbose_name_plural = _("scope")


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class ThuisgeversUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, UserScopeInline]
    actions = ["issue_setup_code"]

    @admin.action(description=_("Issue a setup code for the second factor"))
    def issue_setup_code(self, request, queryset):
        """Shown once, here; give it to the user by phone or in person, not with the password."""
        for user in queryset:
            code = enrolment.issue(user=user, issued_by=request.user)
            self.message_user(
                request,
                gettext("Setup code for %(name)s (valid for %(days)s days): %(code)s")
                % {"name": user.get_username(), "days": enrolment.ENROLMENT_CODE_DAYS, "code": code},
                messages.WARNING,
            )


admin.site.login_form = ThrottledAdminAuthenticationForm

if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class ScopedLogEntryAdmin(SafeChangelistMixin, LogEntryAdmin):
    def get_queryset(self, request):
        return entries_visible_to(super().get_queryset(request), request.user)

    def has_delete_permission(self, request, obj=None):
        return False
