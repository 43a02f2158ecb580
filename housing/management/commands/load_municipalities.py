from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from housing.loaders import DEFAULT_FILE, MunicipalityFileError, load_municipalities
from housing.models import Municipality


class Command(BaseCommand):
    help = "Load or update the CBS municipality list (default: the shipped 2025 file)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_FILE))

    def handle(self, *args, path, **options):
        try:
            with transaction.atomic():
                counts = load_municipalities(Municipality, path)
        except (MunicipalityFileError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            "{total} municipalities in file: {created} created, {updated} updated, "
            "{deactivated} marked as no longer existing.".format(**counts)
        )
