from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """One row whose number goes up after every committed change to the data the figures read.

    Cached figures (figures.cache) are stored under this number, so a change anywhere
    makes every cached figure stale at once, on every server that shares the database.
    """

    value = models.BigIntegerField(_("version"), default=0)

    class Meta:
        # The table kept its name when the model moved here from the `thuisgevers` package.
        db_table = "thuisgevers_dataversion"
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self):
        return str(self.value)


class ResidentFigure(models.Model):
    """What the §6 figures need of one resident with placements (figures.summary keeps it, by
    database triggers). Derived data: plain ids, no relations (nothing may cascade into the records
    with history, and the triggers remove these rows before their resident can go)."""

    resident_id = models.BigIntegerField(primary_key=True)
    municipality_id = models.BigIntegerField()  # the household's (linked) municipality
    first_har = models.DateField(null=True)
    first_transit = models.DateField(null=True)
    first_permanent = models.DateField(null=True)
    latest_first = models.DateField()

    class Meta:
        # Covering (PostgreSQL): the figures read the rows of a period from the index alone.
        indexes = [
            models.Index(
                fields=["latest_first"],
                include=["municipality_id", "first_har", "first_transit", "first_permanent"],
                name="figures_resident_latest",
            )
        ]

    def __str__(self):
        return f"resident {self.resident_id}"


class TemporaryFigure(models.Model):
    """One temporary placement, with its resident's municipality and first starts (figures.summary)."""

    placement_id = models.BigIntegerField(primary_key=True)
    resident_id = models.BigIntegerField(db_index=True)  # the triggers replace a resident's rows
    municipality_id = models.BigIntegerField()
    start_date = models.DateField()
    end_until = models.DateField()  # the end date, or 9999-12-31 while the placement is open
    first_har = models.DateField(null=True)
    first_transit = models.DateField(null=True)
    first_permanent = models.DateField(null=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["end_until"],
                include=[
                    "start_date",
                    "municipality_id",
                    "resident_id",
                    "first_har",
                    "first_transit",
                    "first_permanent",
                ],
                name="figures_temporary_open",
            )
        ]

    def __str__(self):
        return f"placement {self.placement_id}"
