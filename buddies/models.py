"""Volunteer buddies and their matches with households (SPEC §4)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from housing import scope
from housing.models import Municipality, Organisation
from housing.periods import active_on
from residents.models import Household


class BuddyQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not scope.sees_personal_data(user):
            return self.none()
        return scope.filter_by_municipality(self, user, "municipality")

    def active(self):
        return self.filter(active=True)


class Buddy(models.Model):
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="buddies",
        verbose_name=_("organisation"),
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="buddies", verbose_name=_("municipality")
    )
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    vog_date = models.DateField(
        _("certificate of conduct (VOG) date"), null=True, blank=True, help_text=_("Certificate of conduct")
    )
    active = models.BooleanField(_("active"), default=True)

    objects = BuddyQuerySet.as_manager()

    class Meta:
        verbose_name = _("buddy")
        verbose_name_plural = _("buddies")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("buddy_detail", args=[self.pk])


class BuddyMatchQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(
            buddy__in=Buddy.objects.visible_to(user), household__in=Household.objects.visible_to(user)
        )

    def active_on(self, day):
        """Matches covering `day`: started on or before it, not yet ended (the end day is excluded)."""
        return self.filter(active_on(day))


class BuddyMatch(models.Model):
    buddy = models.ForeignKey(
        Buddy, on_delete=models.PROTECT, related_name="matches", verbose_name=_("buddy")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="buddy_matches", verbose_name=_("household")
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    objects = BuddyMatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=F("start_date")),
                name="buddymatch_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.buddy} – {self.household}"

    def is_active_on(self, day):
        return self.start_date <= day and (self.end_date is None or self.end_date > day)

    def clean(self):
        """A match records what has happened: it starts today at the latest (a planned match is not a
        match yet, so it never shows as current nor blocks the next one). A household has one buddy
        at a time; the buddies.services functions check this under a lock on the household row."""
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError({"end_date": _("The end date must be after the start date.")})
        if self.start_date and self.start_date > timezone.localdate():
            raise ValidationError(
                {"start_date": _("A match cannot start in the future: record it on the day it starts.")}
            )
        if self.start_date and self.household_id:
            overlapping = self.overlapping_matches()
            if overlapping:
                other = overlapping[0]
                raise ValidationError(
                    _(
                        "This household already has a buddy in this period: %(buddy)s from %(start)s. "
                        "End that match first."
                    )
                    % {"buddy": other.buddy.name, "start": date_format(other.start_date)}
                )

    def overlapping_matches(self):
        """The household's other matches sharing a day with this one (the end day is excluded)."""
        others = BuddyMatch.objects.filter(household_id=self.household_id).exclude(pk=self.pk)
        if self.end_date is not None:
            others = others.filter(start_date__lt=self.end_date)
        others = others.filter(Q(end_date__isnull=True) | Q(end_date__gt=self.start_date))
        return list(others.select_related("buddy").order_by("start_date"))
