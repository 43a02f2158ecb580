"""The evidence report (SPEC §1 gaps 1 and 3): is twelve months long enough, does care start?

Per municipality and period, from a fixed number of queries whatever the number of placements;
medians come from day histograms, so memory stays bounded by the number of distinct stay lengths.
What each figure means is in docs/reports-and-imports.md (Evidence report).
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q

from residents.models import Household, Placement, Resident, add_months

CARE_DAYS = 14
CHUNK_SIZE = 2000

HEADER = (
    "gemeentecode",
    "gemeente",
    "periode",
    "tijdelijke_plaatsingen",
    "gestart_in_periode",
    "langer_dan_6_maanden",
    "langer_dan_12_maanden",
    "met_verlengingsreden",
    "verlengingsredenen",
    "afgerond_in_periode",
    "mediane_verblijfsduur_dagen",
    "huisarts_binnen_14_dagen",
    "huisarts_binnen_14_dagen_aandeel",
    "zorgverzekering_binnen_14_dagen",
    "zorgverzekering_binnen_14_dagen_aandeel",
    "nareis_aangekomen",
    "nareis_mediane_doorlooptijd_dagen",
    "nareis_lopend",
)
PERCENT_COLUMNS = (12, 14)


@dataclass
class Evidence:
    municipality_id: int
    cbs_code: str = ""
    name: str = ""
    temporary: int = 0
    started: int = 0
    past_6_months: int = 0
    past_12_months: int = 0
    with_reason: int = 0
    reasons: Counter = field(default_factory=Counter)
    ended: int = 0
    stays: Counter = field(default_factory=Counter)
    gp_within_14_days: int = 0
    insured_within_14_days: int = 0
    reunification_arrived: int = 0
    lead_times: Counter = field(default_factory=Counter)
    reunification_pending: int = 0

    @property
    def median_stay_days(self):
        return median_of_histogram(self.stays)

    @property
    def reunification_median_days(self):
        return median_of_histogram(self.lead_times)

    @property
    def gp_share(self):
        return self.gp_within_14_days / self.started if self.started else None

    @property
    def insured_share(self):
        return self.insured_within_14_days / self.started if self.started else None

    @property
    def has_data(self):
        return bool(self.temporary or self.reunification_arrived or self.reunification_pending)

    def reasons_text(self):
        return " | ".join(f"{reason} ({count})" for reason, count in self.reasons.most_common())

    def as_row(self, period, *, with_reasons=True):
        """`with_reasons=False` leaves the free-text column empty (it can hold names): for users who
        may see no personal data. The column stays, so the CSV header does not change."""
        return (
            self.cbs_code,
            self.name,
            str(period),
            self.temporary,
            self.started,
            self.past_6_months,
            self.past_12_months,
            self.with_reason,
            self.reasons_text() if with_reasons else "",
            self.ended,
            self.median_stay_days,
            self.gp_within_14_days,
            self.gp_share,
            self.insured_within_14_days,
            self.insured_share,
            self.reunification_arrived,
            self.reunification_median_days,
            self.reunification_pending,
        )


def median_of_histogram(counter):
    """The median of values given as {value: count}; None when empty; x.5 for an even count."""
    total = sum(counter.values())
    if not total:
        return None
    low_rank, high_rank = (total - 1) // 2, total // 2  # 0-based ranks of the middle value(s)
    low = high = None
    seen = 0
    for value in sorted(counter):
        seen += counter[value]
        if low is None and seen > low_rank:
            low = value
        if seen > high_rank:
            high = value
            break
    middle = (low + high) / 2
    return int(middle) if middle == int(middle) else middle


def evidence_by_municipality(period, municipalities, *, today=None):
    """{municipality id: Evidence} for the given Municipality queryset, in name order."""
    reference = period.reference_date(today)
    result = {
        pk: Evidence(municipality_id=pk, cbs_code=code, name=name)
        for pk, code, name in municipalities.order_by("name").values_list("pk", "cbs_code", "name")
    }
    if not result:
        return result
    ids = municipalities.values("pk")

    placements = (
        Placement.objects.temporary()
        .overlapping(period.start, period.next_start)
        .filter(resident__household__municipality__in=ids)
        .values_list(
            "resident__household__municipality_id",
            "start_date",
            "end_date",
            "extension_reason",
            "resident__gp_registered_on",
            "resident__health_insurance",
            "resident__insured_since",
        )
        .order_by()
    )
    care_window = dt.timedelta(days=CARE_DAYS)
    for municipality_id, start, end, reason, gp_on, insurance, insured_since in placements.iterator(
        chunk_size=CHUNK_SIZE
    ):
        row = result[municipality_id]
        row.temporary += 1
        stay_end = min(end, reference) if end else reference
        if stay_end > add_months(start, Placement.DEFAULT_TEMPORARY_MONTHS):
            row.past_6_months += 1
        if stay_end > add_months(start, Placement.MAX_TEMPORARY_MONTHS):
            row.past_12_months += 1
        reason = (reason or "").strip()
        if reason:
            row.with_reason += 1
            row.reasons[reason] += 1
        if end and period.start <= end <= period.end:
            row.ended += 1
            row.stays[(end - start).days] += 1
        if period.start <= start <= period.end:
            row.started += 1
            deadline = start + care_window
            if gp_on and gp_on <= deadline:
                row.gp_within_14_days += 1
            if insurance == Resident.Insurance.INSURED and insured_since and insured_since <= deadline:
                row.insured_within_14_days += 1

    households = (
        Household.objects.filter(municipality__in=ids)
        .filter(
            Q(
                reunification_arrived_on__range=(period.start, period.end),
                reunification_applied_on__isnull=False,
            )
            | Q(reunification_expected_members__gt=0, reunification_arrived_on__isnull=True)
            | Q(reunification_expected_members__gt=0, reunification_arrived_on__gt=reference)
        )
        .values_list(
            "municipality_id",
            "reunification_applied_on",
            "reunification_arrived_on",
            "reunification_expected_members",
        )
        .order_by()
    )
    for municipality_id, applied, arrived, expected in households.iterator(chunk_size=CHUNK_SIZE):
        row = result[municipality_id]
        if arrived and applied and period.start <= arrived <= period.end:
            row.reunification_arrived += 1
            row.lead_times[(arrived - applied).days] += 1
        if (
            expected
            and (arrived is None or arrived > reference)
            and (applied is None or applied <= reference)
        ):
            row.reunification_pending += 1
    return result


def evidence_rows(period, municipalities, *, include_empty=False, today=None, with_reasons=False):
    """Export rows, one per municipality with data (or every one with `include_empty`); the
    extension reasons (free text) only `with_reasons`."""
    for evidence in evidence_by_municipality(period, municipalities, today=today).values():
        if include_empty or evidence.has_data:
            yield evidence.as_row(period, with_reasons=with_reasons)
