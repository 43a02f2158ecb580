"""Send the deadline e-mails that are due. Schedule it daily (e.g. cron `0 7 * * *`); weekly
digests go out at the first run of each ISO week. Safe to run twice: nothing is sent twice."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from notifications.digests import send_digests


class Command(BaseCommand):
    help = "Send the deadline e-mails (daily and weekly digests) that are due and not yet sent."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="The day to send for (YYYY-MM-DD); default: today.")
        parser.add_argument(
            "--dry-run", action="store_true", help="List who would get an e-mail; send nothing."
        )

    def handle(self, *args, today=None, dry_run=False, **options):
        if today:
            try:
                today = dt.date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError("--today: use the form 2026-12-01.") from exc
        sent = send_digests(today=today, dry_run=dry_run)
        for username, frequency, items in sent:
            self.stdout.write(
                f"{'would send' if dry_run else 'sent'}: {username} ({frequency}, {items} items)"
            )
        self.stdout.write(f"{len(sent)} digest(s) {'due' if dry_run else 'sent'}.")
