"""The access log: who looked at or exported whose personal data, when, why, and with what result.

Modelled on the Dutch government standard *Logboek dataverwerkingen* (one record per processing
operation per data subject, with the processing activity as purpose) and NEN 7513 (actor, action,
subject, result, address, UTC time). It is a separate table without foreign keys to the records it
names, so it outlives them: a household that is anonymised or deleted keeps its trail. The only
link is to the acting user, and that one is nulled (never cascaded) when a user is deleted, the
user name being kept as text.

Rows are append-only. The admin offers no add, change or delete to anyone, superusers included, and
on PostgreSQL a trigger refuses UPDATE and DELETE (migration 0002).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk changes, so no code path edits the log by accident."""

    def update(self, **kwargs):
        raise PermissionError("Access log entries are append-only.")

    def delete(self):
        raise PermissionError("Access log entries are append-only.")

    def for_subject(self, subject_type, subject_id):
        return self.filter(subject_type=subject_type, subject_id=str(subject_id))


class AccessLogEntry(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        LIST = "list", _("listed")
        EXPORT = "export", _("exported")
        PRINT = "print", _("printed")
        SUBJECT_ACCESS = "subject_access", _("right of access export")

    class Result(models.TextChoices):
        SUCCESS = "success", _("success")
        REFUSED = "refused", _("refused")
        ERROR = "error", _("error")

    occurred_at = models.DateTimeField(_("time (UTC)"), default=timezone.now, db_index=True, editable=False)
    request_id = models.UUIDField(
        _("request"),
        default=uuid.uuid4,
        editable=False,
        help_text=_("Groups the entries written by one request (trace id)."),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        # No database constraint: PostgreSQL checks a deferred foreign key once per row at commit,
        # ~0.4–0.9 s for an export's 100,000 rows, and the actor is always the signed-in user who
        # makes the request. Django still applies SET_NULL.
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
        editable=False,
    )
    actor_username = models.CharField(_("user name"), max_length=150, blank=True, editable=False)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, editable=False)
    subject_type = models.CharField(
        _("record type"), max_length=100, editable=False, help_text=_("Model label, e.g. residents.resident.")
    )
    subject_id = models.CharField(_("record id"), max_length=64, blank=True, editable=False)
    subject_reference = models.CharField(
        _("pseudonymous reference"), max_length=40, blank=True, editable=False
    )
    result = models.CharField(
        _("result"), max_length=10, choices=Result.choices, default=Result.SUCCESS, editable=False
    )
    purpose = models.CharField(_("processing purpose"), max_length=200, blank=True, editable=False)
    client_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True, editable=False)
    request_method = models.CharField(_("method"), max_length=10, blank=True, editable=False)
    request_path = models.CharField(_("address requested"), max_length=500, blank=True, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log entries")
        ordering = ["-occurred_at", "-id"]
        # Only "view" exists as a model permission: nobody is ever meant to add, change or delete.
        default_permissions = ("view",)
        # Every index is paid for by every row written, and an export writes one row per person
        # (~100,000 nationally): only the questions the log must answer quickly are indexed — whose
        # record (type + id, or the reference: a plain b-tree, searched exactly in capitals), by
        # whom (actor) and when (occurred_at). The request id is not indexed: an investigation that
        # has one also has the time (`make bench`).
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="accesslog_subject"),
            models.Index(fields=["subject_reference"], name="accesslog_reference"),
        ]

    def __str__(self):
        when = f"{self.occurred_at:%Y-%m-%d %H:%M:%S}"
        return f"{when} {self.actor_username} {self.action} {self.subject_type}:{self.subject_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError("Access log entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Access log entries are append-only.")


class AccessLogSeal(models.Model):
    """A link in the hash chain over the access log (accesslog/seal.py): the SHA-256 of every row
    with an id after the previous seal's `last_id` up to this seal's `last_id`, chained to the
    previous seal's digest. Whoever changes, removes or back-dates a sealed row — the database owner
    included, who can set the trigger aside — breaks the chain, and `verify_access_log` says where."""

    sealed_at = models.DateTimeField(_("sealed at (UTC)"), default=timezone.now, editable=False)
    sealed_before = models.DateTimeField(
        _("rows older than"), editable=False, help_text=_("Only rows written before this time were sealed.")
    )
    last_id = models.BigIntegerField(_("last row"), editable=False)
    row_count = models.PositiveIntegerField(_("rows"), editable=False)
    previous_digest = models.CharField(_("previous digest"), max_length=64, editable=False)
    digest = models.CharField(_("digest"), max_length=64, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log seal")
        verbose_name_plural = _("access log seals")
        ordering = ["last_id"]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.sealed_at:%Y-%m-%d %H:%M} ≤ {self.last_id}: {self.digest[:12]}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError("Access log seals are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Access log seals are append-only.")
