"""Who fits where, and why (issue 16): the matching policy as pure functions of the data.

The pages and services read the database once into the plain records below (`Place`, `Need`, via
`places_for` / `needs_for`), then every rule is a function of those records and a day, so a ranking
is reproducible: the same data gives the same order and the same reasons.

The policy (also in the README, "Matching"):

1. A place takes people only when its property is approved or in use, and still available on the
   move-in day (the later of today and its "available from").
2. A household declined for a property is not proposed for it again.
3. A household of more than one person (now or after the expected family reunification) needs a
   place suitable for families; a household of one, a place suitable for singles.
4. A place for men only or women only takes a household recorded as men only or women only.
5. An unaccompanied minor via Nidos needs a place suitable for minors via Nidos.
6. A household that needs step-free access needs a step-free place.
7. The household's persons must fit in the free places from the move-in day on: capacity minus the
   highest number of people living there, and places held for *other* households, on any day from
   then on (the capacity rule of SPEC §5 with holds).
8. Expected family reunification members must fit too: persons now plus those expected.
9. A household with an open proposal for another property waits for that answer first.

Ranking, the same for every page: first the households (or places) that fit; among them, places
held for this household on this property come first (the hold is a promise), then the longest
waiting household (earliest linking date), then the reference — fairness by waiting time unless a
hold says otherwise. For one household, its fitting places are ranked by hold, then the earliest
move-in day, then the fewest places left over (the tightest fit leaves big places for big
households), then the name. Households and places that do not fit are listed after, in the same
order, each with every reason it does not.
"""

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Exists, OuterRef, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from housing.models import Property
from residents.models import Hold, Household, Placement, Proposal


def peak(intervals, start):
    """The highest number of places taken on any day from `start` on, by `intervals` of
    (start, end, places) — a placement is one place, a hold its places; an empty end lasts. The end
    day is free again: on one day, leaving is counted before arriving."""
    events = []
    for begin, end, places in intervals:
        if end is not None and end <= start:
            continue
        events.append((max(begin, start), places))
        if end is not None:
            events.append((end, -places))
    events.sort()
    highest = current = 0
    for _day, delta in events:
        current += delta
        highest = max(highest, current)
    return highest


@dataclass(frozen=True)
class Place:
    """What a property offers, with what already takes its places."""

    pk: int
    name: str
    municipality_id: int
    status: str
    capacity: int
    available_from: dt.date | None
    available_until: dt.date | None
    suitable_for_families: bool
    suitable_for_singles: bool
    only_for: str
    suitable_for_minors: bool
    step_free: bool
    placements: tuple = ()  # (start, end) of every placement that has not ended before today
    holds: tuple = ()  # (start, end, places, household_id) of every hold that has not expired

    def free_for(self, household_id, day):
        """Free places from `day` on for this household: its own holds do not take its places."""
        taken = [(start, end, 1) for start, end in self.placements]
        taken += [
            (start, end, places) for start, end, places, held_for in self.holds if held_for != household_id
        ]
        return max(self.capacity - peak(taken, day), 0)

    @property
    def status_label(self):
        return Property.Status(self.status).label

    def move_in_day(self, today):
        return max(today, self.available_from) if self.available_from else today


@dataclass(frozen=True)
class Need:
    """What a household needs."""

    pk: int
    reference: str
    municipality_id: int
    category: str
    members: str
    needs_step_free: bool
    persons: int
    expected_members: int  # family reunification still to arrive
    expected_on: dt.date | None
    linked_on: dt.date | None
    declined: dict = field(default_factory=dict)  # property pk → (decided on, reason label)
    open_proposal: tuple | None = None  # (property pk, property name) of an open proposal

    @property
    def category_label(self):
        return Household.Category(self.category).label

    @property
    def persons_after(self):
        return self.persons + self.expected_members


@dataclass(frozen=True)
class Assessment:
    """One place and one household under the rules. `reasons` (why it fits) and `why_not` are
    worded on first use."""

    place: Place
    need: Need
    move_in: dt.date
    free: int
    held: int
    _good: tuple  # functions that word why it fits
    _bad: tuple  # functions that word why not (empty when it fits)

    @property
    def fits(self):
        return not self._bad

    @cached_property
    def reasons(self):
        words = []
        if self.held:
            words.append(
                ngettext(
                    "%(count)s place held for this household.",
                    "%(count)s places held for this household.",
                    self.held,
                )
                % {"count": self.held}
            )
        words.extend(word() for word in self._good)
        if self.need.linked_on and self.fits:
            words.append(_("Waiting since %(date)s.") % {"date": _day(self.need.linked_on)})
        return tuple(words)

    @cached_property
    def why_not(self):
        return tuple(word() for word in self._bad)


def _day(day):
    return date_format(day, "j F Y")


def _persons(count):
    return ngettext("%(count)s person", "%(count)s persons", count) % {"count": count}


def _free(count, day):
    return ngettext("%(count)s free place from %(date)s", "%(count)s free places from %(date)s", count) % {
        "count": count,
        "date": _day(day),
    }


# Each rule returns (why it fits, why not): None, or a function that words the reason. The words
# are made only for the rows a page shows (date formatting and translation are most of the time of
# ranking two thousand places).
FITS = NOT = None


def _rule_open(place, need, move_in, free):
    if place.status not in Property.OPEN_STATUSES:
        return FITS, lambda: _("Not approved yet: status ‘%(status)s’.") % {"status": place.status_label}
    return FITS, NOT


def _rule_available(place, need, move_in, free):
    if place.available_until and place.available_until < move_in:
        return FITS, lambda: _("Only available until %(date)s.") % {"date": _day(place.available_until)}
    return FITS, NOT


def _rule_declined(place, need, move_in, free):
    if place.pk in need.declined:
        decided_on, reason = need.declined[place.pk]
        return (
            FITS,
            lambda: (
                _("Declined for this property on %(date)s: %(reason)s.")
                % {
                    "date": _day(decided_on),
                    "reason": reason,
                }
            ),
        )
    return FITS, NOT


def _rule_family_or_single(place, need, move_in, free):
    if need.persons_after > 1 and not place.suitable_for_families:
        return (
            FITS,
            lambda: (
                _("A household of %(persons)s; this place is not suitable for families.")
                % {"persons": _persons(need.persons_after)}
            ),
        )
    if need.persons_after == 1 and not place.suitable_for_singles:
        return FITS, lambda: _("A single person; this place is not suitable for singles.")
    return FITS, NOT


def _rule_men_or_women(place, need, move_in, free):
    if not place.only_for:
        return FITS, NOT
    if need.members == place.only_for:
        if place.only_for == "men":
            return lambda: _("Men only, as this place."), NOT
        return lambda: _("Women only, as this place."), NOT
    label = Household.Members(need.members).label
    if place.only_for == "men":
        return FITS, lambda: _("Men only; this household: %(members)s.") % {"members": label}
    return FITS, lambda: _("Women only; this household: %(members)s.") % {"members": label}


def _rule_minors(place, need, move_in, free):
    if need.category == Household.Category.AMV_NIDOS and not place.suitable_for_minors:
        return FITS, lambda: _("A minor via Nidos; this place is not suitable for minors.")
    return FITS, NOT


def _rule_step_free(place, need, move_in, free):
    if need.needs_step_free:
        if place.step_free:
            return lambda: _("Step-free, as needed."), NOT
        return FITS, lambda: _("Needs step-free access; this place is not step-free.")
    return FITS, NOT


def _rule_room_now(place, need, move_in, free):
    def words():
        return _("%(persons)s, %(free)s.") % {"persons": _persons(need.persons), "free": _free(free, move_in)}

    return (FITS, words) if need.persons > free else (words, NOT)


def _rule_reunification(place, need, move_in, free):
    if not need.expected_members:
        return FITS, NOT

    def values():
        return {
            "more": need.expected_members,
            "when": date_format(need.expected_on, "F Y") if need.expected_on else _("a date not yet known"),
            "after": need.persons_after,
            "free": free,
        }

    if need.persons_after > free:
        return (
            FITS,
            lambda: (
                _("Family reunification expected: %(more)s more in %(when)s, then %(after)s > %(free)s.")
                % values()
            ),
        )
    return (
        lambda: (
            _("Family reunification expected: %(more)s more in %(when)s, then %(after)s ≤ %(free)s.")
            % values()
        ),
        NOT,
    )


def _rule_open_proposal(place, need, move_in, free):
    if need.open_proposal and need.open_proposal[0] != place.pk:
        return FITS, lambda: _("Has an open proposal for %(property)s.") % {"property": need.open_proposal[1]}
    return FITS, NOT


RULES = (
    _rule_open,
    _rule_available,
    _rule_declined,
    _rule_family_or_single,
    _rule_men_or_women,
    _rule_minors,
    _rule_step_free,
    _rule_room_now,
    _rule_reunification,
    _rule_open_proposal,
)


def assess(place, need, today):
    """Every rule of the policy for one place and one household."""
    move_in = place.move_in_day(today)
    free = place.free_for(need.pk, move_in)
    held = sum(
        places for start, end, places, held_for in place.holds if held_for == need.pk and end > move_in
    )
    good, bad = [], []
    for rule in RULES:
        fits, not_fits = rule(place, need, move_in, free)
        if fits:
            good.append(fits)
        if not_fits:
            bad.append(not_fits)
    return Assessment(place, need, move_in, free, held, tuple(good), tuple(bad))


def rank_households(place, needs, today):
    """The households for one place: fitting first; held for them, then longest waiting."""
    assessed = [assess(place, need, today) for need in needs]
    return sorted(
        assessed,
        key=lambda a: (not a.fits, -a.held, a.need.linked_on or dt.date.max, a.need.reference),
    )


def rank_places(places, need, today):
    """The places for one household: fitting first; held, earliest move-in, tightest fit, name."""
    assessed = [assess(place, need, today) for place in places]
    return sorted(
        assessed,
        key=lambda a: (
            not a.fits,
            -a.held,
            a.move_in,
            a.free - need.persons_after,
            a.place.name,
            a.place.pk,
        ),
    )


# --- Reading the data: a fixed number of queries whatever the size ---


def places_for(properties, today):
    """`Place` records for a queryset of properties: 3 queries (properties, placements, holds)."""
    fields = [
        "pk", "name", "municipality_id", "status", "capacity", "available_from", "available_until",
        "suitable_for_families", "suitable_for_singles", "only_for", "suitable_for_minors", "step_free",
    ]  # fmt: skip
    # Positional rows in the order of Place's fields (values() dicts cost a third of the time).
    rows = list(properties.order_by("pk").values_list(*fields))
    ids = properties.order_by().values("pk")
    placements, holds = {}, {}
    for property_id, start, end in (
        Placement.objects.filter(property_id__in=ids)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=today))
        .values_list("property_id", "start_date", "end_date")
    ):
        placements.setdefault(property_id, []).append((start, end))
    for property_id, start, end, places, household_id in Hold.objects.filter(
        property_id__in=ids, end_date__gt=today
    ).values_list("property_id", "start_date", "end_date", "places", "household_id"):
        holds.setdefault(property_id, []).append((start, end, places, household_id))
    return [
        Place(
            *row,
            placements=tuple(sorted(placements.get(row[0], ()))),
            holds=tuple(sorted(holds.get(row[0], ()))),
        )
        for row in rows
    ]


def needs_for(households, today):
    """`Need` records for a queryset of households: 3 queries (households with their persons,
    declined proposals, open proposals)."""
    rows = list(households.with_persons().order_by("linked_on", "reference", "pk"))
    ids = [h.pk for h in rows]
    declined, open_proposals = {}, {}
    for household_id, property_id, decided_at, reason in Proposal.objects.filter(
        household_id__in=ids, status=Proposal.Status.DECLINED
    ).values_list("household_id", "property_id", "decided_at", "decline_reason"):
        label = Proposal.DeclineReason(reason).label if reason else ""
        declined.setdefault(household_id, {})[property_id] = (
            decided_at.date() if decided_at else today,
            label,
        )
    for household_id, property_id, name in Proposal.objects.filter(
        household_id__in=ids, status=Proposal.Status.OPEN
    ).values_list("household_id", "property_id", "property__name"):
        open_proposals[household_id] = (property_id, name)
    return [
        Need(
            pk=h.pk,
            reference=h.reference,
            municipality_id=h.municipality_id,
            category=h.category,
            members=h.members,
            needs_step_free=h.needs_step_free,
            persons=h.persons,
            expected_members=h.reunification_expected_members if h.reunification_pending else 0,
            expected_on=h.reunification_expected_on,
            linked_on=h.linked_on,
            declined=declined.get(h.pk, {}),
            open_proposal=open_proposals.get(h.pk),
        )
        for h in rows
    ]


def waiting_households():
    """Households linked to a municipality and not yet placed: no placement at all (issue 16),
    and not anonymised. Their waiting time counts from the linking date."""
    placed = Placement.objects.filter(resident__household=OuterRef("pk"))
    return Household.objects.active().exclude(Exists(placed))


def candidate_properties(household):
    """Properties a household can be matched with: those in its linked municipality and in the
    municipalities that share a region with it (a region houses its members' households together),
    approved or in use."""
    from housing.models import Municipality

    neighbours = Municipality.objects.filter(regions__members=household.municipality_id).values("pk")
    return Property.objects.open().filter(
        Q(municipality_id=household.municipality_id) | Q(municipality__in=neighbours)
    )


def assess_pair(prop, household, day):
    """One property and one household under the rules, for a move-in on `day` at the earliest
    (6 queries): the proposal form and `proposals.propose` ask the same question."""
    [place] = places_for(Property.objects.filter(pk=prop.pk), day)
    [need] = needs_for(Household.objects.filter(pk=household.pk), day)
    return assess(place, need, day)


def rank_for_property(prop, today, *, households=None):
    """The waiting households of the property's municipality ranked for it: the page's and the
    bench's one call (3 + 3 queries). `households` narrows them (the user's scope)."""
    [place] = places_for(Property.objects.filter(pk=prop.pk), today)
    waiting = waiting_households().filter(municipality_id=prop.municipality_id)
    if households is not None:
        waiting = waiting.filter(pk__in=households.values("pk"))
    return place, rank_households(place, needs_for(waiting, today), today)


def rank_for_household(household, today, *, properties=None):
    """The candidate places of one household ranked for it (3 + 3 queries). `properties` narrows
    them (the user's scope)."""
    [need] = needs_for(Household.objects.filter(pk=household.pk), today)
    candidates = candidate_properties(household)
    if properties is not None:
        candidates = candidates.filter(pk__in=properties.values("pk"))
    return need, rank_places(places_for(candidates, today), need, today)
