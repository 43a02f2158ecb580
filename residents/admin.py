"""Admin site for households, residents and placements. Lists show pseudonymous references, not
names (SPEC §4); scope rules: housing/admin_scope.py."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from housing.admin import PropertyAdmin
from housing.admin_scope import NoDeleteMixin, ScopedAdminMixin, ScopedInlineMixin
from housing.admin_service import ServiceSaveMixin
from housing.models import Property
from housing.resources import AllOrNothingImportMixin
from residents import services
from residents.models import Household, Placement, Resident
from residents.resources import HouseholdResidentResource
from residents.vnumbers import check_v_number_free


class ResidentAdminForm(forms.ModelForm):
    """A V-number already registered is refused as on the pages (residents/vnumbers.py): named when
    the holder is in the user's scope, neutral otherwise. `user` is set by the admin per request."""

    user = None

    def clean_v_number(self):
        value = self.cleaned_data.get("v_number") or None
        if value:
            check_v_number_free(value, self.user, exclude_pk=self.instance.pk)
        return value


class ResidentInline(NoDeleteMixin, ScopedInlineMixin, admin.TabularInline):
    model = Resident
    form = ResidentAdminForm
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

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.user = request.user
        return formset


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
    form = ResidentAdminForm
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

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    @admin.display(description=_("linked municipality"), ordering="household__municipality__name")
    def household_municipality(self, obj):
        return obj.household.municipality

    @admin.display(description=_("GP"), boolean=True)
    def has_gp(self, obj):
        return obj.has_gp


class PlacementAdminForm(forms.ModelForm):
    """Model validation (end after start, no overlap, 12-month rule) runs through `full_clean`; the
    form adds the default planned end. The capacity rule is the placement service's, applied when
    PlacementAdmin saves through it."""

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
        return cleaned


ENDING_FIELDS = {"end_date", "outflow", "extension_reason"}


@admin.register(Placement)
class PlacementAdmin(ServiceSaveMixin, NoDeleteMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Saves go through residents/services.py: a new placement through place_household (the
    property's row lock and the capacity rule), an end date or outflow through end_placement, any
    other change through change_placement."""

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

    def save_through_service(self, request, obj, form, change):
        if not change:
            placed = services.place_household(
                household=obj.resident.household,
                residents=[obj.resident],
                property=obj.property,
                kind=obj.kind,
                start_date=obj.start_date,
                planned_end=obj.planned_end,
                end_date=obj.end_date,
                outflow=obj.outflow,
                extension_reason=obj.extension_reason,
            )[0]
            obj.pk, obj.created_at = placed.pk, placed.created_at
            obj._state.adding = False
        elif set(form.changed_data) <= ENDING_FIELDS:
            services.end_placement(
                placement=obj,
                end_date=obj.end_date,
                outflow=obj.outflow,
                extension_reason=obj.extension_reason,
            )
        else:
            services.change_placement(placement=obj)

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


class PropertyCapacityAdmin(ServiceSaveMixin, PropertyAdmin):
    """housing/admin.py's PropertyAdmin with what needs residents (housing cannot import residents:
    one-way dependencies): the placements list, and saving through residents.services.save_property,
    which refuses a capacity below the people living there under the property's row lock."""

    inlines = [*PropertyAdmin.inlines, PropertyPlacementInline]

    def save_through_service(self, request, obj, form, change):
        services.save_property(property=obj)


admin.site.unregister(Property)
admin.site.register(Property, PropertyCapacityAdmin)
