"""Half-year periods (SPEC §3): `2026-H1` is January–June, `2026-H2` July–December; and the one
rule for date ranges (placements, buddy matches): a range covers its start day up to, not including,
its end day, and an empty end is open-ended."""

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _


def active_on(day, *, prefix="", start="start_date", end="end_date"):
    """A Q for rows whose range covers `day`: start ≤ day < end, an empty end open-ended.

    `prefix` reaches a related model's range (`prefix="placements__"` for a property's placements),
    so filters, `Count(..., filter=...)` annotations and querysets all say it the same way.
    """
    return Q(**{f"{prefix}{start}__lte": day}) & (
        Q(**{f"{prefix}{end}__isnull": True}) | Q(**{f"{prefix}{end}__gt": day})
    )


PERIOD_RE = re.compile(r"^(?P<year>\d{4})-H(?P<half>[12])$")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    half: int

    @classmethod
    def parse(cls, value):
        """Parse `2026-H2`; raise ValueError with a Dutch message on anything else."""
        match = PERIOD_RE.match((value or "").strip())
        if not match or not 2000 <= int(match["year"]) <= 2100:
            raise ValueError(_("Invalid period “%(value)s”: use the form 2026-H2.") % {"value": value})
        return cls(int(match["year"]), int(match["half"]))

    @classmethod
    def containing(cls, day):
        return cls(day.year, 1 if day.month <= 6 else 2)

    @classmethod
    def current(cls):
        return cls.containing(timezone.localdate())

    @property
    def start(self):
        return dt.date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self):
        """The last day of the period (inclusive)."""
        return dt.date(self.year, 6, 30) if self.half == 1 else dt.date(self.year, 12, 31)

    @property
    def next_start(self):
        """The first day after the period, for half-open date ranges."""
        return self.end + dt.timedelta(days=1)

    def next(self):
        return Period(self.year, 2) if self.half == 1 else Period(self.year + 1, 1)

    def previous(self):
        return Period(self.year, 1) if self.half == 2 else Period(self.year - 1, 2)

    def reference_date(self, today=None):
        """Today for the current or a future period, the period's last day for a past one (SPEC §6)."""
        today = today or timezone.localdate()
        return min(today, self.end) if today >= self.start else self.end

    @property
    def label(self):
        """The period for a sentence: "second half of 2026 (July–December)"; `str()` stays the code
        `2026-H2` that addresses and exports use."""
        if self.half == 1:
            return _("first half of %(year)s (January–June)") % {"year": self.year}
        return _("second half of %(year)s (July–December)") % {"year": self.year}

    def __str__(self):
        return f"{self.year}-H{self.half}"
