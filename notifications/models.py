"""Deadline e-mails (digests): each user's choice, and what was sent, so a second run of
`send_digests` sends nothing twice."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DigestPreference(models.Model):
    class Frequency(models.TextChoices):
        OFF = "off", _("no e-mail")
        DAILY = "daily", _("daily")
        WEEKLY = "weekly", _("weekly")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digest_preference",
        verbose_name=_("user"),
    )
    frequency = models.CharField(
        _("deadline e-mail"), max_length=10, choices=Frequency.choices, default=Frequency.OFF
    )

    class Meta:
        verbose_name = _("deadline e-mail preference")
        verbose_name_plural = _("deadline e-mail preferences")

    def __str__(self):
        return f"{self.user} ({self.frequency})"


class DigestSent(models.Model):
    """One digest sent to one user for one day (daily) or ISO week (weekly)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=DigestPreference.Frequency.choices)
    due = models.CharField(
        _("due for"), max_length=10, help_text=_("The day (2026-12-01) or ISO week (2026-W49).")
    )
    items = models.PositiveIntegerField(_("items"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("deadline e-mail sent")
        verbose_name_plural = _("deadline e-mails sent")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "frequency", "due"], name="digest_sent_once_per_due")
        ]

    def __str__(self):
        return f"{self.user} {self.due}"
