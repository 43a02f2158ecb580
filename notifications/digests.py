"""What a deadline e-mail holds and sending it (SPEC §10). References and links only, never names.

The items are the open signals that ask for action before a deadline, from figures/signals.py (the
one place that computes signals, so the e-mail and the signals page agree): temporary stays ending
within 8 weeks without a next home, care gaps, and temporary stays beyond 12 months. Holds expiring
and proposals waiting belong here too once matching and planning exist; they do not yet.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from figures.signals import BEYOND_MAXIMUM, CARE_GAP, ENDING_SOON, KIND_LABELS, signal_query
from housing import scope
from notifications.models import DigestPreference, DigestSent

DIGEST_KINDS = (ENDING_SOON, CARE_GAP, BEYOND_MAXIMUM)
MAX_LINES = 200  # per kind; the rest is one line with a link to the signals page


def due_key(frequency, today):
    """The day or ISO week a digest is for: one digest per user per key."""
    if frequency == DigestPreference.Frequency.DAILY:
        return today.isoformat()
    year, week, _weekday = today.isocalendar()
    return f"{year}-W{week:02d}"


def _link(path):
    return settings.DIGEST_BASE_URL.rstrip("/") + path


def digest_sections(user, today):
    """[(label, total, [(reference, municipality code, date, link)], link to the rest)] per kind."""
    found = signal_query(user, DIGEST_KINDS, today=today)
    counts = found.counts()
    lines = {kind: [] for kind in DIGEST_KINDS}
    for signal in found:
        if len(lines[signal.kind]) < MAX_LINES:
            lines[signal.kind].append(
                (signal.household_reference, signal.municipality_code, signal.date, _link(signal.url))
            )
    signals_page = _link(reverse("signal_list"))
    return [
        (str(KIND_LABELS[kind]), counts[kind], lines[kind], f"{signals_page}?kind={kind}")
        for kind in DIGEST_KINDS
        if counts[kind]
    ]


def build_message(user, today):
    """The e-mail for `user` on `today`, in Dutch (the default language), or None when nothing is due."""
    with translation.override(settings.LANGUAGE_CODE):
        sections = digest_sections(user, today)
        total = sum(count for _label, count, _lines, _link in sections)
        if not total:
            return None, 0
        subject = ngettext(
            "Thuisgevers: %(count)s signal needs action",
            "Thuisgevers: %(count)s signals need action",
            total,
        ) % {"count": total}
        body = render_to_string(
            "notifications/digest.txt",
            {
                "today": today,
                "sections": sections,
                "settings_link": _link(reverse("digest_preference")),
                "signals_link": _link(reverse("signal_list")),
            },
        )
    return EmailMessage(subject, body, to=[user.email]), total


def recipients(frequency):
    """Active users who chose `frequency` and have an address and personal data in their scope."""
    preferences = (
        DigestPreference.objects.filter(frequency=frequency, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__pk")
    )
    return [p.user for p in preferences if scope.sees_personal_data(p.user)]


def send_digests(*, today=None, dry_run=False):
    """Send every digest that is due and not yet sent. Returns [(username, frequency, items)].

    Safe to run twice or at the same time: the row in DigestSent (unique per user and day or week)
    is written in the transaction that sends, so a second run skips it and a failed send is retried
    at the next run."""
    today = today or timezone.localdate()
    sent = []
    for frequency in (DigestPreference.Frequency.DAILY, DigestPreference.Frequency.WEEKLY):
        key = due_key(frequency, today)
        for user in recipients(frequency):
            if DigestSent.objects.filter(user=user, frequency=frequency, due=key).exists():
                continue
            message, items = build_message(user, today)
            if message is None:
                continue
            if dry_run:
                sent.append((user.get_username(), frequency, items))
                continue
            try:
                with transaction.atomic():
                    DigestSent.objects.create(user=user, frequency=frequency, due=key, items=items)
                    message.send()
            except IntegrityError:
                continue  # another run sent it just now
            sent.append((user.get_username(), frequency, items))
    return sent
