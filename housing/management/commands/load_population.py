from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from housing.loaders import MunicipalityFileError, load_population
from housing.models import Municipality, Population


class Command(BaseCommand):
    help = (
        "Load the inhabitants per municipality on 1 January of a year (CBS), from a file "
        "`gemeentecode;gemeentenaam;inwoners`. A bad or unknown code refuses the whole file."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--year", type=int, required=True, help="The year of the 1 January reference date."
        )
        parser.add_argument(
            "--source",
            default="",
            help="Where the figures come from (default: CBS StatLine, Totale bevolking op 1 januari <year>).",
        )

    def handle(self, *args, path, year, source, **options):
        source = source or f"CBS StatLine, Totale bevolking op 1 januari {year} (CC BY 4.0)"
        try:
            with transaction.atomic():
                counts = load_population(Population, Municipality, path, year=year, source=source)
        except (MunicipalityFileError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            "{loaded} municipalities loaded for 1 January {year} ({replaced} earlier figures of that year "
            "replaced); {total} inhabitants in all.".format(year=year, **counts)
        )
