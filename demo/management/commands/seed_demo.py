"""`python manage.py seed_demo` (SPEC §9). The data itself: thuisgevers/demo/."""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo import small
from demo.users import ensure_demo_users, missing_demo_users

DEFAULT_SEED = 2025


class Command(BaseCommand):
    help = (
        "Create demo data and the demo users pionier, coordinator, groningen, utrecht and provincie. "
        "Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=None,
            help="Password for new demo users (default: the DEMO_PASSWORD environment variable).",
        )
        parser.add_argument(
            "--scale",
            choices=["demo", "national"],
            default="demo",
            help="demo: a small set around Groningen and Utrecht; national: load-test volumes.",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Random seed (fixed by default).")

    def handle(self, *args, password, scale, seed, **options):
        password = password or os.environ.get("DEMO_PASSWORD", "")
        missing = missing_demo_users()
        if missing and not password:
            raise CommandError(
                "No password for the demo users ({}). Pass --password or set DEMO_PASSWORD; "
                "demo users are never created without one.".format(", ".join(missing))
            )
        with transaction.atomic():
            users, created = ensure_demo_users(password)
        if created:
            self.stdout.write("Demo users created: {}.".format(", ".join(created)))
        else:
            self.stdout.write("Demo users exist already; their passwords are left unchanged.")

        if scale == "national":
            from demo import national  # written separately; imported only when asked for

            national.generate(stdout=self.stdout, seed=seed)
            return

        if small.is_seeded():
            self.stdout.write("Demo data exists already: nothing changed.")
            return
        with transaction.atomic():
            small.generate(seed=seed, users=users, stdout=self.stdout)
        summary = ", ".join(f"{count} {name}" for name, count in small.counts().items())
        self.stdout.write(self.style.SUCCESS(f"Demo data created: {summary}."))
