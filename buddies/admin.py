"""Admin site for buddies and their matches with households. Scope rules: housing/admin_scope.py."""

from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buddies.models import Buddy, BuddyMatch
from housing.admin_scope import NoDeleteMixin, ScopedAdminMixin, ScopedInlineMixin
from housing.periods import active_on


class BuddyMatchInline(NoDeleteMixin, ScopedInlineMixin, admin.TabularInline):
    model = BuddyMatch
    fields = ["household", "start_date", "end_date"]
    autocomplete_fields = ["household"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("household")


@admin.register(Buddy)
class BuddyAdmin(NoDeleteMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_per_page = 25  # the page size of our own lists, so `make bench` compares like with like
    list_display = [
        "name",
        "municipality",
        "organisation",
        "languages",
        "vog_date",
        "active",
        "active_matches",
    ]
    list_filter = ["active", "municipality__province", "organisation"]
    search_fields = ["name", "email", "languages", "municipality__name"]
    list_select_related = ["municipality", "organisation"]
    autocomplete_fields = ["municipality", "organisation"]
    ordering = ["name"]  # explicit: Meta.ordering is dropped in GROUP BY queries
    inlines = [BuddyMatchInline]

    def get_queryset(self, request):
        current = active_on(timezone.localdate(), prefix="matches__")
        return super().get_queryset(request).annotate(active_matches=Count("matches", filter=current))

    @admin.display(description=_("current matches"), ordering="active_matches")
    def active_matches(self, obj):
        return obj.active_matches


@admin.register(BuddyMatch)
class BuddyMatchAdmin(NoDeleteMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["buddy", "household", "household_municipality", "start_date", "end_date"]
    list_filter = ["buddy__municipality__province"]
    search_fields = ["buddy__name", "household__reference"]
    list_select_related = ["buddy", "household__municipality"]
    autocomplete_fields = ["buddy", "household"]
    date_hierarchy = "start_date"

    @admin.display(description=_("linked municipality"), ordering="household__municipality__name")
    def household_municipality(self, obj):
        return obj.household.municipality
