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


class BulkSubjectQuerySet(AppendOnlyQuerySet):
    def with_reference(self, reference):
        """The records logged under `reference` (exact): their ids from `AccessLogReference`, then
        the records by the id index, each checked against its own reference."""
        ids = AccessLogReference.objects.filter(reference=reference).values("subject_id")
        return self.filter(subject_id__in=ids, subject_reference=reference)


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
    subject_count = models.PositiveIntegerField(
        _("records"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "For an entry about many records at once (an export): how many. They are listed with the "
            "entry (AccessLogSubject), not in the record id and reference fields."
        ),
    )

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
        if self.subject_count is not None:
            return f"{when} {self.actor_username} {self.action} {self.subject_type} ×{self.subject_count}"
        return f"{when} {self.actor_username} {self.action} {self.subject_type}:{self.subject_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError("Access log entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Access log entries are append-only.")


class AccessLogSubject(models.Model):
    """One record named by a bulk entry (an `AccessLogEntry` with `subject_count`): the entry holds
    who, when, why, how and the record type once; this narrow row holds only which record. An
    export of 100,000 people writes one entry and 100,000 of these (docs/access-log.md). Read both
    shapes as one row per record through `AccessRecord`. Append-only like the entries (PostgreSQL
    trigger, migration 0007)."""

    pk = models.CompositePrimaryKey("entry", "subject_id")
    # No database constraint: checking it costs once per row, and rows are only ever written by
    # `log_access_query` right after their entry, in the same transaction.
    entry = models.ForeignKey(
        AccessLogEntry,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the primary key starts with it
        related_name="subjects",
        editable=False,
    )
    # An integer (every model's primary key here is one): half the size of the text, and cheaper to
    # index than text, which is what a bulk entry's cost is made of (docs/performance.md).
    subject_id = models.BigIntegerField(_("record id"), editable=False)
    subject_reference = models.CharField(
        _("pseudonymous reference"), max_length=40, blank=True, editable=False
    )

    objects = BulkSubjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("record of a bulk entry")
        verbose_name_plural = _("records of bulk entries")
        default_permissions = ()
        # "Whose record": by id; "what did this entry name": the primary key. "Whose reference" goes
        # through `AccessLogReference`: an index on the reference here took more than half of
        # writing a bulk entry, its keys arriving in random order (docs/performance.md).
        indexes = [models.Index(fields=["subject_id"], name="accesslog_bulk_subject")]

    def __str__(self):
        return f"{self.entry_id}: {self.subject_id} {self.subject_reference}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Access log entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Access log entries are append-only.")


class AccessLogReference(models.Model):
    """Which record held which pseudonymous reference, for every record a bulk entry names: how
    "who saw this reference" is answered for `AccessLogSubject` rows, whose reference column has no
    index of its own. Written by `accesslog.log.log_access_sql` in the statement that writes the
    records, one row per (reference, record) the first time it is logged, so it grows with the
    number of people, not of exports, and keeps the reference of a record deleted since.
    Append-only like the entries (PostgreSQL trigger, migration 0008). A search finds the ids here,
    then the records by their id index, checking each one's own reference
    (`AccessLogSubject.objects.with_reference`). Not sealed: like an index, it holds nothing the
    sealed records do not."""

    pk = models.CompositePrimaryKey("reference", "subject_type", "subject_id")
    reference = models.CharField(_("pseudonymous reference"), max_length=40, editable=False)
    subject_type = models.CharField(_("record type"), max_length=100, editable=False)
    subject_id = models.BigIntegerField(_("record id"), editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("reference of a logged record")
        verbose_name_plural = _("references of logged records")
        default_permissions = ()

    def __str__(self):
        return f"{self.reference}: {self.subject_type}:{self.subject_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Access log entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Access log entries are append-only.")


class AccessRecordQuerySet(models.QuerySet):
    def for_subject(self, subject_type, subject_id):
        """Every row about one record, in either shape; each shape's own index finds them."""
        subject_id = str(subject_id)
        entries = AccessLogEntry.objects.filter(subject_type=subject_type, subject_id=subject_id)
        found = models.Q(entry__in=entries.values("pk"))
        if subject_id.isdigit():  # bulk entries name records by integer id
            bulk = AccessLogSubject.objects.filter(
                subject_id=int(subject_id), entry__subject_type=subject_type
            )
            found |= models.Q(entry__in=bulk.values("entry"))
        return self.filter(found, subject_type=subject_type, subject_id=subject_id)


class AccessRecord(models.Model):
    """The access log as one row per record seen, whichever shape it was written in: an entry about
    one record, or a bulk entry with its `AccessLogSubject` rows. A database view (migration 0007),
    read-only. Every reader of the log — the admin's search, `export_subject_data`, the tests —
    reads through it or through `for_subject`, so the shape an entry was written in never changes
    an answer."""

    pk = models.CompositePrimaryKey("entry", "subject_id")
    entry = models.ForeignKey(AccessLogEntry, on_delete=models.DO_NOTHING, related_name="+")
    occurred_at = models.DateTimeField(_("time (UTC)"))
    request_id = models.UUIDField(_("request"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    actor_username = models.CharField(_("user name"), max_length=150)
    action = models.CharField(_("action"), max_length=20, choices=AccessLogEntry.Action.choices)
    subject_type = models.CharField(_("record type"), max_length=100)
    subject_id = models.CharField(_("record id"), max_length=64)
    subject_reference = models.CharField(_("pseudonymous reference"), max_length=40)
    result = models.CharField(_("result"), max_length=10, choices=AccessLogEntry.Result.choices)
    purpose = models.CharField(_("processing purpose"), max_length=200)
    client_address = models.GenericIPAddressField(_("IP address"), null=True)
    request_method = models.CharField(_("method"), max_length=10)
    request_path = models.CharField(_("address requested"), max_length=500)

    objects = AccessRecordQuerySet.as_manager()

    class Meta:
        managed = False
        db_table = "accesslog_record"
        verbose_name = _("access log record")
        verbose_name_plural = _("access log records")
        ordering = ["-occurred_at", "-entry_id"]
        default_permissions = ()

    def __str__(self):
        when = f"{self.occurred_at:%Y-%m-%d %H:%M:%S}"
        return f"{when} {self.actor_username} {self.action} {self.subject_type}:{self.subject_id}"

    def save(self, *args, **kwargs):
        raise PermissionError("Access log records are read through a view; write with accesslog.log.")

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
