from django.core.management.base import BaseCommand, CommandError

from figures.figures import carried_over_into
from housing.periods import Period
from housing.quota import QuotaComputationError, apply_quotas, compute_quotas


class Command(BaseCommand):
    help = (
        "Compute the quotas of a half-year by Huisvestingswet 2014 art. 29 from the national number: "
        "a preview by default, saved with --apply. The carried-over figures follow from the previous "
        "period's results (an overridden figure with a reason is kept)."
    )

    def add_arguments(self, parser):
        parser.add_argument("period", help="For example 2025-H2.")
        parser.add_argument("national_number", type=int, help="vg: the number the minister published.")
        parser.add_argument("--source", default="", help="Where the national number was published.")
        parser.add_argument(
            "--example", action="store_true", help="The national number is an example figure."
        )
        parser.add_argument(
            "--population-year", type=int, default=None, help="An older loaded year, for an estimate only."
        )
        parser.add_argument("--apply", action="store_true", help="Save the quotas (default: preview only).")

    def handle(self, *args, period, national_number, source, example, population_year, apply, **options):
        try:
            period = Period.parse(period)
            computation = compute_quotas(
                period,
                national_number,
                population_year=population_year,
                carried_over=carried_over_into(period),
            )
            if apply and not source:
                raise CommandError("--source is required with --apply.")
            if apply:
                counts = apply_quotas(computation, source=source, is_example=example)
        except (ValueError, QuotaComputationError) as exc:
            raise CommandError(str(exc)) from exc
        largest = sorted(computation.rows, key=lambda r: -r.inhabitants)[:10]
        self.stdout.write(
            f"Period {period}, vg {computation.national_number}, population of 1 January "
            f"{computation.population_year} ({computation.national_inhabitants} inhabitants)"
        )
        if computation.outdated:
            self.stdout.write(f"ESTIMATE: the law prescribes 1 January {computation.required_year}.")
        for row in largest:
            self.stdout.write(f"  {row.cbs_code} {row.name:<20} {row.inhabitants:>8} {row.quota:>6}")
        self.stdout.write(
            f"{len(computation.rows)} municipalities; sum of quotas {computation.total}, "
            f"{computation.excess} above vg by rounding up."
        )
        if apply:
            self.stdout.write("Saved: {created} new, {updated} changed.".format(**counts))
        else:
            self.stdout.write("Preview only; add --apply to save.")
