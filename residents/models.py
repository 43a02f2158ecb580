"""Households, residents and their placements (SPEC §4, §5)."""

import builtins
import calendar
import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from housing import scope
from housing.models import Municipality, Organisation, Property
from housing.periods import active_on
from residents import search
from residents.validators import (
    V_NUMBER_REGEX,
    household_date_errors,
    resident_date_errors,
    validate_v_number,
)

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone


def new_reference(prefix):
    """A pseudonymous reference such as `HH-7K3Q9PXM` that says nothing about the person."""
    return prefix + "-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def new_household_reference():
    return new_reference("HH")


def new_resident_reference():
    return new_reference("BW")


class HouseholdQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Households linked to the user's municipalities, or placed in a property located in them."""
        ids = scope.municipality_ids(user)
        if not scope.sees_personal_data(user):
            return self.none()
        if ids is scope.ALL:
            return self
        if not ids:
            return self.none()
        # One UNION subquery rather than `linked OR pk IN (placed here)`: each part uses its own index
        # (household municipality; property municipality → placements), where the OR made
        # PostgreSQL scan every household (182 → 67 ms for a count at national scale, `make bench`).
        linked = Household.objects.filter(municipality__in=ids).order_by().values("pk")
        placed_here = (
            Placement.objects.filter(property__municipality__in=ids).order_by().values("resident__household")
        )
        return self.filter(pk__in=linked.union(placed_here))

    def active(self):
        return self.filter(anonymised_at__isnull=True)

    def with_list_columns(self, day, *, buddy_matches):
        """The household list's columns on `day`: `persons`, `care_gaps` (residents without a GP or
        insurance), `placed_now` and `buddy_now`, with the municipality.

        Counts are correlated subqueries rather than joins with GROUP BY, so PostgreSQL walks the
        reference index and computes them for the rows of one page only (50,000 households).
        `buddy_matches` is the buddies app's `BuddyMatch` manager or queryset: residents sits
        below buddies and does not import it.
        """
        here = models.OuterRef("pk")
        care_gap = Q(gp_practice="") | ~Q(health_insurance=Resident.Insurance.INSURED)
        return self.select_related("municipality").annotate(
            persons=self._resident_count(),
            care_gaps=self._resident_count(care_gap),
            placed_now=models.Exists(Placement.objects.active_on(day).filter(resident__household=here)),
            buddy_now=models.Exists(buddy_matches.active_on(day).filter(household=here)),
        )

    def with_persons(self):
        """Annotate `persons`: the household's residents (a correlated subquery)."""
        return self.annotate(persons=self._resident_count())

    @staticmethod
    def _resident_count(condition=None):
        """Residents of the outer household (matching `condition`) as a correlated subquery."""
        from django.db.models.functions import Coalesce

        residents = Resident.objects.filter(household=models.OuterRef("pk"))
        if condition is not None:
            residents = residents.filter(condition)
        counted = residents.order_by().values("household").annotate(n=models.Count("pk")).values("n")
        return Coalesce(models.Subquery(counted, output_field=models.IntegerField()), 0)


class Household(models.Model):
    class Category(models.TextChoices):
        REGULAR = "regular", _("regular")
        EX_AMV = "ex_amv", _("ex-amv")
        RESETTLED = "resettled", _("resettled refugee")
        AMV_NIDOS = "amv_nidos", _("amv via Nidos")

    class Members(models.TextChoices):
        UNKNOWN = "unknown", _("not recorded")
        MEN = "men", _("men only")
        WOMEN = "women", _("women only")
        MIXED = "mixed", _("men and women")

    reference = models.CharField(
        _("reference"), max_length=20, unique=True, default=new_household_reference, editable=False
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name=_("linked municipality"),
        help_text=_("The municipality whose quota this household counts for."),
    )
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.REGULAR
    )
    support_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supported_households",
        verbose_name=_("support organisation"),
    )
    linked_on = models.DateField(
        _("linking date"),
        null=True,
        blank=True,
        help_text=_(
            "The day the household was linked to this municipality; its waiting time counts from here."
        ),
    )
    members = models.CharField(
        _("members"),
        max_length=10,
        choices=Members.choices,
        default=Members.UNKNOWN,
        help_text=_("Men only or women only matters for places that take only men or only women."),
    )
    needs_step_free = models.BooleanField(_("needs step-free access"), default=False)
    reunification_expected_members = models.PositiveSmallIntegerField(
        _("family reunification: expected members"), default=0
    )
    reunification_applied_on = models.DateField(_("family reunification applied on"), null=True, blank=True)
    reunification_expected_on = models.DateField(_("family reunification expected on"), null=True, blank=True)
    reunification_arrived_on = models.DateField(_("family reunification arrived on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    anonymised_at = models.DateTimeField(_("anonymised on"), null=True, blank=True, editable=False)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reunification_arrived_on__isnull=True)
                | Q(reunification_applied_on__isnull=True)
                | Q(reunification_arrived_on__gte=F("reunification_applied_on")),
                name="household_reunification_arrives_after_application",
            ),
        ]

    def __str__(self):
        return self.reference

    def save(self, *args, **kwargs):
        if self._state.adding and self.linked_on is None:  # imports and the API may leave it out
            self.linked_on = timezone.localdate()
        super().save(*args, **kwargs)

    def waiting_days(self, today):
        """Days since the linking date (the waiting time of a household not yet placed)."""
        return (today - self.linked_on).days if self.linked_on else None

    @property
    def reunification_pending(self):
        return self.reunification_expected_members > 0 and self.reunification_arrived_on is None

    def clean(self):
        if errors := household_date_errors(self):
            raise ValidationError(errors)
        if (
            self.reunification_applied_on
            and self.reunification_arrived_on
            and self.reunification_arrived_on < self.reunification_applied_on
        ):
            raise ValidationError(
                {
                    "reunification_arrived_on": _(
                        "The family reunification arrival date lies before the application date."
                    )
                }
            )

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("household_detail", args=[self.pk])


def _sees_every_household(user):
    """Superusers (and anyone with every municipality): no filter, so no join to households."""
    return scope.sees_personal_data(user) and scope.municipality_ids(user) is scope.ALL


class ResidentQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _sees_every_household(user):
            return self
        return self.filter(household__in=Household.objects.visible_to(user))

    # SQLite has no trigram index: its misspelling fallback compares at most this many names in Python.
    FUZZY_CANDIDATES = 5000
    FUZZY_RATIO = 0.75

    def search(self, text):
        """Residents matching a typed search (see residents/search.py for how it is read): every
        part must match — V-number exactly, reference (of the resident or the household) exactly,
        birth date exactly, and the name words.

        Names are matched without accents or case on `search_text`. On PostgreSQL a name also
        matches when it is misspelt: pg_trgm's word similarity (`%>`, threshold 0.6) over a GIN
        trigram index, best match first. On SQLite every word must occur in the name; when no name
        does, each word may instead be close to a word of the name (difflib ratio ≥ 0.75, over at
        most FUZZY_CANDIDATES residents) — the same idea, without an index.
        """
        query = search.parse(text) if isinstance(text, str) else text
        if not query:
            return self.none()
        qs = self
        if query.v_numbers:
            qs = qs.filter(v_number__in=query.v_numbers)
        if query.references:
            qs = qs.filter(Q(reference__in=query.references) | Q(household__reference__in=query.references))
        if query.birth_dates:
            qs = qs.filter(birth_date__in=query.birth_dates)
        if not query.words:
            return qs.order_by("family_name", "given_name", "pk")
        contains = Q()
        for word in query.words:
            contains &= Q(search_text__contains=word)
        if _is_postgresql(qs.db):
            from django.contrib.postgres.search import TrigramWordSimilarity

            return (
                qs.filter(contains | Q(search_text__trigram_word_similar=query.name))
                .annotate(similarity=TrigramWordSimilarity(Value(query.name), "search_text"))
                .order_by("-similarity", "family_name", "given_name", "pk")
            )
        exact = qs.filter(contains)
        if exact.exists():
            return exact.order_by("family_name", "given_name", "pk")
        return qs.filter(pk__in=self._close_names(qs, query.words)).order_by(
            "family_name", "given_name", "pk"
        )

    def _close_names(self, qs, words):
        import difflib

        found = []
        candidates = qs.order_by().values_list("pk", "search_text")[: self.FUZZY_CANDIDATES]
        for pk, text in candidates:
            name_words = text.split()
            if all(
                any(
                    difflib.SequenceMatcher(None, word, other).ratio() >= self.FUZZY_RATIO
                    for other in name_words
                )
                for word in words
            ):
                found.append(pk)
        return found


def _is_postgresql(alias):
    from django.db import connections

    return connections[alias].vendor == "postgresql"


class Resident(models.Model):
    class Insurance(models.TextChoices):
        UNKNOWN = "unknown", _("unknown")
        NONE = "none", _("none")
        APPLIED = "applied", _("applied")
        INSURED = "insured", _("insured")

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="residents", verbose_name=_("household")
    )
    reference = models.CharField(
        _("reference"), max_length=20, unique=True, default=new_resident_reference, editable=False
    )
    v_number = models.CharField(
        _("V-number"),
        max_length=10,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_v_number],
        help_text=_("10 digits. Empty after anonymisation."),
    )
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    nationality = models.CharField(_("nationality"), max_length=100, blank=True)
    permit_date = models.DateField(_("permit date"), null=True, blank=True)
    gp_practice = models.CharField(_("GP practice"), max_length=200, blank=True)
    gp_registered_on = models.DateField(_("registered with GP on"), null=True, blank=True)
    health_insurance = models.CharField(
        _("health insurance"), max_length=10, choices=Insurance.choices, default=Insurance.UNKNOWN
    )
    insured_since = models.DateField(_("insured since"), null=True, blank=True)
    # The name without accents or case (residents/search.py), kept on every save: what the search
    # in the page header matches, with a trigram index on PostgreSQL (migration 0004).
    search_text = models.CharField(max_length=200, blank=True, editable=False, default="")

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["household", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(v_number__isnull=True) | Q(v_number__regex=V_NUMBER_REGEX),
                name="resident_v_number_format",
            ),
        ]
        indexes = [models.Index(fields=["birth_date"], name="resident_birth_date")]

    def __str__(self):
        return f"{self.given_name} {self.family_name}".strip() or self.reference

    def save(self, *args, **kwargs):
        self.search_text = search.name_key(self.given_name, self.family_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"given_name", "family_name"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def has_gp(self):
        return bool(self.gp_practice)

    @property
    def is_insured(self):
        return self.health_insurance == self.Insurance.INSURED

    def clean(self):
        if errors := resident_date_errors(self):  # no birth date in 2030 (residents/validators.py)
            raise ValidationError(errors)


class PlacementQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _sees_every_household(user):
            return self
        return self.filter(resident__household__in=Household.objects.visible_to(user))

    def active_on(self, day):
        """Placements covering `day`: started on or before it, not yet ended (the end day is excluded)."""
        return self.filter(active_on(day))

    def overlapping(self, start, end):
        """Placements sharing at least one day with [start, end); `end=None` is open-ended."""
        qs = self.filter(Q(end_date__isnull=True) | Q(end_date__gt=start))
        return qs if end is None else qs.filter(start_date__lt=end)

    def temporary(self):
        return self.filter(kind__in=Placement.TEMPORARY_KINDS)


class Placement(models.Model):
    class Kind(models.TextChoices):
        HAR = "har", _("HAR (temporary)")
        TRANSIT = "transit", _("transit housing (temporary)")
        PERMANENT = "permanent", _("permanent home")

    class Outflow(models.TextChoices):
        PERMANENT_HERE = "permanent_here", _("permanent home in this municipality")
        OTHER_MUNICIPALITY = "other_municipality", _("other municipality")
        LEFT = "left", _("left")
        OTHER = "other", _("other")

    TEMPORARY_KINDS = (Kind.HAR, Kind.TRANSIT)
    DEFAULT_TEMPORARY_MONTHS = 6
    MAX_TEMPORARY_MONTHS = 12

    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="placements", verbose_name=_("resident")
    )
    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, related_name="placements", verbose_name=_("property")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    start_date = models.DateField(_("start date"))
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    end_date = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        help_text=_("The move-out day: the day itself no longer counts."),
    )
    extension_reason = models.TextField(_("extension reason"), blank=True)
    outflow = models.CharField(_("outflow"), max_length=20, choices=Outflow.choices, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=F("start_date")),
                name="placement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True) | Q(planned_end__gt=F("start_date")),
                name="placement_planned_end_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["property", "start_date", "end_date"], name="placement_property_dates"),
            # Covers the per-resident lookups of the figures and signals (first counting start,
            # active temporary placement) as index-only scans.
            models.Index(
                fields=["resident", "start_date", "kind", "end_date"], name="placement_resident_cover"
            ),
            # The placements list, newest first, reads the first page without sorting every row.
            models.Index(fields=["start_date"], name="placement_start_date"),
        ]
        # The no-overlap rule is an exclusion constraint on PostgreSQL (migration 0002 of this app);
        # SQLite users get the same rule from Placement.clean() and the placement service.

    def __str__(self):
        return f"{self.resident.reference} → {self.property} ({self.start_date:%Y-%m-%d})"

    @builtins.property  # `property` is a field name in this class body
    def is_temporary(self):
        return self.kind in self.TEMPORARY_KINDS

    def is_active_on(self, day):
        return self.start_date <= day and (self.end_date is None or self.end_date > day)

    @classmethod
    def default_planned_end(cls, kind, start):
        if kind in cls.TEMPORARY_KINDS and start:
            return add_months(start, cls.DEFAULT_TEMPORARY_MONTHS)
        return None

    def exceeds_maximum(self):
        """Temporary and planned (or lasting) beyond 12 months: allowed with a reason, and a signal."""
        if not self.is_temporary:
            return False
        limit = add_months(self.start_date, self.MAX_TEMPORARY_MONTHS)
        end = self.end_date or self.planned_end
        return end is not None and end > limit

    def clean(self):
        errors = {}
        if self.end_date and self.start_date and self.end_date <= self.start_date:
            errors["end_date"] = _("The end date must be after the start date.")
        if self.planned_end and self.start_date and self.planned_end <= self.start_date:
            errors["planned_end"] = _("The planned end date must be after the start date.")
        if self.start_date and self.exceeds_maximum() and not self.extension_reason.strip():
            errors["extension_reason"] = _(
                "A temporary placement longer than 12 months needs an extension reason."
            )
        if self.resident_id and self.start_date and not errors:
            others = Placement.objects.filter(resident_id=self.resident_id).exclude(pk=self.pk)
            clash = others.overlapping(self.start_date, self.end_date).select_related("property").first()
            if clash is not None:
                errors["start_date"] = clash.overlap_message(self.resident)
        if errors:
            raise ValidationError(errors)

    def overlap_message(self, resident):
        """Why another placement of `resident` cannot overlap this one, naming both."""
        values = {
            "resident": f"{resident} ({resident.reference})",
            "property": self.property.name,
            "start": self.start_date.strftime("%d-%m-%Y"),
        }
        if self.end_date is None:
            return (
                _(
                    "%(resident)s already lives in %(property)s from %(start)s, without an end date. "
                    "End that placement first, or let the new one start on its planned end."
                )
                % values
            )
        return _(
            "%(resident)s already lives in %(property)s from %(start)s until %(end)s, which overlaps "
            "this period."
        ) % {**values, "end": self.end_date.strftime("%d-%m-%Y")}


def add_months(day, months):
    """`day` plus whole months, clamped to the month's last day (31 January + 1 month = 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class SignalStateQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(household__in=Household.objects.visible_to(user))


class SignalState(models.Model):
    """What someone did about a signal of a household (the signals themselves are computed in
    figures.signals): handled, with a note, or snoozed until a date. One row per household and
    kind. A *handled* state holds for the signal as it was when it was handled (its date): when the
    situation changes — a new planned end, a new placement — the signal has another date and is open
    again. A *snoozed* signal is open again from `snoozed_until`. Changed through
    figures.services; every change is in the audit history."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        HANDLED = "handled", _("handled")
        SNOOZED = "snoozed", _("snoozed")

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="signal_states", verbose_name=_("household")
    )
    kind = models.CharField(_("signal"), max_length=30)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    signal_date = models.DateField(_("signal date"), null=True, blank=True)
    snoozed_until = models.DateField(_("snoozed until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)

    objects = SignalStateQuerySet.as_manager()

    class Meta:
        verbose_name = _("signal state")
        verbose_name_plural = _("signal states")
        constraints = [
            models.UniqueConstraint(fields=["household", "kind"], name="signalstate_one_per_household_kind"),
            models.CheckConstraint(
                condition=~Q(state="snoozed") | Q(snoozed_until__isnull=False),
                name="signalstate_snoozed_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.household}: {self.state}"


class HoldQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(household__in=Household.objects.visible_to(user))

    def active_on(self, day):
        return self.filter(active_on(day))

    def overlapping(self, start, end):
        """Holds covering any day of [start, end) (an empty end: from start on)."""
        condition = Q(end_date__gt=start)
        if end is not None:
            condition &= Q(start_date__lt=end)
        return self.filter(condition)


class Hold(models.Model):
    """Places in a property held for a household (issue 16): for family members expected through
    reunification, or while a proposal is open. A hold covers its start day up to, not including,
    its end day — the same rule as a placement — so an expired hold frees its places by itself, and
    releasing one early moves its end date to today. Held places count against the free places for
    matching and for new placements of other households (residents.services.validate_capacity),
    never in the §6 figures."""

    class Reason(models.TextChoices):
        REUNIFICATION = "reunification", _("family reunification")
        PROPOSAL = "proposal", _("open proposal")
        OTHER = "other", _("other")

    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, related_name="holds", verbose_name=_("property")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="holds", verbose_name=_("household")
    )
    places = models.PositiveSmallIntegerField(_("places"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    start_date = models.DateField(_("held from"))
    end_date = models.DateField(_("held until"), help_text=_("The places are free again on this day."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = HoldQuerySet.as_manager()

    class Meta:
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(places__gt=0), name="hold_places_positive"),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="hold_ends_after_start"),
        ]
        indexes = [models.Index(fields=["property", "end_date"], name="hold_property_end")]

    def __str__(self):
        return f"{self.household} → {self.property} ({self.places})"

    def is_active_on(self, day):
        return self.start_date <= day < self.end_date

    def clean(self):
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError({"end_date": _("A hold ends after the day it starts.")})


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(household__in=Household.objects.visible_to(user))

    def open(self):
        return self.filter(status=Proposal.Status.OPEN)


class Proposal(models.Model):
    """A pioneer proposes a household for a property; the municipality accepts (which places the
    household, residents.services.accept_proposal) or declines with a structured reason. While
    open, the proposal holds the household's places until `respond_by`. A household declined for a
    property is not proposed for it again (residents.services.propose)."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class DeclineReason(models.TextChoices):
        TOO_SMALL = "too_small", _("the place is too small")
        NOT_SUITABLE = "not_suitable", _("the place does not suit this household")
        HOUSEHOLD_DECLINED = "household_declined", _("the household declined")
        OTHER_PLANS = "other_plans", _("the municipality has other plans for this household")
        NOT_AVAILABLE = "not_available", _("the place is not available on that date")
        OTHER = "other", _("other reason")

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("household")
    )
    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("property")
    )
    kind = models.CharField(_("placement kind"), max_length=10, choices=Placement.Kind.choices)
    start_date = models.DateField(_("proposed move-in date"))
    respond_by = models.DateField(
        _("answer by"), help_text=_("The places stay held for the household until this day.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    decline_reason = models.CharField(
        _("reason for declining"), max_length=30, choices=DeclineReason.choices, blank=True
    )
    note = models.TextField(
        _("note"),
        blank=True,
        help_text=_("Readable by everyone who sees this household. No medical details."),
    )
    hold = models.OneToOneField(
        Hold, on_delete=models.PROTECT, null=True, blank=True, related_name="proposal", verbose_name=_("hold")
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            # One open proposal per household: a second one would hold the same people twice.
            models.UniqueConstraint(
                fields=["household"], condition=Q(status="open"), name="proposal_one_open_per_household"
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""), name="proposal_declined_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.household} → {self.property}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("proposal_detail", args=[self.pk])
