"""Admin site for pioneers: municipalities, regions, quotas, organisations, properties, intent
agreements and activities. Scope rules: housing/admin_scope.py."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from housing import scope
from housing.admin_scope import NoDeleteMixin, ScopedAdminMixin, scope_organisations, visible_choices
from housing.models import (
    Activity,
    IntentAgreement,
    Municipality,
    NationalNumber,
    Organisation,
    Population,
    Property,
    Quota,
    Redistribution,
    RedistributionShare,
    Region,
)
from housing.resources import AllOrNothingImportMixin, PropertyResource, QuotaResource
from housing.validators import capacity_form_field

admin.site.site_header = _("Thuisgevers administration")
admin.site.site_title = _("Thuisgevers administration")
admin.site.index_title = _("Overview")


@admin.register(Municipality)
class MunicipalityAdmin(NoDeleteMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Read-mostly: the list comes from CBS (load_municipalities); only superusers may correct it."""

    list_per_page = 50  # the page size of our own lists, so `make bench` compares like with like
    list_display = ["name", "cbs_code", "province", "population", "active"]
    list_filter = ["province", "active"]
    search_fields = ["name", "cbs_code"]
    ordering = ["name"]

    def scope_queryset(self, request, queryset):
        return queryset.visible_to(request.user, personal=True)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        return ["cbs_code"] if obj is not None else []


@admin.register(Region)
class RegionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "member_count"]
    ordering = ["name"]  # explicit: Meta.ordering is dropped in GROUP BY queries
    search_fields = ["name"]
    autocomplete_fields = ["members"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("members", distinct=True))

    def save_related(self, request, form, formsets, change):
        """A pioneer sees and chooses only the members in their scope; the members they cannot see
        stay members (the form would otherwise drop them silently)."""
        hidden = []
        if change and not request.user.is_superuser:
            visible = visible_choices(Municipality, request.user).values("pk")
            hidden = list(form.instance.members.exclude(pk__in=visible))
        super().save_related(request, form, formsets, change)
        if hidden:
            form.instance.members.add(*hidden)

    @admin.display(description=_("municipalities"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count


class QuotaAdminForm(forms.ModelForm):
    """A changed carried-over figure needs its reason: a new art. 29 computation keeps such an
    override instead of replacing it by the previous period's result."""

    class Meta:
        model = Quota
        fields = ["municipality", "year", "half", "target", "carried_over", "carried_over_reason"]

    def clean(self):
        cleaned = super().clean()
        if (
            self.instance.pk
            and "carried_over" in self.changed_data
            and not cleaned.get("carried_over_reason")
        ):
            self.add_error("carried_over_reason", _("Give the reason for changing the carried-over figure."))
        return cleaned


@admin.register(Quota)
class QuotaAdmin(AllOrNothingImportMixin, ScopedAdminMixin, admin.ModelAdmin):
    resource_classes = [QuotaResource]  # spreadsheet import for pioneers (housing/resources.py)
    form = QuotaAdminForm
    readonly_fields = ["statutory_target", "population_year"]
    list_display = [
        "municipality",
        "year",
        "half",
        "target",
        "statutory_target",
        "carried_over",
        "population_year",
    ]
    list_filter = ["year", "half", "municipality__province"]
    search_fields = ["municipality__name", "municipality__cbs_code"]
    list_select_related = ["municipality"]
    autocomplete_fields = ["municipality"]


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "municipality", "contact"]
    list_filter = ["kind", "municipality__province"]
    search_fields = ["name", "contact", "municipality__name"]
    list_select_related = ["municipality"]
    autocomplete_fields = ["municipality"]

    def scope_queryset(self, request, queryset):
        return scope_organisations(queryset, request.user)

    def has_change_permission(self, request, obj=None):
        """National organisations (no municipality) serve every municipality: a pioneer reads them,
        only a superuser changes them."""
        if obj is not None and obj.municipality_id is None and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)


@admin.register(Property)
class PropertyAdmin(AllOrNothingImportMixin, NoDeleteMixin, ScopedAdminMixin, admin.ModelAdmin):
    resource_classes = [PropertyResource]  # spreadsheet import for pioneers (housing/resources.py)
    list_per_page = 25  # the page size of our own lists, so `make bench` compares like with like
    list_display = [
        "name",
        "municipality",
        "kind",
        "status",
        "funding",
        "capacity",
        "occupied",
        "free_places",
    ]
    list_filter = ["status", "kind", "funding", "municipality__province"]
    search_fields = ["name", "street", "postcode", "place", "municipality__name"]
    list_select_related = ["municipality"]
    autocomplete_fields = ["municipality", "owner", "agreement"]
    readonly_fields = ["occupied", "free_places"]
    date_hierarchy = "created_at"
    ordering = ["name"]  # explicit: Meta.ordering is dropped in GROUP BY queries
    # residents/admin.py adds the read-only list of placements (housing does not import residents).
    inlines = []

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "capacity":
            capacity_form_field(field)  # the model's one message for a capacity out of bounds
        return field

    def get_queryset(self, request):
        # The occupancy of the pages (PropertyQuerySet.with_occupancy): free places never below 0.
        return super().get_queryset(request).with_occupancy(timezone.localdate())

    @admin.display(description=_("occupied places"), ordering="occupied_now")
    def occupied(self, obj):
        return getattr(obj, "occupied_now", 0)

    @admin.display(description=_("free places"), ordering="free_now")
    def free_places(self, obj):
        if obj.pk is None or obj.capacity is None:
            return "-"  # the add page: nothing placed yet
        return getattr(obj, "free_now", 0)


@admin.register(IntentAgreement)
class IntentAgreementAdmin(NoDeleteMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_per_page = 25  # the page size of our own lists, so `make bench` compares like with like
    list_display = [
        "municipality",
        "committed_persons",
        "status",
        "college_decision_date",
        "signed_on",
        "pioneer",
    ]
    list_filter = ["status", "municipality__province"]
    search_fields = ["municipality__name", "municipality__cbs_code", "notes"]
    list_select_related = ["municipality", "pioneer"]
    autocomplete_fields = ["municipality", "partners"]
    date_hierarchy = "created_at"


@admin.register(Activity)
class ActivityAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["date", "kind", "municipality", "agreement"]
    list_filter = ["kind", "municipality__province"]
    search_fields = ["summary", "municipality__name"]
    list_select_related = ["municipality", "agreement__municipality"]
    autocomplete_fields = ["municipality", "agreement", "organisations"]
    date_hierarchy = "date"

    def scope_queryset(self, request, queryset):
        return scope.filter_by_municipality(queryset, request.user, "municipality")


class ReadOnlyAdminMixin:
    """Written by their own service or loader only (housing.quota, load_population); the admin shows them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Population)
class PopulationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["municipality", "year", "inhabitants", "source"]
    list_filter = ["year", "municipality__province"]
    search_fields = ["municipality__name", "municipality__cbs_code"]
    list_select_related = ["municipality"]


@admin.register(NationalNumber)
class NationalNumberAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["year", "half", "persons", "is_example", "source", "computed_at"]


class RedistributionShareInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RedistributionShare
    fields = ["municipality", "statutory", "agreed"]
    extra = 0


@admin.register(Redistribution)
class RedistributionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Shown here; recorded through housing.quota.save_redistribution, which keeps the sum."""

    list_display = ["region", "year", "half", "decided_on"]
    list_filter = ["year", "half"]
    inlines = [RedistributionShareInline]
