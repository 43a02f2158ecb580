"""What a figures page or report covers: a period and the municipalities in the user's scope.

`build_selection(user, params, personal=...)` is the one place that reads `?period=`,
`?municipality=` (CBS code) and `?region=` (pk) and checks them against the user's scope
(housing.scope); the dashboard, the municipality and region pages, the signals page and every
report take their `Selection` from it. Its two ways of answering bad input are those of the two
kinds of page:

- pages (default): a value that cannot be used is dropped with a Dutch message
  (`Selection.messages`) and the page shows its default — a filter form never leads to an error page;
- reports (`strict=True`): a malformed value raises `BadSelection` (the view answers 400 with its
  Dutch message), a well-formed municipality or region the user may not see raises Http404,
  exactly like a record outside the scope.

Each part costs at most one or two queries, and only when the page asks for it (`choose`).
"""

import re
from dataclasses import dataclass, field

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from housing import scope
from housing.models import Municipality, Region
from housing.periods import Period
from housing.validators import CBS_CODE_REGEX

ALL = scope.ALL
FIELDS = ("period", "municipality", "region")
PERIODS_AHEAD = 1  # half-years offered after the current one
PERIODS_BACK = 6  # half-years offered before the current one


class BadSelection(ValueError):
    """A malformed selection parameter in a report; the message is shown to the user."""


def selectable_periods(selected=None, today=None):
    """The periods the period choosers offer, newest first: one ahead, the current one, six back,
    and `selected` when it lies outside that window."""
    current = Period.containing(today or timezone.localdate())
    periods = [current]
    for _index in range(PERIODS_AHEAD):
        periods.insert(0, periods[0].next())
    for _index in range(PERIODS_BACK):
        periods.append(periods[-1].previous())
    if selected is not None and selected not in periods:
        periods.append(selected)
    return sorted(periods, reverse=True)


@dataclass(frozen=True)
class Selection:
    """A period and the municipalities a page covers, already checked against the user's scope.

    `municipality_ids` is ALL (every municipality, no filter) or a frozenset of ids, ready for the
    functions of figures.figures and figures.signals; `scope_ids` is the same for the user's whole
    scope, before any municipality or region was chosen.
    """

    period: Period
    municipality: Municipality | None = None
    region: Region | None = None
    scope_ids: frozenset | None = ALL
    municipality_ids: frozenset | None = ALL
    messages: tuple = ()  # (field, Dutch message) for each value that was dropped
    # What the page's choosers offer: (pk, cbs_code, name) and (pk, name), read for validation.
    municipality_choices: tuple = field(default=(), compare=False, repr=False)
    region_choices: tuple = field(default=(), compare=False, repr=False)

    @property
    def unrestricted(self):
        """Every municipality: the user's scope is unrestricted and nothing narrowed it."""
        return self.municipality_ids is ALL

    @property
    def filtered(self):
        """True when the user narrowed the selection to a municipality or region."""
        return self.municipality is not None or self.region is not None

    @property
    def chosen_ids(self):
        """The ids the user narrowed to, or ALL when no municipality or region was chosen.

        For signals, whose own scope rule (households linked to *or placed in* the user's
        municipalities) must apply unless the user narrowed the list."""
        return self.municipality_ids if self.filtered else ALL

    @property
    def municipalities(self):
        """The municipalities the selection covers, as a queryset."""
        return _queryset(self.municipality_ids)

    @property
    def scope_municipalities(self):
        """Every municipality in the user's scope, as a queryset."""
        return _queryset(self.scope_ids)

    @property
    def periods(self):
        return selectable_periods(self.period)

    def covers(self, municipality):
        """True when `municipality` (an instance or a pk) lies in the selection."""
        pk = getattr(municipality, "pk", municipality)
        return self.municipality_ids is ALL or pk in self.municipality_ids

    def query_string(self):
        parts = [f"period={self.period}"]
        if self.municipality is not None:
            parts.append(f"municipality={self.municipality.cbs_code}")
        if self.region is not None:
            parts.append(f"region={self.region.pk}")
        return "&".join(parts)


def _queryset(ids):
    return Municipality.objects.all() if ids is ALL else Municipality.objects.filter(pk__in=ids)


def build_selection(user, params, *, personal, choose=FIELDS, strict=False):
    """The selection of `params` (a QueryDict or dict) for `user`; see the module docstring.

    `personal=True` for pages and exports with personal data: the user's own municipalities;
    otherwise the figures scope (coordinators: every municipality). `choose` names the parameters
    the page offers; the others are ignored.

    On pages a chosen municipality replaces the region as the set covered (the page shows the
    municipality); in reports both narrow the set, as both appear in the report's title.
    """
    messages = []  # (field, message) of the values dropped on a page
    ids = scope.municipality_ids(user, personal=personal)
    scope_ids = ALL if ids is ALL else frozenset(ids)

    period = Period.current()
    if "period" in choose:
        period = _period(params, strict, messages) or period

    municipality, municipality_choices = None, ()
    if "municipality" in choose:
        if strict:
            municipality = _municipality_strict(params, scope_ids)
        else:
            municipality_choices = _municipality_choices(scope_ids)
            municipality = _municipality(params, municipality_choices, messages)

    region, region_choices = None, ()
    if "region" in choose:
        if strict:
            region = _region_strict(params, user)
        else:
            region_choices = tuple(Region.objects.visible_to(user).values_list("pk", "name"))
            region = _region(params, region_choices, messages)

    covered = scope_ids
    if municipality is not None:
        covered = frozenset({municipality.pk})
    if region is not None and (strict or municipality is None):
        members = frozenset(
            Region.members.through.objects.filter(region_id=region.pk).values_list(
                "municipality_id", flat=True
            )
        )
        covered = members if covered is ALL else covered & members

    return Selection(
        period=period,
        municipality=municipality,
        region=region,
        scope_ids=scope_ids,
        municipality_ids=covered,
        messages=tuple(messages),
        municipality_choices=municipality_choices,
        region_choices=region_choices,
    )


def _value(params, name):
    return (params.get(name) or "").strip()


def _period(params, strict, messages):
    value = _value(params, "period")
    if not value:
        return None
    try:
        return Period.parse(value)
    except ValueError as exc:
        if strict:
            raise BadSelection(str(exc)) from exc
        messages.append(
            (
                "period",
                _("Unknown period “%(value)s”: use the form 2026-H2. The current period is shown.")
                % {"value": value},
            )
        )
        return None


def _municipality_choices(scope_ids):
    """(pk, cbs_code, name) of the municipalities a page offers: the scope, or every existing one."""
    queryset = Municipality.objects.active() if scope_ids is ALL else _queryset(scope_ids)
    return tuple(queryset.order_by("name").values_list("pk", "cbs_code", "name"))


def _municipality(params, choices, messages):
    value = _value(params, "municipality").upper()
    if not value:
        return None
    for pk, code, name in choices:
        if code == value:
            return Municipality(pk=pk, cbs_code=code, name=name)
    messages.append(
        (
            "municipality",
            _("Unknown municipality “%(value)s”. All municipalities in your scope are shown.")
            % {"value": value},
        )
    )
    return None


def _municipality_strict(params, scope_ids):
    value = _value(params, "municipality").upper()
    if not value:
        return None
    if not re.match(CBS_CODE_REGEX, value):
        raise BadSelection(
            _("Invalid municipality code “%(value)s”: use a CBS code such as GM0014.") % {"value": value[:20]}
        )
    municipality = _queryset(scope_ids).filter(cbs_code=value).first()
    if municipality is None:
        raise Http404
    return municipality


def _region(params, choices, messages):
    value = _value(params, "region")
    if not value:
        return None
    for pk, name in choices:
        if str(pk) == value:
            return Region(pk=pk, name=name)
    messages.append(
        (
            "region",
            _("Unknown region “%(value)s”. All municipalities in your scope are shown.") % {"value": value},
        )
    )
    return None


def _region_strict(params, user):
    value = _value(params, "region")
    if not value:
        return None
    # isascii: str.isdigit() also accepts digits such as "²" that int() refuses.
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise BadSelection(
            _("Invalid region “%(value)s”: choose a region from the list.") % {"value": value[:20]}
        )
    region = Region.objects.visible_to(user).filter(pk=int(value)).first()
    if region is None:
        raise Http404
    return region
