"""Import of households with their residents (admin site, pioneers), one row per resident.

Columns (Dutch, first row of the file):

- `huishouden` (required): a key of your own that groups the rows of one household in this file,
  e.g. `1`, `2`, `fam-A`. It is not stored; every household gets a new pseudonymous reference.
- household columns, read from the household's first row (later rows may leave them empty, and
  if they fill them in they must agree): `gemeentecode` (required, one of your municipalities),
  `categorie` (regulier, ex-amv, hervestiger, amv via Nidos), `nareis_verwacht` (number of
  expected family members), `nareis_aangevraagd_op`, `nareis_verwacht_op`, `nareis_aangekomen_op`.
- resident columns: `v_nummer` (10 digits, unique: not yet in Thuisgevers and once per file),
  `voornaam` and `achternaam` (required), `geboortedatum`, `nationaliteit`, `vergunningsdatum`,
  `huisarts`, `huisarts_sinds`, `zorgverzekering` (onbekend, geen, aangevraagd, verzekerd),
  `verzekerd_sinds`.

Every row creates a new resident; all rows are saved together or none (housing/resources.py).
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields

from housing.resources import (
    AllOrNothingResource,
    ChoiceWidget,
    DateWidget,
    IntegerWidget,
    MunicipalityWidget,
    TextWidget,
)
from residents.models import Household, Resident
from residents.vnumbers import check_v_number_free

HOUSEHOLD_COLUMNS = {
    # column: (Household attribute, widget)
    "gemeentecode": ("municipality", MunicipalityWidget()),
    "categorie": ("category", ChoiceWidget(Household.Category.choices)),
    "nareis_verwacht": ("reunification_expected_members", IntegerWidget(minimum=0)),
    "nareis_aangevraagd_op": ("reunification_applied_on", DateWidget()),
    "nareis_verwacht_op": ("reunification_expected_on", DateWidget()),
    "nareis_aangekomen_op": ("reunification_arrived_on", DateWidget()),
}


class HouseholdResidentResource(AllOrNothingResource):
    import_help = gettext_lazy(
        "Households with residents: one row per resident. The column huishouden groups the rows "
        "of one household (any key of your own, e.g. 1, 2, 3; it is not stored). The household "
        "columns gemeentecode (required), categorie, nareis_verwacht, nareis_aangevraagd_op, "
        "nareis_verwacht_op and nareis_aangekomen_op are read from its first row. Resident "
        "columns: v_nummer (10 digits, unique), voornaam and achternaam (required), geboortedatum, "
        "nationaliteit, vergunningsdatum, huisarts, huisarts_sinds, zorgverzekering (unknown, "
        "none, applied, insured), verzekerd_sinds. Every household gets a new pseudonymous "
        "reference."
    )
    required_columns = ("huishouden", "gemeentecode", "voornaam", "achternaam")
    required_values = ("huishouden", "voornaam", "achternaam")  # gemeentecode: a household's first row

    household_key = fields.Field(attribute=None, column_name="huishouden")
    municipality = fields.Field(attribute=None, column_name="gemeentecode")
    category = fields.Field(attribute=None, column_name="categorie")
    reunification_expected_members = fields.Field(attribute=None, column_name="nareis_verwacht")
    reunification_applied_on = fields.Field(attribute=None, column_name="nareis_aangevraagd_op")
    reunification_expected_on = fields.Field(attribute=None, column_name="nareis_verwacht_op")
    reunification_arrived_on = fields.Field(attribute=None, column_name="nareis_aangekomen_op")
    v_number = fields.Field(attribute="v_number", column_name="v_nummer", widget=TextWidget())
    given_name = fields.Field(attribute="given_name", column_name="voornaam", widget=TextWidget())
    family_name = fields.Field(attribute="family_name", column_name="achternaam", widget=TextWidget())
    birth_date = fields.Field(attribute="birth_date", column_name="geboortedatum", widget=DateWidget())
    nationality = fields.Field(attribute="nationality", column_name="nationaliteit", widget=TextWidget())
    permit_date = fields.Field(attribute="permit_date", column_name="vergunningsdatum", widget=DateWidget())
    gp_practice = fields.Field(attribute="gp_practice", column_name="huisarts", widget=TextWidget())
    gp_registered_on = fields.Field(
        attribute="gp_registered_on", column_name="huisarts_sinds", widget=DateWidget()
    )
    health_insurance = fields.Field(
        attribute="health_insurance",
        column_name="zorgverzekering",
        widget=ChoiceWidget(Resident.Insurance.choices),
    )
    insured_since = fields.Field(
        attribute="insured_since", column_name="verzekerd_sinds", widget=DateWidget()
    )

    class Meta(AllOrNothingResource.Meta):
        model = Resident
        force_init_instance = True  # always new residents; no updates through an import
        fields = (
            "household_key",
            "municipality",
            "category",
            "reunification_expected_members",
            "reunification_applied_on",
            "reunification_expected_on",
            "reunification_arrived_on",
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
        )
        name = gettext_lazy("Households with residents")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._households = {}  # file key -> (Household, first row number)
        self._v_numbers = {}  # V-number -> row number of its first occurrence

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.error_dict
        number = kwargs.get("row_number")
        if instance.health_insurance is None:
            instance.health_insurance = Resident.Insurance.UNKNOWN
        instance.v_number = instance.v_number or None
        self._check_v_number(instance, number, errors)
        key = str(row.get("huishouden") or "").strip()
        if key and "household_key" not in errors:
            self._attach_household(instance, key, row, number, errors, kwargs)
        if errors:
            raise ValidationError(errors)

    def _check_v_number(self, instance, number, errors):
        v_number = instance.v_number
        if not v_number or "v_number" in errors:
            return
        if v_number in self._v_numbers:
            errors.setdefault("v_number", []).append(
                ValidationError(
                    _("V-number %(v_number)s already appears in row %(row)s of the file.")
                    % {"v_number": v_number, "row": self._v_numbers[v_number]}
                )
            )
            return
        self._v_numbers[v_number] = number
        try:  # named when the holder is in the user's scope, neutral otherwise (residents/vnumbers.py)
            check_v_number_free(v_number, getattr(self, "user", None), in_message=True)
        except ValidationError as error:
            errors.setdefault("v_number", []).append(error)

    def _household_values(self, row, kwargs):
        values, errors = {}, {}
        for column, (attribute, widget) in HOUSEHOLD_COLUMNS.items():
            if column not in row:
                continue
            try:
                values[attribute] = widget.clean(row[column], row=row, **kwargs)
            except ValueError as exc:
                errors[column] = [ValidationError(str(exc))]
        return values, errors

    def _attach_household(self, instance, key, row, number, errors, kwargs):
        values, household_errors = self._household_values(row, kwargs)
        if key in self._households:
            household, first_row = self._households[key]
            for column, (attribute, _widget) in HOUSEHOLD_COLUMNS.items():
                value = values.get(attribute)
                if value not in (None, "") and value != getattr(household, attribute):
                    household_errors.setdefault(column, []).append(
                        ValidationError(
                            _("Differs from row %(row)s of this household: leave it empty or repeat it.")
                            % {"row": first_row}
                        )
                    )
            if not household_errors:
                instance.household = household
            errors.update(household_errors)
            return
        if values.get("municipality") is None and "gemeentecode" not in household_errors:
            household_errors["gemeentecode"] = [
                ValidationError(_("Fill in the CBS code on the first row of each household."))
            ]
        if household_errors:
            errors.update(household_errors)
            return
        household = Household(
            municipality=values.get("municipality"),
            category=values.get("category") or Household.Category.REGULAR,
            reunification_expected_members=values.get("reunification_expected_members") or 0,
            reunification_applied_on=values.get("reunification_applied_on"),
            reunification_expected_on=values.get("reunification_expected_on"),
            reunification_arrived_on=values.get("reunification_arrived_on"),
        )
        try:
            household.full_clean()
        except ValidationError as exc:
            for attribute, messages in exc.message_dict.items():
                column = next(
                    (c for c, (a, _w) in HOUSEHOLD_COLUMNS.items() if a == attribute), NON_FIELD_ERRORS
                )
                errors.setdefault(column, []).extend(ValidationError(m) for m in messages)
            return
        household.save()
        self._households[key] = (household, number)
        instance.household = household

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # The V-number's uniqueness is checked above with a clearer message; the household is
        # checked when it is made.
        errors = dict(import_validation_errors or {})
        if instance.household_id is None:
            errors.setdefault("household", [])  # already explained under the household's columns
        super().validate_instance(instance, errors, validate_unique=False)

    def _column_for(self, attribute):
        if attribute == "household":
            return "huishouden"
        if attribute in HOUSEHOLD_COLUMNS:
            return attribute
        return super()._column_for(attribute)
