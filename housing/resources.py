"""Spreadsheet imports for pioneers in the admin site (django-import-export): properties and quotas.

Rules shared by every import (residents/resources.py builds on them):

- **All or nothing.** The whole file runs in one transaction; one bad row and nothing is saved
  (`use_transactions` plus `rollback_on_validation_errors`, forced in `import_data`). The admin
  shows a dry-run preview first; the confirmed import runs the same checks again.
- **Row by row, in Dutch.** Each bad cell gets a Dutch message under its Dutch column name; row
  numbers count data rows, the first row under the header being row 1.
- **Scope.** A pioneer imports only into their own municipalities: an unknown CBS code and a code
  outside the user's scope are both row errors.
- Columns are Dutch and match the export headers where they overlap (SPEC §8). Dates may be
  ISO (2026-07-01) or Dutch (01-07-2026) text, or real dates in XLSX. Choice columns take the code
  (e.g. `parsonage`) or the label in Dutch or English (e.g. `pastorie`).
"""

import datetime as dt
import decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.admin import ImportMixin

from housing import scope
from housing.imports import DatabaseImportStorage, ImportFileError, SpreadsheetCSV, SpreadsheetXLSX
from housing.models import Municipality, Property, Quota
from housing.periods import Period
from housing.validators import normalise_postcode


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # XLSX gives 12.0 for a house number typed as 12
        return str(value).strip()


class PostcodeWidget(TextWidget):
    """`9711ab` becomes `9711 AB`; the model's validator then explains a wrong postcode in Dutch."""

    def clean(self, value, row=None, **kwargs):
        return normalise_postcode(super().clean(value, row, **kwargs))


class DateWidget(widgets.Widget):
    FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y")

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        for fmt in self.FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(_("“%(value)s” is not a date: use 2026-07-01 or 01-07-2026.") % {"value": text[:30]})

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class IntegerWidget(widgets.Widget):
    def __init__(self, *, minimum=None, **kwargs):
        self.minimum = minimum
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        try:
            number = decimal.Decimal(str(value).strip())
        except decimal.InvalidOperation:
            number = None
        if number is None or number != number.to_integral_value():
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": str(value)[:30]})
        number = int(number)
        if self.minimum is not None and number < self.minimum:
            raise ValueError(
                _("%(value)s is too small: the minimum is %(minimum)s.")
                % {"value": number, "minimum": self.minimum}
            )
        return number


class ChoiceWidget(widgets.Widget):
    """A choice given as its code or its label, in Dutch or English, in any letter case."""

    def __init__(self, choices, **kwargs):
        self.choices = choices
        super().__init__(**kwargs)

    def _lookup(self):
        lookup = {}
        for language in ("en", "nl"):
            with translation.override(language):
                for code, label in self.choices:
                    lookup[str(label).strip().lower()] = code
        for code, _label in self.choices:
            lookup[str(code).lower()] = code
        return lookup

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        text = str(value).strip().lower()
        code = self._lookup().get(text)
        if code is None:
            options = ", ".join(str(label) for _code, label in self.choices)
            raise ValueError(
                _("Unknown value “%(value)s”; choose one of: %(options)s.")
                % {"value": str(value)[:40], "options": options}
            )
        return code


class MunicipalityWidget(widgets.ForeignKeyWidget):
    """A CBS code (GM0014) that must exist and lie in the importing user's scope."""

    def __init__(self, **kwargs):
        super().__init__(Municipality, field="cbs_code", **kwargs)

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        code = str(value).strip().upper()
        municipality = Municipality.objects.filter(cbs_code=code).first()
        if municipality is None:
            raise ValueError(_("Unknown CBS code “%(code)s”.") % {"code": code[:20]})
        user = kwargs.get("user")
        if (
            user is not None
            and not Municipality.objects.visible_to(user, personal=True).filter(pk=municipality.pk).exists()
        ):
            raise ValueError(
                _("%(name)s (%(code)s) is not one of your municipalities; you cannot import into it.")
                % {"name": municipality.name, "code": code}
            )
        return municipality


class AllOrNothingResource(resources.ModelResource):
    """Base for every import: one transaction, Dutch messages under Dutch column names."""

    #: Columns the file must have (header row).
    required_columns = ()
    #: Columns that must have a value in every row (default: the required columns).
    required_values = None

    class Meta:
        use_transactions = True
        clean_model_instances = True
        skip_unchanged = False
        report_skipped = True
        skip_html_diff = False

    def import_data(self, dataset, *args, **kwargs):
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, *args, **kwargs)

    def before_import(self, dataset, **kwargs):
        """Refuse a file without the required columns (a whole-file error, nothing saved)."""
        self.user = kwargs.get("user")
        missing = [c for c in self.required_columns if c not in (dataset.headers or [])]
        if missing:
            raise ValidationError(
                _("The file lacks the column(s) %(columns)s. The first row must hold the column names.")
                % {"columns": ", ".join(missing)}
            )

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        required = self.required_columns if self.required_values is None else self.required_values
        for column in required:
            if _blank(row.get(column)):
                errors[self._attribute_for(column)] = ValidationError(_("This column must be filled in."))
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, ValidationError(messages))
        if errors:
            raise ValidationError(errors)

    def _attribute_for(self, column):
        for field in self.fields.values():
            if field.column_name == column:
                return field.attribute or column
        return column

    def _column_for(self, attribute):
        if attribute == NON_FIELD_ERRORS:
            return attribute
        for field in self.fields.values():
            if field.attribute == attribute:
                return field.column_name
        return attribute

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """As the parent, but errors are keyed by the Dutch column name the user sees."""
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as exc:
            remapped = {}
            for key, messages in exc.message_dict.items():
                if messages:  # an empty list only keeps a field out of full_clean()
                    remapped.setdefault(self._column_for(key), []).extend(messages)
            if remapped:
                raise ValidationError(remapped) from exc


class PropertyResource(AllOrNothingResource):
    """Properties, one per row; every row creates a new property."""

    import_help = gettext_lazy(
        "Properties: one row per property. Required: naam, straat, huisnummer, postcode (1234 AB), "
        "plaats, gemeentecode (one of your municipalities, e.g. GM0014), soort (e.g. pastorie, "
        "woning), aantal_plekken (at least 1). Optional: beschikbaar_vanaf, beschikbaar_tot "
        "(2026-07-01 or 01-07-2026), status (default: offered), financiering (HAR, BZK scheme, "
        "regular rent, other), opmerkingen. A property with the same name and address as an "
        "existing one is refused."
    )

    required_columns = (
        "naam",
        "straat",
        "huisnummer",
        "postcode",
        "plaats",
        "gemeentecode",
        "soort",
        "aantal_plekken",
    )

    name = fields.Field(attribute="name", column_name="naam", widget=TextWidget())
    street = fields.Field(attribute="street", column_name="straat", widget=TextWidget())
    house_number = fields.Field(attribute="house_number", column_name="huisnummer", widget=TextWidget())
    postcode = fields.Field(attribute="postcode", column_name="postcode", widget=PostcodeWidget())
    place = fields.Field(attribute="place", column_name="plaats", widget=TextWidget())
    municipality = fields.Field(
        attribute="municipality", column_name="gemeentecode", widget=MunicipalityWidget()
    )
    kind = fields.Field(attribute="kind", column_name="soort", widget=ChoiceWidget(Property.Kind.choices))
    capacity = fields.Field(attribute="capacity", column_name="aantal_plekken", widget=IntegerWidget())
    available_from = fields.Field(
        attribute="available_from", column_name="beschikbaar_vanaf", widget=DateWidget()
    )
    available_until = fields.Field(
        attribute="available_until", column_name="beschikbaar_tot", widget=DateWidget()
    )
    status = fields.Field(
        attribute="status", column_name="status", widget=ChoiceWidget(Property.Status.choices)
    )
    funding = fields.Field(
        attribute="funding", column_name="financiering", widget=ChoiceWidget(Property.Funding.choices)
    )
    notes = fields.Field(attribute="notes", column_name="opmerkingen", widget=TextWidget())

    class Meta(AllOrNothingResource.Meta):
        model = Property
        force_init_instance = True  # always a new property; no updates through an import
        fields = (
            "name",
            "street",
            "house_number",
            "postcode",
            "place",
            "municipality",
            "kind",
            "capacity",
            "available_from",
            "available_until",
            "status",
            "funding",
            "notes",
        )
        name = gettext_lazy("Properties")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._seen = {}

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.error_dict
        if instance.capacity is not None and instance.capacity < 1 and "capacity" not in errors:
            errors["capacity"] = [ValidationError(_("A property needs at least 1 place; 0 is not possible."))]
        if instance.status is None:
            instance.status = Property.Status.OFFERED
        if instance.funding is None:
            instance.funding = ""
        if instance.kind and instance.name and instance.postcode and instance.house_number:
            key = (instance.name.lower(), instance.postcode, instance.house_number.lower())
            number = kwargs.get("row_number")
            if key in self._seen:
                errors.setdefault(NON_FIELD_ERRORS, []).append(
                    ValidationError(
                        _("This property already appears in row %(row)s of the file.")
                        % {"row": self._seen[key]}
                    )
                )
            else:
                self._seen[key] = number
                exists = Property.objects.filter(
                    name__iexact=instance.name,
                    postcode=instance.postcode,
                    house_number__iexact=instance.house_number,
                ).exists()
                if exists:
                    errors.setdefault(NON_FIELD_ERRORS, []).append(
                        ValidationError(_("A property with this name and address already exists."))
                    )
        if errors:
            raise ValidationError(errors)


class QuotaResource(AllOrNothingResource):
    """Quotas, one per municipality and period; an existing quota is updated."""

    import_help = gettext_lazy(
        "Quotas: one row per municipality and period, with the columns of the quota report: "
        "gemeentecode, periode (2026-H2), taakstelling and optionally achterstand_vorige_periode "
        "(negative for a lead). An existing quota for that municipality and period is updated."
    )

    required_columns = ("gemeentecode", "periode", "taakstelling")

    municipality = fields.Field(
        attribute="municipality", column_name="gemeentecode", widget=MunicipalityWidget()
    )
    period = fields.Field(attribute=None, column_name="periode")
    target = fields.Field(attribute="target", column_name="taakstelling", widget=IntegerWidget(minimum=0))
    carried_over = fields.Field(
        attribute="carried_over", column_name="achterstand_vorige_periode", widget=IntegerWidget()
    )

    class Meta(AllOrNothingResource.Meta):
        model = Quota
        fields = ("municipality", "period", "target", "carried_over")
        name = gettext_lazy("Quotas")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._seen = {}

    @staticmethod
    def _parse_period(row):
        try:
            return Period.parse(str(row.get("periode") or ""))
        except ValueError:
            return None

    def get_instance(self, instance_loader, row):
        period = self._parse_period(row)
        code = str(row.get("gemeentecode") or "").strip().upper()
        if period is None or not code:
            return None
        return Quota.objects.filter(municipality__cbs_code=code, year=period.year, half=period.half).first()

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.error_dict
        period = None
        try:
            period = Period.parse(str(row.get("periode") or ""))
        except ValueError as exc:
            errors["year"] = [ValidationError(str(exc))]
            errors["half"] = []  # keeps full_clean() quiet about it; the message above says it all
        if period is not None:
            instance.year, instance.half = period.year, period.half
            municipality_id = instance.municipality_id
            if municipality_id:
                key = (municipality_id, period)
                if key in self._seen:
                    errors.setdefault(NON_FIELD_ERRORS, []).append(
                        ValidationError(
                            _("This municipality and period already appear in row %(row)s of the file.")
                            % {"row": self._seen[key]}
                        )
                    )
                else:
                    self._seen[key] = kwargs.get("row_number")
        if instance.carried_over is None:
            instance.carried_over = 0
        if errors:
            raise ValidationError(errors)

    def _column_for(self, attribute):
        if attribute in ("year", "half"):
            return "periode"
        return super()._column_for(attribute)


class AllOrNothingImportMixin(ImportMixin):
    """ImportMixin for the admin: pioneers and superusers only, CSV and XLSX, no tracebacks shown,
    and a confirmed import that still fails (the data changed since the preview) saves nothing and
    says so instead of reporting success."""

    formats = [SpreadsheetCSV, SpreadsheetXLSX]
    import_error_display = ("message",)
    import_template_name = "admin/thuisgevers_import.html"
    skip_admin_log = False

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context["import_help"] = [
            r.import_help for r in self.resource_classes if getattr(r, "import_help", "")
        ]
        return context

    def has_import_permission(self, request):
        user = request.user
        return user.is_active and (user.is_superuser or scope.PIONEER in scope.roles_of(user))

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileError):
            form.add_error("import_file", str(e))
        else:
            form.add_error(
                "import_file",
                _(
                    "The file cannot be read. Check that the chosen format (CSV or XLSX) is the "
                    "file's format."
                ),
            )

    def import_action(self, request, **kwargs):
        """The preview. A file that cannot be confirmed (unreadable, too large, bad rows) is not
        kept: only a file waiting for its confirmation stays in the database."""
        response = super().import_action(request, **kwargs)
        upload = request.FILES.get("import_file")
        name = getattr(upload, "tmp_storage_name", None)
        if name and "confirm_form" not in (getattr(response, "context_data", None) or {}):
            DatabaseImportStorage(name=name).remove()
        return response

    def process_import(self, request, **kwargs):
        """The confirmation: a file that expired, was imported already or whose name or choice of
        resource was tampered with is refused with a message, like a file with bad rows."""
        from django.contrib import messages
        from django.http import HttpResponseRedirect
        from django.urls import reverse

        try:
            return super().process_import(request, **kwargs)
        except (ImportFileError, IndexError, ValueError, KeyError) as exc:
            message = (
                str(exc) if isinstance(exc, ImportFileError) else _("The import could not be confirmed.")
            )
            messages.error(request, _("Nothing was imported. %(errors)s") % {"errors": message})
            info = self.get_model_info()
            return HttpResponseRedirect(
                reverse(f"admin:{info[0]}_{info[1]}_import", current_app=self.admin_site.name)
            )

    def get_import_data_kwargs(self, **kwargs):
        data_kwargs = super().get_import_data_kwargs(**kwargs)
        data_kwargs["rollback_on_validation_errors"] = True
        data_kwargs["use_transactions"] = True
        return data_kwargs

    def process_result(self, result, request):
        from django.contrib import messages
        from django.http import HttpResponseRedirect
        from django.urls import reverse

        if result.has_errors() or result.has_validation_errors():
            messages.error(request, import_failure_message(result))
            info = self.get_model_info()
            return HttpResponseRedirect(
                reverse(f"admin:{info[0]}_{info[1]}_import", current_app=self.admin_site.name)
            )
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        from django.contrib import messages
        from import_export.results import RowResult

        messages.success(
            request,
            _("Import finished: %(new)s new and %(updated)s updated rows saved.")
            % {
                "new": result.totals[RowResult.IMPORT_TYPE_NEW],
                "updated": result.totals[RowResult.IMPORT_TYPE_UPDATE],
            },
        )


def import_failure_message(result):
    """One Dutch sentence naming the first bad rows: 'Nothing was imported. Row 7: …'."""
    parts = []
    for invalid in result.invalid_rows[:5]:
        for column, messages in invalid.error_dict.items():
            label = "" if column == NON_FIELD_ERRORS else f"{column}: "
            parts.append(
                _("row %(row)s: %(label)s%(message)s")
                % {"row": invalid.number, "label": label, "message": " ".join(messages)}
            )
    for number, errors in result.row_errors()[:5]:
        for error in errors:
            parts.append(_("row %(row)s: %(message)s") % {"row": number, "message": error.error})
    for error in result.base_errors:
        parts.append(str(getattr(error.error, "message", error.error)))
    return _("Nothing was imported. %(errors)s") % {"errors": "; ".join(parts)}
