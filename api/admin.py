"""API clients in the admin site: superusers only. A new or rotated token is shown once, on the page
that answers the save, never stored or put in a message cookie."""

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from api import services
from api.models import ApiClient


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "token_hint", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["role"]
    search_fields = ["name"]
    filter_horizontal = ["municipalities"]
    readonly_fields = ["token_hint", "service_user", "revoked_at", "last_used_at", "created_at", "created_by"]
    fields = ["name", "role", "municipalities", "expires_at", *readonly_fields]
    actions = ["revoke", "rotate"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    has_add_permission = has_change_permission = has_view_permission

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the access log and audit history name the service user

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
        else:
            request._api_new_token = services.save_new_client(obj, created_by=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.sync_service_user(form.instance)

    def _token_page(self, request, client, token):
        context = {
            **self.admin_site.each_context(request),
            "client": client,
            "token": token,
            "opts": self.model._meta,
            "title": _("New API token"),
        }
        return TemplateResponse(request, "admin/api/apiclient/token.html", context)

    def response_add(self, request, obj, post_url_continue=None):
        token = getattr(request, "_api_new_token", None)
        if token:
            return self._token_page(request, obj, token)
        return super().response_add(request, obj, post_url_continue)

    @admin.action(description=_("Revoke the token of the selected clients"))
    def revoke(self, request, queryset):
        for client in queryset:
            services.revoke_client(client=client)
        self.message_user(request, _("The tokens have been revoked."), messages.SUCCESS)

    @admin.action(description=_("Issue a new token (the old one stops working)"))
    def rotate(self, request, queryset):
        clients = list(queryset[:2])
        if len(clients) != 1:
            self.message_user(request, _("Choose one client to issue a new token."), messages.ERROR)
            return None
        return self._token_page(request, clients[0], services.rotate_token(client=clients[0]))
