"""The province's supervision (interbestuurlijk toezicht) of the housing of status holders.

At each checkpoint — 1 January and 1 July, the first day after a half-year — the province looks at
every municipality's position in the half-year just ended: realised against its task (quota plus
what was carried over). A municipality that housed fewer than its task missed the checkpoint; the
number of consecutive misses, newest first, decides the step of the province's escalation ladder
(`settings.PROVINCE_ESCALATION_LADDERS`, default `PROVINCE_ESCALATION_DEFAULT`; the source is noted
there). A period without a quota breaks a run of misses: there was nothing to check.

The numbers are those of figures.figures, so the supervision page, its export and the municipality
page agree.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from figures.figures import figures_for_periods
from housing import scope
from housing.models import Municipality
from housing.periods import Period
from housing.scope import ALL

CHECKPOINTS = 6  # past checkpoints shown: three years

STEP_LABELS = {
    "talk": _("administrative talk"),
    "plan": _("plan of action (plan van aanpak)"),
    "instruction": _("instruction (aanwijzing)"),
    "substitution": _("substitution (indeplaatsstelling)"),
}


def ladder(province):
    """[(consecutive misses, step), ...] of `province`, lowest first."""
    steps = settings.PROVINCE_ESCALATION_LADDERS.get(province) or settings.PROVINCE_ESCALATION_DEFAULT
    return sorted((int(misses), str(step)) for misses, step in steps)


def escalation_step(province, misses):
    """The ladder step reached after `misses` consecutive misses, or None."""
    reached = None
    for threshold, step in ladder(province):
        if misses >= threshold:
            reached = step
    return reached


def past_periods(today=None, count=CHECKPOINTS):
    """The `count` half-years whose checkpoint has passed, newest first."""
    today = today or timezone.localdate()
    period = Period.containing(today).previous()
    periods = []
    for _index in range(count):
        periods.append(period)
        period = period.previous()
    return periods


@dataclass
class Checkpoint:
    period: Period
    figures: object = None  # MunicipalityFigures, or None without a quota in that period

    @property
    def day(self):
        """The checkpoint: the first day after the period (1 January or 1 July)."""
        return self.period.next_start

    @property
    def has_quota(self):
        return self.figures is not None

    @property
    def position(self):
        """Realised minus task: negative is a shortfall, positive a lead. None without a quota."""
        return None if self.figures is None else self.figures.realised - self.figures.task

    @property
    def missed(self):
        return self.figures is not None and self.figures.realised < self.figures.task


@dataclass
class SupervisedMunicipality:
    municipality_id: int
    cbs_code: str
    name: str
    province: str
    checkpoints: list = field(default_factory=list)  # newest first

    @property
    def consecutive_misses(self):
        count = 0
        for checkpoint in self.checkpoints:
            if not checkpoint.missed:
                break
            count += 1
        return count

    @property
    def step(self):
        return escalation_step(self.province, self.consecutive_misses)

    @property
    def step_label(self):
        step = self.step
        return STEP_LABELS.get(step, step) if step else ""


def supervision(province, municipality_ids=ALL, *, today=None, count=CHECKPOINTS):
    """Per existing municipality of `province` (narrowed to `municipality_ids`): the position at
    each of the last `count` checkpoints, newest first. 3 queries."""
    periods = past_periods(today, count)
    municipalities = Municipality.objects.filter(province=province, active=True)
    if municipality_ids is not ALL:
        municipalities = municipalities.filter(pk__in=municipality_ids)
    municipalities = list(municipalities.values("pk", "cbs_code", "name", "province").order_by("name"))
    found = figures_for_periods(periods, [m["pk"] for m in municipalities], today=today)
    return [
        SupervisedMunicipality(
            municipality_id=m["pk"],
            cbs_code=m["cbs_code"],
            name=m["name"],
            province=m["province"],
            checkpoints=[Checkpoint(period, found.get((m["pk"], period))) for period in periods],
        )
        for m in municipalities
    ]


def province_choices(user):
    """(provinces the user may supervise, the user's figures scope ids). A province supervisor has
    their own province only; others the provinces of the municipalities whose figures they see."""
    ids = scope.municipality_ids(user, personal=False)
    own = scope.supervised_province(user)
    if own and scope.is_province_supervisor_only(user):
        return [own], ids
    municipalities = Municipality.objects.exclude(province="")
    if ids is not ALL:
        municipalities = municipalities.filter(pk__in=ids)
    provinces = list(municipalities.order_by("province").values_list("province", flat=True).distinct())
    return provinces, ids
