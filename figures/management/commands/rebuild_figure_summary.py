from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from figures import cache, summary


class Command(BaseCommand):
    help = (
        "Recompute the per-resident summary the §6 figures are counted from (figures/summary.py); "
        "with --check, only compare it with a fresh computation and exit with an error if it differs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Compare only; change nothing.")

    def handle(self, *args, check=False, **options):
        if not check:  # a rebuild needs no comparison first: it computes everything once
            with transaction.atomic():
                summary.rebuild()
                cache.bump_on_commit()
            self.stdout.write(_("The figure summary was rebuilt."))
            return
        differences = summary.differences()
        for table, (stored_only, fresh_only) in differences.items():
            self.stderr.write(
                _("%(table)s: %(extra)d rows too many, %(missing)d missing")
                % {"table": table, "extra": len(stored_only), "missing": len(fresh_only)}
            )
        if differences:
            raise CommandError(_("The figure summary differs from the placements."))
        self.stdout.write(_("The figure summary agrees with the placements."))
