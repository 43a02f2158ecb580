"""What the API shows: lowerCamelCase fields (NL API Design Rules), ISO 8601 dates."""

from rest_framework import serializers

from figures.signals import KINDS
from housing.models import Property, Quota, Region
from housing.validators import CBS_CODE_REGEX
from residents.models import Household, Placement, Resident

PERIOD_REGEX = r"^(20[0-9]{2}|2100)-H[12]$"
MAX_ID = 999_999_999_999_999_999  # 18 digits, as the pages accept


def period_field(help_text="Half-year, e.g. 2026-H2; default: the current one."):
    return serializers.RegexField(PERIOD_REGEX, required=False, help_text=help_text)


def municipality_field():
    return serializers.RegexField(
        CBS_CODE_REGEX,
        required=False,
        help_text="CBS code of a municipality in the client's scope, e.g. GM0014.",
    )


def region_field():
    return serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Id of a region in the client's scope."
    )


# --- query parameters -------------------------------------------------------------------------


class FiguresQuery(serializers.Serializer):
    period = period_field()
    municipality = municipality_field()
    region = region_field()


class PeriodQuery(serializers.Serializer):
    period = period_field()


class QuotaQuery(serializers.Serializer):
    period = period_field("Half-year, e.g. 2026-H2; default: every period.")
    municipality = municipality_field()
    region = region_field()


class ScopeQuery(serializers.Serializer):
    municipality = municipality_field()
    region = region_field()


class PropertyQuery(ScopeQuery):
    status = serializers.ChoiceField(Property.Status.choices, required=False)


class SignalQuery(ScopeQuery):
    kind = serializers.ChoiceField([(kind, kind) for kind in KINDS], required=False)


class ResidentQuery(ScopeQuery):
    household = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class PlacementQuery(ScopeQuery):
    period = period_field("Placements active on at least one day of this half-year, e.g. 2026-H2.")
    kind = serializers.ChoiceField(Placement.Kind.choices, required=False)
    household = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


# --- figures ------------------------------------------------------------------------------------


class MunicipalityFiguresSerializer(serializers.Serializer):
    cbsCode = serializers.CharField(source="cbs_code")
    name = serializers.CharField()
    province = serializers.CharField()
    period = serializers.CharField()
    hasQuota = serializers.BooleanField(source="has_quota")
    target = serializers.IntegerField()
    carriedOver = serializers.IntegerField(source="carried_over")
    realised = serializers.IntegerField()
    temporary = serializers.IntegerField()
    remaining = serializers.IntegerField()
    actualTask = serializers.IntegerField(source="actual_task")


class QuotaSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.cbs_code")
    period = serializers.CharField()
    carriedOver = serializers.IntegerField(source="carried_over")

    class Meta:
        model = Quota
        fields = ["id", "municipality", "period", "year", "half", "target", "carriedOver"]


class RegionSerializer(serializers.ModelSerializer):
    members = serializers.SerializerMethodField()

    class Meta:
        model = Region
        fields = ["id", "name", "members"]

    def get_members(self, region) -> list[str]:
        return sorted(m.cbs_code for m in region.members.all())


class RegionMemberSerializer(serializers.Serializer):
    cbsCode = serializers.CharField(source="cbs_code")
    name = serializers.CharField()
    target = serializers.IntegerField()
    placements = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)
    contribution = serializers.FloatField(allow_null=True)
    deviation = serializers.FloatField(allow_null=True)


class RegionFiguresSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="region.pk")
    name = serializers.CharField(source="region.name")
    period = serializers.CharField()
    referenceDate = serializers.DateField(source="reference_date")
    totalTarget = serializers.IntegerField(source="total_target")
    totalPlacements = serializers.IntegerField(source="total_placements")
    members = RegionMemberSerializer(many=True)


class PropertySerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.cbs_code")
    houseNumber = serializers.CharField(source="house_number")
    availableFrom = serializers.DateField(source="available_from", allow_null=True)
    availableUntil = serializers.DateField(source="available_until", allow_null=True)
    occupied = serializers.IntegerField(source="occupied_now", help_text="Placements active today.")
    free = serializers.IntegerField(source="free_now", help_text="Capacity minus today's placements.")

    class Meta:
        model = Property
        fields = [
            "id",
            "name",
            "street",
            "houseNumber",
            "postcode",
            "place",
            "municipality",
            "kind",
            "status",
            "funding",
            "capacity",
            "occupied",
            "free",
            "availableFrom",
            "availableUntil",
        ]


class SignalSerializer(serializers.Serializer):
    kind = serializers.ChoiceField([(kind, kind) for kind in KINDS])
    label = serializers.CharField()
    householdId = serializers.IntegerField(source="household_id")
    householdReference = serializers.CharField(source="household_reference")
    municipality = serializers.CharField(source="municipality_code")
    date = serializers.DateField(allow_null=True)
    count = serializers.IntegerField(help_text="Residents concerned (1 for household-level signals).")


# --- personal data --------------------------------------------------------------------------------


class ResidentReferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Resident
        fields = ["id", "reference"]


class HouseholdSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.cbs_code")
    reunificationExpectedMembers = serializers.IntegerField(source="reunification_expected_members")
    reunificationAppliedOn = serializers.DateField(source="reunification_applied_on", allow_null=True)
    reunificationExpectedOn = serializers.DateField(source="reunification_expected_on", allow_null=True)
    reunificationArrivedOn = serializers.DateField(source="reunification_arrived_on", allow_null=True)
    anonymised = serializers.SerializerMethodField()
    residents = ResidentReferenceSerializer(many=True)

    class Meta:
        model = Household
        fields = [
            "id",
            "reference",
            "municipality",
            "category",
            "reunificationExpectedMembers",
            "reunificationAppliedOn",
            "reunificationExpectedOn",
            "reunificationArrivedOn",
            "anonymised",
            "residents",
        ]

    def get_anonymised(self, household) -> bool:
        return household.anonymised_at is not None


class ResidentSerializer(serializers.ModelSerializer):
    household = serializers.IntegerField(source="household_id")
    householdReference = serializers.CharField(source="household.reference")
    vNumber = serializers.CharField(source="v_number", allow_null=True)
    givenName = serializers.CharField(source="given_name")
    familyName = serializers.CharField(source="family_name")
    birthDate = serializers.DateField(source="birth_date", allow_null=True)
    permitDate = serializers.DateField(source="permit_date", allow_null=True)
    gpPractice = serializers.CharField(source="gp_practice")
    gpRegisteredOn = serializers.DateField(source="gp_registered_on", allow_null=True)
    healthInsurance = serializers.ChoiceField(Resident.Insurance.choices, source="health_insurance")
    insuredSince = serializers.DateField(source="insured_since", allow_null=True)

    class Meta:
        model = Resident
        fields = [
            "id",
            "reference",
            "household",
            "householdReference",
            "vNumber",
            "givenName",
            "familyName",
            "birthDate",
            "nationality",
            "permitDate",
            "gpPractice",
            "gpRegisteredOn",
            "healthInsurance",
            "insuredSince",
        ]


class PlacementSerializer(serializers.ModelSerializer):
    resident = serializers.IntegerField(source="resident_id")
    residentReference = serializers.CharField(source="resident.reference")
    household = serializers.IntegerField(source="resident.household_id")
    property = serializers.IntegerField(source="property_id")
    startDate = serializers.DateField(source="start_date")
    plannedEnd = serializers.DateField(source="planned_end", allow_null=True)
    endDate = serializers.DateField(source="end_date", allow_null=True)
    extensionReason = serializers.CharField(source="extension_reason")
    outflow = serializers.ChoiceField([("", ""), *Placement.Outflow.choices])

    class Meta:
        model = Placement
        fields = [
            "id",
            "resident",
            "residentReference",
            "household",
            "property",
            "kind",
            "startDate",
            "plannedEnd",
            "endDate",
            "extensionReason",
            "outflow",
        ]


class PlacementsCreatedSerializer(serializers.Serializer):
    placements = PlacementSerializer(many=True)


# --- writing ------------------------------------------------------------------------------------


class StrictCharField(serializers.CharField):
    """Text only: 0 or true is refused, not turned into "0" (the body is JSON, types count)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """Whole JSON numbers only: "5", 5.0 and true are refused."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictDateField(serializers.DateField):
    def to_internal_value(self, value):
        if not isinstance(value, str):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


class StrictChoiceField(serializers.ChoiceField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class PlaceHouseholdSerializer(serializers.Serializer):
    household = StrictIntegerField(min_value=1, max_value=MAX_ID, help_text="Id of the household.")
    property = StrictIntegerField(
        min_value=1, max_value=MAX_ID, help_text="Id of an approved or in-use property."
    )
    kind = StrictChoiceField(Placement.Kind.choices)
    startDate = StrictDateField()
    plannedEnd = StrictDateField(required=False, allow_null=True)
    extensionReason = StrictCharField(required=False, allow_blank=True, max_length=2000, default="")
    residents = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=50,
        help_text="Ids of the residents to place; default: every resident of the household.",
    )


class EndPlacementSerializer(serializers.Serializer):
    endDate = StrictDateField(help_text="The move-out day: the day itself no longer counts.")
    outflow = StrictChoiceField(Placement.Outflow.choices)
    extensionReason = StrictCharField(required=False, allow_blank=True, max_length=2000)
