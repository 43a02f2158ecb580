"""List filters for buddies (django-filter): they live in the address."""

import django_filters
from django.utils.translation import gettext_lazy as _

from buddies.models import Buddy
from front.filters.housing import visible_municipalities
from front.widgets import FastSelect


class BuddyFilter(django_filters.FilterSet):
    """Expects a queryset annotated with `active_matches` (see the view)."""

    name = django_filters.CharFilter(lookup_expr="icontains", label=_("Name"))
    municipality = django_filters.ModelChoiceFilter(
        queryset=visible_municipalities, label=_("Municipality"), empty_label=_("All"), widget=FastSelect
    )
    languages = django_filters.CharFilter(lookup_expr="icontains", label=_("Speaks"))
    active = django_filters.BooleanFilter(label=_("Active"))
    available = django_filters.BooleanFilter(method="filter_available", label=_("Without a household now"))
    ordering = django_filters.OrderingFilter(
        fields=[("name", "name"), ("municipality__name", "municipality"), ("active_matches", "matches")],
        field_labels={
            "name": _("Name"),
            "municipality__name": _("Municipality"),
            "active_matches": _("Current matches"),
        },
        label=_("Sort by"),
        empty_label=_("Default"),
    )

    class Meta:
        model = Buddy
        fields = []

    def filter_available(self, queryset, name, value):
        return queryset.filter(active_matches=0) if value else queryset.filter(active_matches__gt=0)
