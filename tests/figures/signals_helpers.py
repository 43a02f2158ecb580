"""The signals as figures.signals built them before one SQL query combined every kind: the oracle
for that SQL version.

Every kind's rows as `Signal`s in Python (one ORM query per kind, the rule's own query, dates
converted by the ORM), sorted in Python by (date, undated last; kind; reference).
The SQL version (`signal_query`) must give exactly this list, in this order, in every slice, page
and stream.
"""

import datetime as dt

from figures import signals
from figures.signals import KINDS, Signal
from housing.scope import ALL
from residents.models import Household


def old_open_signals(who, kinds=None, *, today, municipality_ids=ALL):
    households = signals._households(who, municipality_ids)
    found = []
    for kind in kinds or KINDS:
        rows = list(signals._QUERIES[kind](households, today))
        linked = Household.objects.select_related("municipality").in_bulk([row["hh_id"] for row in rows])
        for row in rows:
            household = linked[row["hh_id"]]
            date = row["date"]
            found.append(
                Signal(
                    kind=kind,
                    household_id=household.pk,
                    household_reference=household.reference,
                    municipality_id=household.municipality_id,
                    municipality_code=household.municipality.cbs_code,
                    municipality_name=household.municipality.name,
                    date=date,
                    count=row["n"],
                )
            )
    found.sort(key=lambda s: (s.date or dt.date.max, KINDS.index(s.kind), s.household_reference))
    return found
