"""The matching section of the bench (issue 16): ranking the waiting households of a municipality for
one property, and the candidate properties for one household, at national scale.

Measured in the bench process (DEBUG off, the bench database), as the forecast is: the targets are
about the ranking itself — "each under 200 ms on PostgreSQL with a fixed number of queries". The
property is one of the municipality with the most waiting households; the household is one whose
municipality and regions hold the most approved or in-use properties. The same calls for a small
municipality must run the same number of queries.
"""

from django.db.models import Count, Q

from bench.forecast import measure_call

TARGET_MS = 200


def _busiest_property():
    from housing.models import Municipality, Property
    from residents import matching

    waiting = matching.waiting_households()
    counts = (
        Municipality.objects.filter(properties__status__in=Property.OPEN_STATUSES)
        .annotate(waiting=Count("households", filter=Q(households__in=waiting), distinct=True))
        .filter(waiting__gt=0)
        .order_by("-waiting", "pk")
    )
    busiest, quietest = counts.first(), counts.last()

    def first_property(municipality):
        return Property.objects.open().filter(municipality=municipality).order_by("pk").first()

    return first_property(busiest), busiest.waiting, first_property(quietest)


def _widest_household():
    from housing.models import Municipality
    from residents.models import Household

    reach = (
        Municipality.objects.annotate(n=Count("regions__members__properties", distinct=True))
        .filter(households__isnull=False)
        .order_by("-n", "pk")
    )
    widest, narrowest = reach.first(), reach.last()

    def first_household(municipality):
        return Household.objects.filter(municipality=municipality).order_by("pk").first()

    return first_household(widest), first_household(narrowest)


def measure(setup, *, repeat=5, say=print):
    from django.utils import timezone

    from residents import matching

    today = timezone.localdate()
    out = {}
    prop, waiting, small_prop = _busiest_property()
    (_place, ranked), out["property"] = measure_call(lambda: matching.rank_for_property(prop, today), repeat)
    _small, small = measure_call(lambda: matching.rank_for_property(small_prop, today), 1)
    out["property"].update(
        {"path": prop.name, "candidates": len(ranked), "waiting": waiting, "queries_small": small["queries"]}
    )
    household, small_household = _widest_household()
    (_need, places), out["household"] = measure_call(
        lambda: matching.rank_for_household(household, today), repeat
    )
    _small, small = measure_call(lambda: matching.rank_for_household(small_household, today), 1)
    out["household"].update(
        {"path": household.reference, "candidates": len(places), "queries_small": small["queries"]}
    )
    for name, entry in out.items():
        say(
            f"matching for one {name}: {entry['total_ms_median']} ms, {entry['queries']} queries, "
            f"{entry['candidates']} ranked"
        )
    return out


def targets(results):
    section = results.get("matching")
    if not section:
        return []
    lines = []
    for name, label in (
        ("property", "the waiting households for one property"),
        ("household", "the places for one household"),
    ):
        entry = section[name]
        same = entry["queries"] == entry["queries_small"]
        lines.append(
            {
                "target": f"matching: ranking {label} < {TARGET_MS} ms, fixed queries",
                "value": (
                    f"{entry['total_ms_median']} ms median ({entry['total_ms_max']} max), "
                    f"{entry['candidates']} ranked; "
                    f"queries small/large: {entry['queries_small']}/{entry['queries']}"
                ),
                "met": entry["total_ms_median"] < TARGET_MS and same,
            }
        )
    return lines


def table_rows(results):
    lines = []
    for name, entry in results.get("matching", {}).items():
        share = (
            round(100 * entry["sql_ms_median"] / entry["total_ms_median"]) if entry["total_ms_median"] else 0
        )
        lines.append(
            f"{'matching: one ' + name:<44}{entry['total_ms_median']:>10}{entry['total_ms_max']:>9}"
            f"{entry['queries']:>8}{str(share) + '%':>6}  in process; {entry['candidates']} ranked"
        )
    return lines
