"""`python manage.py purge_personal_data [--apply]`: the retention rule of SPEC §5.

A dry run by default: it lists how many households (and which pseudonymous references) are due,
and changes nothing. With --apply each household is anonymised in its own transaction.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from housing.imports import purge_expired
from residents.models import Resident
from residents.services import anonymise_household, households_due_for_anonymisation


class Command(BaseCommand):
    help = (
        "Anonymise households whose last placement ended more than RETENTION_MONTHS ago, and households "
        "registered more than RETENTION_MONTHS ago that were never placed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="Anonymise; without it a dry run.")

    def handle(self, *args, apply=False, **options):
        households = list(households_due_for_anonymisation())
        residents = Resident.objects.filter(household__in=households).count()
        self.stdout.write(
            ngettext(
                "%(count)s household (%(residents)s residents) ended its last placement, or was registered "
                "without ever being placed, more than %(months)s months ago.",
                "%(count)s households (%(residents)s residents) ended their last placement, or were "
                "registered without ever being placed, more than %(months)s months ago.",
                len(households),
            )
            % {"count": len(households), "residents": residents, "months": settings.RETENTION_MONTHS}
        )
        for household in households:
            self.stdout.write(f"  {household.reference}")
        if not apply:
            self.stdout.write(_("Dry run: nothing has been changed. Use --apply to anonymise."))
            return
        for household in households:
            anonymise_household(household=household)
        self.stdout.write(
            self.style.SUCCESS(_("Anonymised: %(count)s households.") % {"count": len(households)})
        )
        # Import files whose confirmation never came hold names and V-numbers too.
        self.stdout.write(_("Expired import files removed: %(count)s.") % {"count": purge_expired()})
