"""Municipalities, regions, quotas, organisations, properties, intent agreements and activities."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from housing import scope
from housing.periods import Period, active_on
from housing.validators import CBS_CODE_REGEX, POSTCODE_REGEX, validate_cbs_code, validate_postcode


class MunicipalityQuerySet(models.QuerySet):
    def visible_to(self, user, *, personal=False):
        """Municipalities are public; `personal=True` narrows to those whose records the user may see."""
        return scope.filter_by_municipality(self, user, "pk", personal=personal)

    def active(self):
        return self.filter(active=True)


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=100)
    cbs_code = models.CharField(_("CBS code"), max_length=6, unique=True, validators=[validate_cbs_code])
    province_code = models.CharField(_("province code"), max_length=4, blank=True)
    province = models.CharField(_("province"), max_length=50, blank=True, db_index=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    active = models.BooleanField(
        _("exists"), default=True, help_text=_("Off once a merger has ended the municipality.")
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cbs_code__regex=CBS_CODE_REGEX), name="municipality_cbs_code_format"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("municipality_detail", args=[self.cbs_code])


class UserScope(models.Model):
    """The municipalities a staff member or pioneer works for (SPEC §2)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scope", verbose_name=_("user")
    )
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="user_scopes", verbose_name=_("municipalities")
    )
    province = models.CharField(
        _("province (supervision)"),
        max_length=50,
        blank=True,
        help_text=_("For a province supervisor: the province whose municipalities' figures they see."),
    )

    class Meta:
        verbose_name = _("scope")
        verbose_name_plural = _("scopes")

    def __str__(self):
        return str(self.user)


class RegionQuerySet(models.QuerySet):
    def visible_to(self, user):
        ids = scope.municipality_ids(user, personal=False)
        if ids is scope.ALL:
            return self
        return self.filter(members__in=ids).distinct() if ids else self.none()


class Region(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    members = models.ManyToManyField(Municipality, related_name="regions", verbose_name=_("municipalities"))

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("region_detail", args=[self.pk])


class QuotaQuerySet(models.QuerySet):
    def for_period(self, period):
        return self.filter(year=period.year, half=period.half)

    def visible_to(self, user):
        return scope.filter_by_municipality(self, user, "municipality", personal=False)


class Quota(models.Model):
    class Half(models.IntegerChoices):
        FIRST = 1, _("first half (January–June)")
        SECOND = 2, _("second half (July–December)")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="quotas", verbose_name=_("municipality")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    half = models.PositiveSmallIntegerField(_("half-year"), choices=Half.choices)
    target = models.PositiveIntegerField(_("quota (persons)"))
    carried_over = models.IntegerField(
        _("carried over from previous period"),
        default=0,
        help_text=_("Positive for a backlog, negative for a lead."),
    )
    carried_over_reason = models.CharField(
        _("reason for overriding the carried-over figure"),
        max_length=300,
        blank=True,
        help_text=_(
            "Filled in when the carried-over figure differs from the previous period's result; "
            "a new computation keeps such a figure."
        ),
    )
    statutory_target = models.PositiveIntegerField(
        _("statutory quota (art. 29)"),
        null=True,
        blank=True,
        help_text=_("Computed by Huisvestingswet 2014 art. 29; empty when the quota was entered by hand."),
    )
    population_year = models.PositiveSmallIntegerField(
        _("population reference year"),
        null=True,
        blank=True,
        help_text=_("The year whose population on 1 January the computation used."),
    )

    objects = QuotaQuerySet.as_manager()

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        ordering = ["-year", "-half", "municipality__name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year", "half"], name="quota_unique_per_period"),
            models.CheckConstraint(condition=Q(half__in=[1, 2]), name="quota_half_valid"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="quota_year_range"),
        ]

    def __str__(self):
        return f"{self.municipality} {self.period}"

    @property
    def period(self):
        return Period(self.year, self.half)

    @property
    def population_year_outdated(self):
        """True when the quota was computed from an older population than the law prescribes
        (1 January of the year before the period's year)."""
        return self.population_year is not None and self.population_year != self.year - 1


class Population(models.Model):
    """Inhabitants of a municipality on 1 January of `year` (CBS), with the source of the figure.

    Art. 29 Huisvestingswet 2014 divides a half-year's national number by the inhabitants of
    1 January of the year before; one row per municipality and reference year, so a later year
    adds rows instead of overwriting the figures earlier quotas were computed from."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="populations", verbose_name=_("municipality")
    )
    year = models.PositiveSmallIntegerField(_("reference year (1 January)"))
    inhabitants = models.PositiveIntegerField(_("inhabitants"))
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("population")
        verbose_name_plural = _("populations")
        ordering = ["-year", "municipality__name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="population_unique_per_year"),
            models.CheckConstraint(condition=Q(year__gte=1900, year__lte=2100), name="population_year_range"),
        ]

    def __str__(self):
        return f"{self.municipality} 1-1-{self.year}: {self.inhabitants}"


class NationalNumber(models.Model):
    """The national number of status holders to be housed in a half-year (vg in art. 29), as the
    minister publishes it, or an example figure that says so (demo data, a rehearsal)."""

    year = models.PositiveSmallIntegerField(_("year"))
    half = models.PositiveSmallIntegerField(_("half-year"), choices=Quota.Half.choices)
    persons = models.PositiveIntegerField(_("national number (persons)"), validators=[MinValueValidator(1)])
    source = models.CharField(_("source"), max_length=300)
    is_example = models.BooleanField(
        _("example figure"), default=False, help_text=_("On for a figure that is not the published one.")
    )
    computed_at = models.DateTimeField(_("quotas computed at"), auto_now=True)

    class Meta:
        verbose_name = _("national number")
        verbose_name_plural = _("national numbers")
        ordering = ["-year", "-half"]
        constraints = [
            models.UniqueConstraint(fields=["year", "half"], name="national_number_unique_per_period"),
            models.CheckConstraint(condition=Q(half__in=[1, 2]), name="national_number_half_valid"),
            models.CheckConstraint(condition=Q(persons__gt=0), name="national_number_positive"),
        ]

    def __str__(self):
        return f"{self.period}: {self.persons}"

    @property
    def period(self):
        return Period(self.year, self.half)


class Redistribution(models.Model):
    """An agreement by art. 29(2) Huisvestingswet 2014: members of a region move quota among
    themselves for one period, the sum unchanged. The sum is guaranteed by
    housing.quota.save_redistribution (locks the region) and, on PostgreSQL, by a deferred
    constraint trigger on the shares (migration 0004)."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="redistributions", verbose_name=_("region")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    half = models.PositiveSmallIntegerField(_("half-year"), choices=Quota.Half.choices)
    decided_on = models.DateField(_("decision date"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("redistribution agreement")
        verbose_name_plural = _("redistribution agreements")
        ordering = ["-year", "-half", "region__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "half"], name="redistribution_unique_per_period"
            ),
            models.CheckConstraint(condition=Q(half__in=[1, 2]), name="redistribution_half_valid"),
        ]

    def __str__(self):
        return f"{self.region} {self.period}"

    @property
    def period(self):
        return Period(self.year, self.half)


class RedistributionShare(models.Model):
    """One member's statutory and agreed quota in a redistribution agreement."""

    redistribution = models.ForeignKey(
        Redistribution, on_delete=models.CASCADE, related_name="shares", verbose_name=_("agreement")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="redistribution_shares",
        verbose_name=_("municipality"),
    )
    statutory = models.PositiveIntegerField(_("statutory quota"))
    agreed = models.PositiveIntegerField(_("agreed quota"))

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        ordering = ["municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["redistribution", "municipality"], name="redistribution_share_unique_member"
            ),
        ]

    def __str__(self):
        return f"{self.municipality}: {self.statutory} → {self.agreed}"


class Organisation(models.Model):
    class Kind(models.TextChoices):
        CHURCH = "church", _("church")
        MOSQUE = "mosque", _("mosque")
        HOUSING_CORPORATION = "housing_corporation", _("housing corporation")
        PRIVATE_OWNER = "private_owner", _("private owner")
        ENTREPRENEUR = "entrepreneur", _("entrepreneur")
        VOLUNTEER_GROUP = "volunteer_group", _("volunteer group")
        VLUCHTELINGENWERK = "vluchtelingenwerk", _("VluchtelingenWerk")
        WELFARE = "welfare", _("welfare organisation")
        NIDOS = "nidos", _("Nidos")
        MUNICIPALITY = "municipality", _("municipality")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("municipality"),
    )
    contact = models.CharField(_("contact"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class IntentAgreementQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope.filter_by_municipality(self, user, "municipality", "partners")


class IntentAgreement(models.Model):
    MIN_PERSONS = 25

    class Status(models.TextChoices):
        CONTACT = "contact", _("contact")
        EXPLORING = "exploring", _("exploring")
        INSPIRATION_SESSION = "inspiration_session", _("inspiration session")
        COLLEGE_PROPOSAL = "college_proposal", _("college proposal")
        SIGNED = "signed", _("signed")
        IN_EXECUTION = "in_execution", _("in execution")
        COMPLETED = "completed", _("completed")
        ENDED = "ended", _("ended")

    DECIDED_STATUSES = (Status.SIGNED, Status.IN_EXECUTION, Status.COMPLETED)

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("municipality (lead)"),
    )
    partners = models.ManyToManyField(
        Municipality, blank=True, related_name="partner_agreements", verbose_name=_("partner municipalities")
    )
    committed_persons = models.PositiveIntegerField(
        _("committed persons"), validators=[MinValueValidator(MIN_PERSONS)]
    )
    pioneer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("pioneer"),
    )
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.CONTACT)
    college_decision_date = models.DateField(_("college decision date"), null=True, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = IntentAgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("intent agreement")
        verbose_name_plural = _("intent agreements")
        ordering = ["municipality__name", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(committed_persons__gte=25), name="agreement_at_least_25_persons"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["signed", "in_execution", "completed"])
                | Q(college_decision_date__isnull=False),
                name="agreement_decided_needs_college_decision",
            ),
        ]

    def __str__(self):
        return _("Intent agreement %(municipality)s (%(persons)s persons)") % {
            "municipality": self.municipality,
            "persons": self.committed_persons,
        }

    # The steps in the order an agreement takes them; "ended" can follow any step before completion.
    STEPS = (
        Status.CONTACT,
        Status.EXPLORING,
        Status.INSPIRATION_SESSION,
        Status.COLLEGE_PROPOSAL,
        Status.SIGNED,
        Status.IN_EXECUTION,
        Status.COMPLETED,
    )

    def next_statuses(self):
        """The statuses this agreement may move to: any later step, or ended (not from completed)."""
        if self.status in (self.Status.COMPLETED, self.Status.ENDED):
            return []
        later = list(self.STEPS[self.STEPS.index(self.status) + 1 :])
        return [*later, self.Status.ENDED]

    def clean(self):
        """The college-decision rule: from *signed* on, an agreement has a college decision date and a
        signing date, and it is signed on or after the decision; neither date lies in the future."""
        from django.core.exceptions import ValidationError
        from django.utils import timezone

        errors = {}
        today = timezone.localdate()
        if self.status in self.DECIDED_STATUSES:
            if not self.college_decision_date:
                errors["college_decision_date"] = _(
                    "From status ‘signed’ on, the college decision date is required."
                )
            if not self.signed_on:
                errors["signed_on"] = _("From status ‘signed’ on, the signing date is required.")
        for name in ("college_decision_date", "signed_on"):
            value = getattr(self, name)
            if value and value > today and name not in errors:
                errors[name] = _("This date cannot be in the future.")
        if (
            self.signed_on
            and self.college_decision_date
            and self.signed_on < self.college_decision_date
            and "signed_on" not in errors
        ):
            errors["signed_on"] = _("An agreement is signed on or after the college decision, not before it.")
        if self.signed_on and not self.college_decision_date and "college_decision_date" not in errors:
            errors["college_decision_date"] = _("A signed agreement needs the date of its college decision.")
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("agreement_detail", args=[self.pk])


class PropertyQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope.filter_by_municipality(self, user, "municipality")

    def open(self):
        """Properties that take people: approved or in use."""
        return self.filter(status__in=Property.OPEN_STATUSES)

    def with_occupancy(self, day):
        """Annotate `occupied_now` (placements active on `day`) and `free_now` (capacity minus those,
        never below 0) in the same query, so lists can filter and sort on them. The one occupancy
        of a day for the pages and the admin."""
        occupied = models.Count("placements", filter=active_on(day, prefix="placements__"))
        return self.annotate(
            occupied_now=occupied,
            free_now=models.Case(
                models.When(capacity__gt=occupied, then=models.F("capacity") - occupied),
                default=models.Value(0),
                output_field=models.IntegerField(),
            ),
        )


class Property(models.Model):
    class Kind(models.TextChoices):
        PARSONAGE = "parsonage", _("parsonage")
        CONVENT = "convent", _("convent")
        OFFICE = "office", _("office")
        HOUSE = "house", _("house")
        APARTMENT = "apartment", _("apartment")
        UNITS = "units", _("units/chalets")
        SCHOOL = "school", _("school")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        OFFERED = "offered", _("offered")
        ASSESSING = "assessing", _("assessing")
        APPROVED = "approved", _("approved")
        IN_USE = "in_use", _("in use")
        CLOSED = "closed", _("closed")
        REJECTED = "rejected", _("rejected")

    class Funding(models.TextChoices):
        HAR = "har", _("HAR")
        BZK = "bzk", _("BZK scheme")
        REGULAR_RENT = "regular_rent", _("regular rent")
        OTHER = "other", _("other")

    class OnlyFor(models.TextChoices):
        ANYONE = "", _("anyone")
        MEN = "men", _("men only")
        WOMEN = "women", _("women only")

    OPEN_STATUSES = (Status.APPROVED, Status.IN_USE)  # the statuses that take people

    name = models.CharField(_("name"), max_length=200)
    street = models.CharField(_("street"), max_length=200)
    house_number = models.CharField(_("house number"), max_length=20)
    postcode = models.CharField(_("postcode"), max_length=7, validators=[validate_postcode])
    place = models.CharField(_("place"), max_length=100)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="properties", verbose_name=_("municipality")
    )
    kind = models.CharField(_("property kind"), max_length=20, choices=Kind.choices)
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="properties",
        verbose_name=_("owner"),
    )
    capacity = models.PositiveIntegerField(_("capacity (places)"), validators=[MinValueValidator(1)])
    available_from = models.DateField(_("available from"), null=True, blank=True)
    available_until = models.DateField(_("available until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OFFERED)
    funding = models.CharField(_("funding"), max_length=20, choices=Funding.choices, blank=True)
    agreement = models.ForeignKey(
        IntentAgreement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="properties",
        verbose_name=_("intent agreement"),
    )
    # What the place offers (issue 16), the facts the matching rules of residents/matching.py read.
    # A building with separate units is entered as one property per unit (each with its own
    # capacity and suitability): decided so that occupancy, holds and proposals keep one level.
    suitable_for_families = models.BooleanField(_("suitable for families"), default=True)
    suitable_for_singles = models.BooleanField(_("suitable for singles"), default=True)
    only_for = models.CharField(
        _("only for"), max_length=10, choices=OnlyFor.choices, blank=True, default=OnlyFor.ANYONE
    )
    suitable_for_minors = models.BooleanField(
        _("suitable for minors via Nidos"),
        default=False,
        help_text=_("Unaccompanied minors placed through Nidos may live here."),
    )
    step_free = models.BooleanField(_("step-free access"), default=False)
    rooms = models.PositiveSmallIntegerField(_("rooms"), null=True, blank=True)
    beds = models.PositiveSmallIntegerField(_("beds"), null=True, blank=True)
    shared_facilities = models.BooleanField(
        _("shared facilities"), default=False, help_text=_("Kitchen or bathroom shared with other residents.")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PropertyQuerySet.as_manager()

    class Meta:
        verbose_name = _("property")
        verbose_name_plural = _("properties")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gt=0), name="property_capacity_positive"),
            models.CheckConstraint(
                condition=Q(postcode__regex=POSTCODE_REGEX), name="property_postcode_format"
            ),
            models.CheckConstraint(
                condition=Q(available_until__isnull=True)
                | Q(available_from__isnull=True)
                | Q(available_until__gte=models.F("available_from")),
                name="property_available_until_after_from",
            ),
        ]

    def __str__(self):
        return self.name

    def suitability(self):
        """What the place offers, as labels for its page (the matching rules read the fields)."""
        labels = []
        if self.suitable_for_families:
            labels.append(_("families"))
        if self.suitable_for_singles:
            labels.append(_("singles"))
        if self.only_for:
            labels.append(self.get_only_for_display())
        if self.suitable_for_minors:
            labels.append(_("minors via Nidos"))
        if self.step_free:
            labels.append(_("step-free"))
        if self.shared_facilities:
            labels.append(_("shared facilities"))
        return labels

    @property
    def address(self):
        return f"{self.street} {self.house_number}, {self.postcode} {self.place}"

    def clean_fields(self, exclude=None):
        # Normalise before the field validators run, so `9711ab` is accepted as `9711 AB`.
        from django.core.exceptions import ValidationError

        from housing.validators import normalise_postcode, validate_capacity_bounds, validate_house_number

        self.postcode = normalise_postcode(self.postcode)
        self.house_number = " ".join((self.house_number or "").split())
        exclude = set(exclude or ())
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "capacity" not in exclude and isinstance(self.capacity, int):
            # Replaces the field's own "at least 1", so −3, 0 and 5000 get one message.
            errors.pop("capacity", None)
            try:
                validate_capacity_bounds(self.capacity)
            except ValidationError as error:
                errors["capacity"] = error.error_list
        if "house_number" not in exclude and "house_number" not in errors:
            try:
                validate_house_number(self.house_number)
            except ValidationError as error:
                errors["house_number"] = error.error_list
        if errors:
            raise ValidationError(errors)

    @classmethod
    def same_address(cls, *, street, house_number, postcode, exclude=None):
        """Properties at this address (street and number ignoring case and spaces), for the
        warning when a property seems to be entered twice."""
        found = cls.objects.filter(
            postcode=postcode, street__iexact=(street or "").strip(), house_number__iexact=house_number
        )
        return found.exclude(pk=exclude) if exclude else found

    def clean(self):
        from django.core.exceptions import ValidationError

        from housing.validators import normalise_postcode

        self.postcode = normalise_postcode(self.postcode)
        if self.available_from and self.available_until and self.available_until < self.available_from:
            raise ValidationError({"available_until": _("‘Available until’ lies before ‘available from’.")})

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("property_detail", args=[self.pk])


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope.filter_by_municipality(self, user, "municipality")


class Activity(models.Model):
    class Kind(models.TextChoices):
        PHONE_CALL = "phone_call", _("phone call (Thuisgevers line)")
        MEETING = "meeting", _("meeting")
        INSPIRATION_SESSION = "inspiration_session", _("inspiration session")
        SITE_VISIT = "site_visit", _("site visit")

    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="activities", verbose_name=_("municipality")
    )
    agreement = models.ForeignKey(
        IntentAgreement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("intent agreement"),
    )
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="activities", verbose_name=_("organisations involved")
    )
    summary = models.TextField(_("summary"))

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} ({self.municipality})"
