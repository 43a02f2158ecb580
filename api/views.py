"""The API's operations (thin: scope from `visible_to(user)` and figures.selection, rules in the
services, the access log for every read of personal data)."""

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accesslog.log import log_access
from accounts.access import get_visible_or_404
from api import serializers as s
from api.permissions import SeesPersonalData
from figures import cache as figure_cache
from figures import figures, signals
from figures.selection import ALL, BadSelection, build_selection
from housing.models import Municipality, Property, Quota, Region
from housing.periods import Period
from housing.refusals import note_refused
from residents import services
from residents.access import subjects_for_households
from residents.models import Household, Placement, Resident

PURPOSE = "api"


class RuleRefused(exceptions.ValidationError):
    """A well-formed request that a rule of the product refuses (capacity, overlap, dates, a record
    outside the scope named in the body): 409 with the rule's Dutch message, not 400."""

    status_code = status.HTTP_409_CONFLICT


EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


class ApiMixin:
    # The `API-Version` header on every answer (NL API Design Rules). No docstring: the OpenAPI
    # document takes each view's docstring as its description.

    def finalize_response(self, request, response, *args, **kwargs):
        from django.conf import settings

        response = super().finalize_response(request, response, *args, **kwargs)
        response["API-Version"] = settings.API_VERSION
        return response


def _query(request, serializer_class):
    blank = [name for name in serializer_class().fields if request.query_params.get(name, None) == ""]
    if blank:
        raise exceptions.ValidationError(
            {name: [_("Give a value or leave the parameter out.")] for name in blank}
        )
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _selection(request, query, *, personal):
    params = {name: str(query[name]) for name in ("period", "municipality", "region") if name in query}
    try:
        return build_selection(request.user, params, personal=personal, strict=True)
    except BadSelection as exc:
        raise exceptions.ValidationError({"query": [str(exc)]}) from exc


def _restrict(queryset, path, ids):
    return queryset if ids is ALL else queryset.filter(**{f"{path}__in": ids})


# --- figures ------------------------------------------------------------------------------------


def _ids(ids):
    return "all" if ids is ALL else ",".join(str(pk) for pk in sorted(ids))


class MunicipalityList(ApiMixin, generics.ListAPIView):
    """Every municipality in the client's figures scope with its SPEC §6 figures for a period."""

    serializer_class = s.MunicipalityFiguresSerializer

    @extend_schema(parameters=[s.FiguresQuery])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        selection = _selection(request, _query(request, s.FiguresQuery), personal=False)
        # Cached per data version and scope like the pages' figures (figures/cache.py), so a client
        # paging through all municipalities computes them once per change, not once per page.
        rows = figure_cache.cached(
            request,
            "api-municipality-figures",
            lambda: figures.municipality_figures(
                selection.period, selection.municipality_ids, include_empty=True
            ),
            vary=(selection.period, _ids(selection.municipality_ids)),
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class MunicipalityDetail(ApiMixin, generics.GenericAPIView):
    serializer_class = s.MunicipalityFiguresSerializer

    @extend_schema(parameters=[s.PeriodQuery], operation_id="municipalities_retrieve")
    def get(self, request, cbs_code):
        query = _query(request, s.PeriodQuery)
        period = Period.parse(query["period"]) if "period" in query else Period.current()
        municipality = Municipality.objects.visible_to(request.user).filter(cbs_code=cbs_code).first()
        if municipality is None:
            raise exceptions.NotFound()
        rows = figures.municipality_figures(period, {municipality.pk}, include_empty=True)
        return Response(self.get_serializer(rows[0]).data)


class QuotaList(ApiMixin, generics.ListAPIView):
    serializer_class = s.QuotaSerializer

    @extend_schema(parameters=[s.QuotaQuery])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = _query(self.request, s.QuotaQuery)
        selection = _selection(self.request, query, personal=False)
        quotas = _restrict(
            Quota.objects.visible_to(self.request.user).select_related("municipality"),
            "municipality",
            selection.municipality_ids,
        )
        if "period" in query:
            quotas = quotas.for_period(selection.period)
        return quotas.order_by("-year", "-half", "municipality__cbs_code")


class RegionList(ApiMixin, generics.ListAPIView):
    serializer_class = s.RegionSerializer

    def get_queryset(self):
        return (
            Region.objects.visible_to(self.request.user)
            .prefetch_related(Prefetch("members", queryset=Municipality.objects.only("pk", "cbs_code")))
            .order_by("name", "pk")
        )


class RegionDetail(ApiMixin, generics.GenericAPIView):
    """A region's burden sharing (SPEC §6): each member's share against its contribution."""

    serializer_class = s.RegionFiguresSerializer

    @extend_schema(parameters=[s.PeriodQuery], operation_id="regions_retrieve")
    def get(self, request, pk):
        query = _query(request, s.PeriodQuery)
        period = Period.parse(query["period"]) if "period" in query else Period.current()
        region = get_visible_or_404(Region, request.user, request, pk=pk)
        return Response(self.get_serializer(figures.region_figures(region, period)).data)


# --- properties and signals -------------------------------------------------------------------------


def _properties(request):
    return (
        Property.objects.visible_to(request.user)
        .with_occupancy(timezone.localdate())
        .select_related("municipality")
    )


class PropertyList(ApiMixin, generics.ListAPIView):
    serializer_class = s.PropertySerializer
    permission_classes = [SeesPersonalData]

    @extend_schema(parameters=[s.PropertyQuery])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = _query(self.request, s.PropertyQuery)
        selection = _selection(self.request, query, personal=True)
        properties = _restrict(_properties(self.request), "municipality", selection.municipality_ids)
        if "status" in query:
            properties = properties.filter(status=query["status"])
        return properties.order_by("name", "pk")


class PropertyDetail(ApiMixin, generics.GenericAPIView):
    serializer_class = s.PropertySerializer
    permission_classes = [SeesPersonalData]

    def get(self, request, pk):
        return Response(
            self.get_serializer(get_visible_or_404(_properties(request), request.user, request, pk=pk)).data
        )


class SignalList(ApiMixin, generics.ListAPIView):
    """Every open signal in the client's scope (the signals page), oldest date first."""

    serializer_class = s.SignalSerializer
    permission_classes = [SeesPersonalData]

    @extend_schema(parameters=[s.SignalQuery])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        query = _query(request, s.SignalQuery)
        selection = _selection(request, query, personal=True)
        kinds = [query["kind"]] if "kind" in query else None
        found = signals.signal_query(request.user, kinds, municipality_ids=selection.chosen_ids)
        page = self.paginate_queryset(found)
        subjects = {("residents.household", sig.household_id, sig.household_reference) for sig in page}
        if subjects:
            log_access(request, "list", sorted(subjects, key=lambda subject: subject[1]), purpose=PURPOSE)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# --- households, residents, placements ------------------------------------------------------------


def _households(request):
    return (
        Household.objects.visible_to(request.user)
        .select_related("municipality")
        .prefetch_related(
            Prefetch("residents", queryset=Resident.objects.only("pk", "reference", "household"))
        )
    )


class PersonalListMixin:
    """Lists of personal data: one access-log row per resident on the page."""

    permission_classes = [SeesPersonalData]

    def list(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        self.log_page(request, page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class HouseholdList(ApiMixin, PersonalListMixin, generics.ListAPIView):
    serializer_class = s.HouseholdSerializer

    @extend_schema(parameters=[s.ScopeQuery])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        selection = _selection(self.request, _query(self.request, s.ScopeQuery), personal=True)
        return _restrict(_households(self.request), "municipality", selection.chosen_ids).order_by(
            "reference"
        )

    def log_page(self, request, page):
        log_access(request, "list", subjects_for_households([h.pk for h in page]), purpose=PURPOSE)


class HouseholdDetail(ApiMixin, generics.GenericAPIView):
    serializer_class = s.HouseholdSerializer
    permission_classes = [SeesPersonalData]

    def get(self, request, pk):
        household = get_visible_or_404(_households(request), request.user, request, pk=pk)
        log_access(request, "view", subjects_for_households([household.pk]), purpose=PURPOSE)
        return Response(self.get_serializer(household).data)


def _residents(request):
    return Resident.objects.visible_to(request.user).select_related("household")


class ResidentList(ApiMixin, PersonalListMixin, generics.ListAPIView):
    serializer_class = s.ResidentSerializer

    @extend_schema(parameters=[s.ResidentQuery])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = _query(self.request, s.ResidentQuery)
        selection = _selection(self.request, query, personal=True)
        residents = _restrict(_residents(self.request), "household__municipality", selection.chosen_ids)
        if "household" in query:
            residents = residents.filter(household_id=query["household"])
        return residents.order_by("reference")

    def log_page(self, request, page):
        log_access(request, "list", page, purpose=PURPOSE)


class ResidentDetail(ApiMixin, generics.GenericAPIView):
    serializer_class = s.ResidentSerializer
    permission_classes = [SeesPersonalData]

    def get(self, request, pk):
        resident = get_visible_or_404(_residents(request), request.user, request, pk=pk)
        log_access(request, "view", [resident], purpose=PURPOSE)
        return Response(self.get_serializer(resident).data)


def _placements(request):
    return Placement.objects.visible_to(request.user).select_related("resident")


def _log_placements(request, action, placements):
    log_access(request, action, [placement.resident for placement in placements], purpose=PURPOSE)


def _in_range(value, name):
    if value is not None and not EARLIEST <= value <= LATEST:
        raise RuleRefused({name: [_("Use a date between 2000 and 2100.")]})


class PlacementList(ApiMixin, PersonalListMixin, generics.ListCreateAPIView):
    serializer_class = s.PlacementSerializer

    @extend_schema(parameters=[s.PlacementQuery])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = _query(self.request, s.PlacementQuery)
        selection = _selection(self.request, query, personal=True)
        placements = _restrict(_placements(self.request), "property__municipality", selection.chosen_ids)
        if "period" in query:
            period = selection.period
            placements = placements.filter(start_date__lt=period.next_start).filter(
                Q(end_date__isnull=True) | Q(end_date__gt=period.start)
            )
        if "kind" in query:
            placements = placements.filter(kind=query["kind"])
        if "household" in query:
            placements = placements.filter(resident__household_id=query["household"])
        return placements.order_by("-start_date", "-pk")

    def log_page(self, request, page):
        _log_placements(request, "list", page)

    @extend_schema(request=s.PlaceHouseholdSerializer, responses={201: s.PlacementsCreatedSerializer})
    def post(self, request, *args, **kwargs):
        """Place a household (or some of its residents) into a property, by the capacity and overlap
        rules of the pages; the messages of a refusal are Dutch."""
        body = s.PlaceHouseholdSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        for name in ("startDate", "plannedEnd"):
            _in_range(data.get(name), name)
        household = Household.objects.visible_to(request.user).active().filter(pk=data["household"]).first()
        if household is None:
            note_refused("residents.household", data["household"])  # logged when outside the scope
            raise RuleRefused({"household": [_("Unknown household, or outside your scope.")]})
        prop = Property.objects.visible_to(request.user).open().filter(pk=data["property"]).first()
        if prop is None:
            note_refused("housing.property", data["property"])
            raise RuleRefused(
                {"property": [_("Unknown property, outside your scope, or not approved or in use.")]}
            )
        residents = None
        if data.get("residents"):
            residents = list(household.residents.filter(pk__in=data["residents"]))
            if len(residents) != len(set(data["residents"])):
                for pk in set(data["residents"]) - {r.pk for r in residents}:
                    note_refused("residents.resident", pk)
                raise RuleRefused(
                    {"residents": [_("Only residents of this household can be placed together.")]}
                )
        try:
            placements = services.place_household(
                household=household,
                property=prop,
                kind=data["kind"],
                start_date=data["startDate"],
                planned_end=data.get("plannedEnd"),
                extension_reason=data.get("extensionReason", ""),
                residents=residents,
            )
        except DjangoValidationError as exc:
            raise RuleRefused({"nonFieldErrors": exc.messages}) from exc
        _log_placements(request, "view", placements)
        return Response(
            s.PlacementsCreatedSerializer({"placements": placements}).data, status=status.HTTP_201_CREATED
        )


class PlacementDetail(ApiMixin, generics.GenericAPIView):
    serializer_class = s.PlacementSerializer
    permission_classes = [SeesPersonalData]

    def get(self, request, pk):
        placement = get_visible_or_404(_placements(request), request.user, request, pk=pk)
        _log_placements(request, "view", [placement])
        return Response(self.get_serializer(placement).data)


class PlacementEnd(ApiMixin, generics.GenericAPIView):
    """End a placement on its move-out day with the outflow that followed."""

    serializer_class = s.PlacementSerializer
    permission_classes = [SeesPersonalData]

    @extend_schema(request=s.EndPlacementSerializer, responses={200: s.PlacementSerializer})
    def post(self, request, pk):
        placement = get_visible_or_404(_placements(request), request.user, request, pk=pk)
        body = s.EndPlacementSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        _in_range(data["endDate"], "endDate")
        try:
            placement = services.end_placement(
                placement=placement,
                end_date=data["endDate"],
                outflow=data["outflow"],
                extension_reason=data.get("extensionReason"),
            )
        except DjangoValidationError as exc:
            raise RuleRefused(
                exc.message_dict if hasattr(exc, "error_dict") else {"nonFieldErrors": exc.messages}
            ) from exc
        _log_placements(request, "view", [placement])
        return Response(self.get_serializer(placement).data)


class NotFound(ApiMixin, APIView):
    """Any other address under /api/v1/: a problem+json 404 instead of the HTML page."""

    permission_classes = [AllowAny]
    authentication_classes = []
    schema = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound()
