"""Admin site for households, residents and placements. Lists show pseudonymous references, not
names (SPEC §4); scope rules: housing/admin_scope.py."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from housing.admin import PropertyAdmin
from housing.admin_scope import NoDeleteMixin, ScopedAdminMixin, ScopedInlineMixin
from housing.resources import AllOrNothingImportMixin
from residents.models import Household, Placement, Resident
from residents.resources import HouseholdResidentResource
from residents.services import peak_occupancy


class ResidentInline(NoDeleteMixin, ScopedInlineMixin, admin.TabularInline):
    model = Resident
    fields = [
        "reference",
        "v_number",
        "given_name",
        "family_name",
        "birth_date",
        "nationality",
        "permit_date",
        "gp_practice",
        "gp_registered_on",
        "health_insurance",
        "insured_since",
    ]
    readonly_fields = ["reference"]
    extra = 0
    show_change_link = True


@admin.register(Household)
class HouseholdAdmin(AllOrNothingImportMixin, NoDeleteMixin, ScopedAdminMixin, admin.ModelAdmin):
    resource_classes = [HouseholdResidentResource]  # households with residents, one row per resident
    list_per_page = 25  # the page size of our own lists, so `make bench` compares like with like
    list_display = [
        "reference",
        "municipality",
        "category",
        "resident_count",
        "reunification_expected_members",
        "reunification_arrived_on",
    ]
    list_filter = ["category", "municipality__province", "support_organisation__kind"]
    search_fields = ["reference", "municipality__name", "residents__reference", "residents__v_number"]
    list_select_related = ["municipality"]
    autocomplete_fields = ["municipality", "support_organisation"]
    readonly_fields = ["reference", "created_at", "anonymised_at"]
    date_hierarchy = "created_at"
    ordering = ["reference"]  # explicit: Meta.ordering is dropped in GROUP BY queries
    inlines = [ResidentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(resident_count=Count("residents", distinct=True))

    @admin.display(description=_("residents"), ordering="resident_count")
    def resident_count(self, obj):
        return obj.resident_count


@admin.register(Resident)
class ResidentAdmin(NoDeleteMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "reference",
        "household",
        "household_municipality",
        "has_gp",
        "health_insurance",
        "permit_date",
    ]
    list_filter = ["health_insurance", "household__category", "household__municipality__province"]
    search_fields = ["reference", "v_number", "given_name", "family_name", "household__reference"]
    list_select_related = ["household__municipality"]
    autocomplete_fields = ["household"]
    readonly_fields = ["reference"]

    @admin.display(description=_("linked municipality"), ordering="household__municipality__name")
    def household_municipality(self, obj):
        return obj.household.municipality

    @admin.display(description=_("GP"), boolean=True)
    def has_gp(self, obj):
        return obj.has_gp


class PlacementAdminForm(forms.ModelForm):
    """Model validation (end after start, no overlap, 12-month rule) runs through `full_clean`; the
    form adds the default planned end and the capacity rule of the placement service."""

    class Meta:
        model = Placement
        fields = [
            "resident",
            "property",
            "kind",
            "start_date",
            "planned_end",
            "end_date",
            "extension_reason",
            "outflow",
        ]

    def clean(self):
        cleaned = super().clean()
        kind, start = cleaned.get("kind"), cleaned.get("start_date")
        if kind and start and not cleaned.get("planned_end"):
            cleaned["planned_end"] = Placement.default_planned_end(kind, start)
            self.instance.planned_end = cleaned["planned_end"]
        prop = cleaned.get("property")
        moved = self.instance.pk is None or {"property", "start_date"} & set(self.changed_data)
        if prop and start and moved:
            others = peak_occupancy(prop.pk, start)
            if self.instance.pk and self.instance.property_id == prop.pk:
                others -= 1  # this placement itself was counted
            if others >= prop.capacity:
                raise forms.ValidationError(
                    gettext("%(property)s is full: %(free)s free place(s) from %(date)s, %(needed)s needed.")
                    % {"property": prop.name, "free": 0, "date": start, "needed": 1}
                )
        return cleaned


@admin.register(Placement)
class PlacementAdmin(NoDeleteMixin, ScopedAdminMixin, admin.ModelAdmin):
    form = PlacementAdminForm
    list_per_page = 25  # the page size of our own lists, so `make bench` compares like with like
    list_display = [
        "resident_reference",
        "household_reference",
        "property",
        "kind",
        "start_date",
        "planned_end",
        "end_date",
        "outflow",
    ]
    list_filter = ["kind", "outflow", "property__municipality__province"]
    search_fields = ["resident__reference", "resident__household__reference", "property__name"]
    list_select_related = ["resident__household", "property"]
    autocomplete_fields = ["resident", "property"]
    readonly_fields = ["created_at"]
    date_hierarchy = "start_date"

    @admin.display(description=_("resident"), ordering="resident__reference")
    def resident_reference(self, obj):
        return obj.resident.reference

    @admin.display(description=_("household"), ordering="resident__household__reference")
    def household_reference(self, obj):
        return obj.resident.household.reference


class PropertyPlacementInline(ScopedInlineMixin, admin.TabularInline):
    """Who lives or lived in a property: a read-only list. Placing goes through the placement
    screens and the service that checks capacity (residents/services.py)."""

    model = Placement
    fields = ["resident_reference", "household_reference", "kind", "start_date", "planned_end", "end_date"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["-start_date"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("resident__household")

    @admin.display(description=_("resident"))
    def resident_reference(self, obj):
        return obj.resident.reference

    @admin.display(description=_("household"))
    def household_reference(self, obj):
        return obj.resident.household.reference


# housing cannot import residents (one-way dependencies), so the placements list joins the
# property page from here.
PropertyAdmin.inlines = [*PropertyAdmin.inlines, PropertyPlacementInline]
