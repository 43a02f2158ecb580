"""The period and scope filters every report takes (`?period=2026-H2&municipality=GM0014&region=3`).

Malformed values are the user's mistake and answer 400 with a Dutch message; a well-formed
municipality or region the user may not see answers 404, exactly like a record outside the scope.
"""

import re
from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _

from housing import scope
from housing.models import Municipality, Region
from housing.periods import Period
from housing.validators import CBS_CODE_REGEX


class BadParameter(ValueError):
    """A report parameter that cannot be understood; the message is shown to the user."""


@dataclass
class ReportScope:
    period: Period
    municipality: Municipality | None
    region: Region | None
    municipalities: object  # a Municipality queryset: the municipalities the report covers
    unrestricted: bool = False  # the user sees every municipality and chose no filter

    @property
    def municipality_ids(self):
        """For `figures.figures`: ALL when unrestricted, else a subquery of ids."""
        return scope.ALL if self.unrestricted else self.municipalities.values("pk")

    @property
    def filtered(self):
        """True when the user narrowed the report to a municipality or region."""
        return self.municipality is not None or self.region is not None

    def query_string(self):
        parts = [f"period={self.period}"]
        if self.municipality is not None:
            parts.append(f"municipality={self.municipality.cbs_code}")
        if self.region is not None:
            parts.append(f"region={self.region.pk}")
        return "&".join(parts)


def parse_period(value):
    if not value:
        return Period.current()
    try:
        return Period.parse(value)
    except ValueError as exc:
        raise BadParameter(str(exc)) from exc


def parse_scope(request, *, personal):
    """Read period, municipality and region from the query string, checked against the user's scope.

    `personal=True` for exports with (pseudonymous) personal data: the user's own municipalities;
    otherwise the figures scope (coordinators: every municipality).
    """
    period = parse_period(request.GET.get("period", "").strip())
    visible = Municipality.objects.visible_to(request.user, personal=personal)
    municipalities = visible

    municipality = None
    code = request.GET.get("municipality", "").strip().upper()
    if code:
        if not re.match(CBS_CODE_REGEX, code):
            raise BadParameter(
                _("Invalid municipality code “%(value)s”: use a CBS code such as GM0014.")
                % {"value": code[:20]}
            )
        municipality = visible.filter(cbs_code=code).first()
        if municipality is None:
            raise Http404
        municipalities = municipalities.filter(pk=municipality.pk)

    region = None
    region_value = request.GET.get("region", "").strip()
    if region_value:
        if not region_value.isdigit() or len(region_value) > 18:
            raise BadParameter(
                _("Invalid region “%(value)s”: choose a region from the list.") % {"value": region_value[:20]}
            )
        region = Region.objects.visible_to(request.user).filter(pk=int(region_value)).first()
        if region is None:
            raise Http404
        municipalities = municipalities.filter(regions=region)

    return ReportScope(
        period=period,
        municipality=municipality,
        region=region,
        municipalities=municipalities,
        unrestricted=municipality is None
        and region is None
        and scope.municipality_ids(request.user, personal=personal) is scope.ALL,
    )
