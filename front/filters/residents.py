"""List filters for households and placements (django-filter): they live in the address."""

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from front.filters.housing import visible_municipalities
from front.forms.housing import DateInput
from front.widgets import FastSelect
from housing.models import Property
from residents.models import Household, Placement
from residents.search import normalise


def linked_municipality_filter():
    """The household's linked municipality, among those in the user's scope."""
    return django_filters.ModelChoiceFilter(
        queryset=visible_municipalities,
        label=_("Linked municipality"),
        empty_label=_("All"),
        widget=FastSelect,
    )


def category_filter():
    return django_filters.ChoiceFilter(
        choices=Household.Category.choices, label=_("Category"), empty_label=_("All")
    )


class HouseholdFilter(django_filters.FilterSet):
    """Expects a queryset annotated with `persons`, `placed_now` and `care_gaps` (see the view)."""

    CARE_COMPLETE, CARE_GAP = "complete", "gap"
    PLACED, NOT_PLACED = "yes", "no"

    reference = django_filters.CharFilter(lookup_expr="icontains", label=_("Reference"))
    municipality = linked_municipality_filter()
    category = category_filter()
    care = django_filters.ChoiceFilter(
        choices=[(CARE_GAP, _("GP or insurance missing")), (CARE_COMPLETE, _("GP and insurance recorded"))],
        method="filter_care",
        label=_("Care status"),
        empty_label=_("All"),
    )
    placed = django_filters.ChoiceFilter(
        choices=[(PLACED, _("placed now")), (NOT_PLACED, _("not placed now"))],
        method="filter_placed",
        label=_("Placement"),
        empty_label=_("All"),
    )
    ordering = django_filters.OrderingFilter(
        fields=[
            ("reference", "reference"),
            ("municipality__name", "municipality"),
            ("category", "category"),
            ("persons", "persons"),
            ("created_at", "created"),
        ],
        field_labels={
            "reference": _("Reference"),
            "municipality__name": _("Linked municipality"),
            "category": _("Category"),
            "persons": _("Persons"),
            "created_at": _("Created"),
        },
        label=_("Sort by"),
        empty_label=_("Default"),
    )

    class Meta:
        model = Household
        fields = []

    def filter_care(self, queryset, name, value):
        return queryset.filter(care_gaps__gt=0) if value == self.CARE_GAP else queryset.filter(care_gaps=0)

    def filter_placed(self, queryset, name, value):
        return queryset.filter(placed_now=(value == self.PLACED))


def visible_properties(request):
    if request is None:
        return Property.objects.none()
    return Property.objects.visible_to(request.user)


class PlacementFilter(django_filters.FilterSet):
    municipality = django_filters.ModelChoiceFilter(
        queryset=visible_municipalities,
        widget=FastSelect,
        method="filter_municipality",
        label=_("Municipality"),
        help_text=_("Where the property lies or the household is linked."),
        empty_label=_("All"),
    )
    # A name search, not a choice list: at national scale a <select> of every visible property
    # (10,000 options) took most of the page's time to render (`make bench`). Links can
    # still filter on one property by its number (`?property=<pk>`, a hidden field).
    property_name = django_filters.CharFilter(
        field_name="property__name", lookup_expr="icontains", max_length=100, label=_("Property")
    )
    property = django_filters.ModelChoiceFilter(
        queryset=visible_properties, label=_("Property"), widget=forms.HiddenInput
    )
    household = django_filters.CharFilter(
        method="filter_household",
        max_length=100,
        label=_("Household"),
        help_text=_("A family name (accents and capitals do not matter) or a household reference."),
    )
    kind = django_filters.ChoiceFilter(choices=Placement.Kind.choices, label=_("Kind"), empty_label=_("All"))
    active_on = django_filters.DateFilter(method="filter_active_on", label=_("Active on"), widget=DateInput())
    ending_within = django_filters.NumberFilter(
        method="filter_ending_within",
        label=_("Planned end within … weeks"),
        min_value=0,
        max_value=520,
        widget=forms.NumberInput(attrs={"min": 0, "max": 520}),
    )
    ordering = django_filters.OrderingFilter(
        fields=[
            ("start_date", "start"),
            ("planned_end", "planned_end"),
            ("end_date", "end"),
            ("property__name", "property"),
            ("resident__household__reference", "household"),
        ],
        field_labels={
            "start_date": _("Start date"),
            "planned_end": _("Planned end"),
            "end_date": _("End date"),
            "property__name": _("Property"),
            "resident__household__reference": _("Household"),
        },
        label=_("Sort by"),
        empty_label=_("Default"),
    )

    class Meta:
        model = Placement
        fields = []

    def filter_municipality(self, queryset, name, value):
        return queryset.filter(Q(property__municipality=value) | Q(resident__household__municipality=value))

    def filter_household(self, queryset, name, value):
        """The placements of the households with that reference, or with a resident of that name."""
        words = normalise(value)
        if not words:
            return queryset
        households = Household.objects.filter(
            Q(reference=value.strip().upper()) | Q(residents__search_text__contains=words)
        ).values("pk")
        return queryset.filter(resident__household__in=households)

    def filter_active_on(self, queryset, name, value):
        return queryset.active_on(value)

    def filter_ending_within(self, queryset, name, value):
        today = timezone.localdate()
        until = today + dt.timedelta(weeks=int(value))
        return queryset.active_on(today).filter(planned_end__isnull=False, planned_end__lte=until)


class WaitingFilter(django_filters.FilterSet):
    """Waiting households (residents.matching.waiting_households), longest waiting first unless
    sorted otherwise. Expects `persons` annotated."""

    municipality = linked_municipality_filter()
    category = category_filter()

    ordering = django_filters.OrderingFilter(
        fields=[
            ("linked_on", "linked"),
            ("reference", "reference"),
            ("municipality__name", "municipality"),
            ("persons", "persons"),
        ],
        field_labels={
            "linked_on": _("Linking date"),
            "reference": _("Reference"),
            "municipality__name": _("Linked municipality"),
            "persons": _("Persons"),
        },
        label=_("Sort by"),
        empty_label=_("Longest waiting first"),
    )

    class Meta:
        model = Household
        fields = []
