"""Quotas by the law: Huisvestingswet 2014 art. 29 and regional redistribution by art. 29(2).

Art. 29(1): per calendar half-year the quota of municipality G is vg × iG / iN, rounded up, where vg
is the national number the minister publishes, and iG and iN are the inhabitants of G and of the
Netherlands on 1 January of the year before the half-year's year. Because every quota is rounded
up, the sum of the quotas may exceed vg by up to one person per municipality; the preview shows by
how much. Art. 29(2): municipalities may agree to redistribute their quotas among themselves, the
sum unchanged.

`art29_quota` is the one computation; `compute_quotas` is the preview (nothing written),
`apply_quotas` writes it; `save_redistribution` writes an art. 29(2) agreement. The carried-over
figure of a period follows from the previous period's result, which figures/figures.py computes:
the caller passes it in (`figures.figures.carried_over_into`), so this domain module never reads
the layer above it.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from housing.models import (
    Municipality,
    NationalNumber,
    Population,
    Quota,
    Redistribution,
    RedistributionShare,
    Region,
)

MISSING_SHOWN = 10  # municipalities named in a refusal; the rest are counted


class QuotaComputationError(ValueError):
    """The computation cannot be made (the message is Dutch and says why); nothing was written."""


def art29_quota(national_number, inhabitants, national_inhabitants):
    """ceil(vg × iG / iN) in whole numbers, so no floating point rounds a quota the wrong way."""
    if national_inhabitants <= 0:
        raise QuotaComputationError(_("The national number of inhabitants must be positive."))
    return -(-national_number * inhabitants // national_inhabitants)


def reference_year(period):
    """The year whose population on 1 January art. 29 prescribes for `period`."""
    return period.year - 1


def latest_population_year(at_most):
    """The newest loaded population year not after `at_most`, or None. For estimates only (the
    demo data): art. 29 itself never falls back to another year."""
    return (
        Population.objects.filter(year__lte=at_most).order_by("-year").values_list("year", flat=True).first()
    )


@dataclass
class QuotaRow:
    municipality_id: int
    cbs_code: str
    name: str
    province: str
    inhabitants: int
    share: Decimal  # iG / iN
    quota: int
    current: int | None = None  # the quota already entered for the period, if any
    current_carried_over: int | None = None
    carried_over: int = 0  # what apply_quotas will store
    carried_over_kept: bool = False  # an override with a reason, which a new computation keeps
    redistributed: bool = False  # member of a redistribution agreement for the period

    @property
    def share_percent(self):
        return self.share * 100

    @property
    def difference(self):
        return None if self.current is None else self.quota - self.current


@dataclass
class QuotaComputation:
    period: object
    national_number: int
    population_year: int
    national_inhabitants: int
    rows: list = field(default_factory=list)

    @property
    def required_year(self):
        return reference_year(self.period)

    @property
    def outdated(self):
        """Computed from an older population than the law prescribes (an estimate, not art. 29)."""
        return self.population_year != self.required_year

    @property
    def total(self):
        return sum(r.quota for r in self.rows)

    @property
    def excess(self):
        """How far the rounded-up quotas exceed vg."""
        return self.total - self.national_number


def compute_quotas(period, national_number, *, population_year=None, carried_over=None):
    """The art. 29 quotas of every existing municipality for `period` (a preview: nothing written).

    Refuses (QuotaComputationError) when the population of 1 January of the prescribed year is not
    loaded, or lacks an existing municipality (a municipality formed by a merger has no figure of
    its own in an older year: that is refused, never estimated). `population_year` may name an
    older loaded year for an estimate; the result then says `outdated`. `carried_over` maps
    municipality ids to the previous period's result (figures.figures.carried_over_into).
    """
    if national_number is None or int(national_number) <= 0:
        raise QuotaComputationError(_("The national number must be a positive whole number."))
    required = reference_year(period)
    year = required if population_year is None else int(population_year)
    if year > required:
        raise QuotaComputationError(
            _("Period %(period)s uses the population of 1 January %(year)s, not of a later year.")
            % {"period": period, "year": required}
        )
    municipalities = list(
        Municipality.objects.active().values("pk", "cbs_code", "name", "province").order_by("name")
    )
    inhabitants = dict(Population.objects.filter(year=year).values_list("municipality_id", "inhabitants"))
    if not inhabitants:
        raise QuotaComputationError(
            _(
                "No population of 1 January %(year)s is loaded; load it with "
                "“manage.py load_population <file> --year %(year)s”."
            )
            % {"year": year}
        )
    missing = [m for m in municipalities if m["pk"] not in inhabitants]
    if missing:
        names = ", ".join(f"{m['name']} ({m['cbs_code']})" for m in missing[:MISSING_SHOWN])
        if len(missing) > MISSING_SHOWN:
            names += " " + _("and %(count)s more") % {"count": len(missing) - MISSING_SHOWN}
        raise QuotaComputationError(
            _("The population of 1 January %(year)s is incomplete: no figure for %(names)s.")
            % {"year": year, "names": names}
        )
    national = sum(inhabitants[m["pk"]] for m in municipalities)
    current = {
        q.municipality_id: q
        for q in Quota.objects.for_period(period).only(
            "municipality", "target", "carried_over", "carried_over_reason"
        )
    }
    redistributed = set(
        RedistributionShare.objects.filter(
            redistribution__year=period.year, redistribution__half=period.half
        ).values_list("municipality_id", flat=True)
    )
    carried_over = carried_over or {}
    result = QuotaComputation(period, int(national_number), year, national)
    for m in municipalities:
        n = inhabitants[m["pk"]]
        quota = current.get(m["pk"])
        kept = quota is not None and bool(quota.carried_over_reason)
        if kept:
            carry = quota.carried_over
        else:
            carry = carried_over.get(m["pk"], quota.carried_over if quota is not None else 0)
        result.rows.append(
            QuotaRow(
                municipality_id=m["pk"],
                cbs_code=m["cbs_code"],
                name=m["name"],
                province=m["province"],
                inhabitants=n,
                share=(Decimal(n) / Decimal(national)).quantize(Decimal("0.000001")),
                quota=art29_quota(int(national_number), n, national),
                current=quota.target if quota is not None else None,
                current_carried_over=quota.carried_over if quota is not None else None,
                carried_over=carry,
                carried_over_kept=kept,
                redistributed=m["pk"] in redistributed,
            )
        )
    return result


@transaction.atomic
def apply_quotas(computation, *, source, is_example=False):
    """Write `computation` (from compute_quotas): the national number of the period and every
    municipality's quota, statutory quota, population year and carried-over figure. Each quota is
    saved on its own so the audit history records it. Refuses when a redistribution agreement for
    the period would lose its basis (its members' statutory quotas would change)."""
    period = computation.period
    shares = RedistributionShare.objects.filter(
        redistribution__year=period.year, redistribution__half=period.half
    ).select_related("municipality")
    by_id = {r.municipality_id: r for r in computation.rows}
    changed = [
        s for s in shares if by_id.get(s.municipality_id) and by_id[s.municipality_id].quota != s.statutory
    ]
    if changed:
        raise QuotaComputationError(
            _(
                "The statutory quota of %(names)s would change, but a redistribution agreement for "
                "%(period)s rests on the old one. End or change that agreement first."
            )
            % {"names": ", ".join(str(s.municipality) for s in changed), "period": period}
        )
    agreed = {s.municipality_id: s.agreed for s in shares}
    NationalNumber.objects.update_or_create(
        year=period.year,
        half=period.half,
        defaults={"persons": computation.national_number, "source": source, "is_example": is_example},
    )
    existing = {q.municipality_id: q for q in Quota.objects.for_period(period).select_for_update()}
    created = updated = 0
    for row in computation.rows:
        quota = existing.get(row.municipality_id) or Quota(
            municipality_id=row.municipality_id, year=period.year, half=period.half
        )
        values = {
            "target": agreed.get(row.municipality_id, row.quota),
            "statutory_target": row.quota,
            "population_year": computation.population_year,
            "carried_over": row.carried_over,
        }
        if quota.pk and all(getattr(quota, k) == v for k, v in values.items()):
            continue
        for key, value in values.items():
            setattr(quota, key, value)
        created, updated = (created + 1, updated) if quota.pk is None else (created, updated + 1)
        quota.save()
    return {"created": created, "updated": updated, "total": computation.total}


def _statutory(quota, share):
    """A member's statutory quota: the one an earlier agreement recorded, else the art. 29 quota,
    else (entered by hand) the quota itself."""
    if share is not None:
        return share.statutory
    return quota.statutory_target if quota.statutory_target is not None else quota.target


def redistribution_members(region, period):
    """[(municipality id, name, statutory quota or None, current quota or None)] of the members of
    `region` for `period`: what an agreement starts from. 3 queries."""
    members = list(region.members.order_by("name").values_list("pk", "name"))
    quotas = {
        q.municipality_id: q
        for q in Quota.objects.for_period(period).filter(municipality__in=[m for m, _n in members])
    }
    shares = {
        s.municipality_id: s
        for s in RedistributionShare.objects.filter(
            redistribution__region=region, redistribution__year=period.year, redistribution__half=period.half
        )
    }
    rows = []
    for pk, name in members:
        quota = quotas.get(pk)
        statutory = _statutory(quota, shares.get(pk)) if quota is not None else None
        rows.append((pk, name, statutory, quota.target if quota is not None else None))
    return rows


@transaction.atomic
def save_redistribution(*, region, period, decided_on, agreed, notes=""):
    """Record (or change) the art. 29(2) agreement of `region` for `period`: `agreed` maps every
    member's id to its agreed quota. The region row is locked, so two people editing the same
    agreement at once are served one after the other; the agreed quotas must add up to the
    statutory ones, and the members' quotas of the period become the agreed ones (the statutory
    quota stays beside it). On PostgreSQL a deferred trigger refuses any commit that breaks the sum,
    whatever wrote it."""
    if not isinstance(decided_on, dt.date):
        raise QuotaComputationError(_("The decision date is required."))
    region = Region.objects.select_for_update().get(pk=region.pk)
    member_ids = set(region.members.values_list("pk", flat=True))
    if set(agreed) != member_ids:
        raise QuotaComputationError(_("Give an agreed quota for every member municipality of the region."))
    if any(value is None or int(value) < 0 for value in agreed.values()):
        raise QuotaComputationError(_("An agreed quota cannot be negative."))
    quotas = {
        q.municipality_id: q
        for q in Quota.objects.for_period(period).filter(municipality__in=member_ids).select_for_update()
    }
    if set(quotas) != member_ids:
        raise QuotaComputationError(
            _("Every member needs a quota for %(period)s before it can be redistributed.")
            % {"period": period}
        )
    redistribution = Redistribution.objects.filter(region=region, year=period.year, half=period.half).first()
    previous = {}
    if redistribution is not None:
        previous = {s.municipality_id: s for s in redistribution.shares.all()}
    statutory = {pk: _statutory(quota, previous.get(pk)) for pk, quota in quotas.items()}
    if sum(int(v) for v in agreed.values()) != sum(statutory.values()):
        raise QuotaComputationError(
            _(
                "The agreed quotas add up to %(agreed)s, the statutory ones to %(statutory)s: "
                "the sum must stay the same."
            )
            % {"agreed": sum(int(v) for v in agreed.values()), "statutory": sum(statutory.values())}
        )
    if redistribution is None:
        redistribution = Redistribution.objects.create(
            region=region, year=period.year, half=period.half, decided_on=decided_on, notes=notes
        )
    else:
        redistribution.decided_on, redistribution.notes = decided_on, notes
        redistribution.save()
    for pk, quota in quotas.items():
        share = previous.get(pk) or RedistributionShare(redistribution=redistribution, municipality_id=pk)
        share.statutory, share.agreed = statutory[pk], int(agreed[pk])
        share.save()
        if quota.statutory_target is None:
            quota.statutory_target = statutory[pk]
        quota.target = int(agreed[pk])
        quota.save()
    return redistribution
