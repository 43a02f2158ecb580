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
