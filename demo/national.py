"""National-scale demo data (`seed_demo --scale national`, SPEC §9).

About 10,000 properties, 50,000 households, 100,000 residents, 150,000 placements and 5,000 buddies
spread over the 342 real municipalities, so pages and exports can be measured at the size they would
have if every Dutch municipality used Thuisgevers.

Why it does not call `residents.services.place_household`: that service locks a property and
computes its peak occupancy per placement, which is right for one user and far too slow for 150,000
rows. Here the placements are made consistent *by construction* instead: every property is a set
of places, each place holds one resident at a time and is only handed out again from the day its
previous occupant moved out, and every resident's placements follow one another (a move from
temporary housing into a home happens on the move-out day, which the half-open ranges of SPEC §5
allow). `_check_invariants` proves both rules with SQL at the end, so a bug here fails loudly
instead of producing a data set that breaks the rules the application enforces.

Sizes: municipalities receive properties, households and buddies in proportion to their CBS
inhabitants (the latest loaded year); quotas are computed by art. 29 from those inhabitants and an
EXAMPLE national number sized to the generated residents (recorded as an example, no published
figure). A municipality without a figure (one a test created) gets a seeded random weight, named
*synthetic* in the output: it is no CBS figure.

Everything (references, V-numbers, names, dates) is derived from `seed`, so two runs on empty
databases give the same data. On PostgreSQL the large tables are loaded with COPY; other backends
use `bulk_create` with a batch size (slower, but it works).
"""

import bisect
import datetime as dt
import random
import time

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from buddies.models import Buddy, BuddyMatch
from figures import cache as figure_cache
from housing.models import IntentAgreement, Municipality, Organisation, Property, Quota, Region
from housing.periods import Period
from residents.models import REFERENCE_ALPHABET, Household, Placement, Resident, add_months
from residents.search import name_key

SIZES = {
    "properties": 10_000,
    "households": 50_000,
    "residents": 100_000,
    "buddies": 5_000,
    "agreements": 400,
}
PERIODS = 6  # half-years of quotas, ending with the current one: placements span three years
BATCH_SIZE = 5_000
NEVER = dt.date.max  # "still occupied" for a place without a move-out day

GIVEN_NAMES = [
    "Ahmad", "Mohammed", "Omar", "Yusuf", "Ali", "Hassan", "Khaled", "Samir", "Tesfay", "Dawit",
    "Yonas", "Mehari", "Faisal", "Karim", "Bilal", "Amina", "Fatima", "Aisha", "Mariam", "Layla",
    "Nour", "Huda", "Rania", "Selam", "Helen", "Senait", "Zahra", "Farida", "Sara", "Hiba",
]  # fmt: skip
FAMILY_NAMES = [
    "Al-Hassan", "Haddad", "Khalil", "Mansour", "Nasser", "Saleh", "Tesfamariam", "Gebremedhin",
    "Haile", "Kidane", "Ahmadi", "Rahimi", "Karimi", "Hosseini", "Yilmaz", "Demir", "Osman",
    "Abdi", "Warsame", "Ibrahim", "Mahmoud", "Darwish", "Bakr", "Suleiman", "Berhane",
]  # fmt: skip
NATIONALITIES = [
    "Syrisch",
    "Eritrees",
    "Afghaans",
    "Turks",
    "Jemenitisch",
    "Somalisch",
    "Iraaks",
    "Soedanees",
]
STREETS = [
    "Kerkstraat",
    "Dorpsstraat",
    "Schoolstraat",
    "Molenweg",
    "Stationsweg",
    "Kloosterlaan",
    "Pastoriepad",
]
GP_PRACTICES = [
    "Huisartsenpraktijk De Linde",
    "Gezondheidscentrum Centrum",
    "Huisartsen Oost",
    "Praktijk Noord",
]
EXTENSION_REASONS = [
    "Nareis van gezinsleden loopt nog; geen passende woning voor het hele gezin beschikbaar.",
    "Woningcorporatie heeft nog geen woning kunnen aanbieden.",
]
# (kind, capacity range, weight): parsonages and houses are small, convents and chalet parks large.
PROPERTY_KINDS = [
    (Property.Kind.HOUSE, (2, 6), 30),
    (Property.Kind.APARTMENT, (2, 5), 20),
    (Property.Kind.PARSONAGE, (4, 10), 15),
    (Property.Kind.CONVENT, (12, 40), 8),
    (Property.Kind.OFFICE, (10, 40), 8),
    (Property.Kind.UNITS, (12, 60), 12),
    (Property.Kind.SCHOOL, (10, 30), 4),
    (Property.Kind.OTHER, (4, 20), 3),
]
HOUSEHOLD_SIZES = [1, 2, 3, 4, 5, 6, 7]
HOUSEHOLD_SIZE_WEIGHTS = [45, 17, 12, 11, 8, 5, 2]
ORGANISATION_KINDS = [
    Organisation.Kind.CHURCH,
    Organisation.Kind.HOUSING_CORPORATION,
    Organisation.Kind.PRIVATE_OWNER,
    Organisation.Kind.VLUCHTELINGENWERK,
]


def generate(*, stdout, seed=2026, scale=1.0, today=None):
    """Add a national-scale data set on top of what is in the database; return the row counts.

    `scale` multiplies every size (tests use e.g. 0.002); `today` fixes the reference date.
    """
    started = time.monotonic()
    rng = random.Random(seed)
    today = today or timezone.localdate()
    sizes = {name: max(1, round(count * scale)) for name, count in SIZES.items()}

    def say(message):
        stdout.write(f"[{time.monotonic() - started:6.1f}s] {message}\n")
        if hasattr(stdout, "flush"):
            stdout.flush()

    municipalities = list(Municipality.objects.order_by("cbs_code"))
    if not municipalities:
        raise RuntimeError("No municipalities in the database: run the migrations first.")
    weights, synthetic = _weights(municipalities, rng)
    if synthetic:
        say(
            f"population unknown for {synthetic} of {len(municipalities)} municipalities: "
            "they get a SYNTHETIC seeded weight (not CBS data)"
        )

    periods = [Period.containing(today)]
    for _i in range(PERIODS - 1):
        periods.insert(0, periods[0].previous())
    first_day = periods[0].start

    with transaction.atomic():
        loader = _Loader(connection)
        counts = {}
        counts["quotas"] = _quotas(municipalities, weights, periods, sizes["residents"], rng)
        say(
            f"quotas: {counts['quotas']} for {len(municipalities)} municipalities, "
            f"{periods[0]}–{periods[-1]}, by art. 29 from the CBS inhabitants and an EXAMPLE national "
            "number (not a published figure)"
        )
        regions = _regions(municipalities)
        say(f"regions: {regions} (one per province)")

        organisations = _organisations(municipalities, rng)
        say(f"organisations: {sum(len(v) for v in organisations.values())}")
        agreements = _agreements(municipalities, weights, sizes["agreements"], first_day, today, rng)
        say(f"intent agreements: {len(agreements)}")

        properties = _properties(
            loader, municipalities, weights, organisations, agreements, sizes, first_day, rng
        )
        say(f"properties: {len(properties)} with {sum(p.capacity for p in properties)} places")

        households, residents = _households(
            loader, municipalities, weights, organisations, sizes, first_day, rng
        )
        say(f"households: {len(households)}, residents: {len(residents)}")

        placements, unplaced = _placements(loader, households, properties, first_day, today, rng)
        say(f"placements: {placements} ({unplaced} household moves found no free property and were left out)")
        _update_property_status(properties, today)
        say("property status set from occupancy")

        buddies, matches = _buddies(
            loader, municipalities, weights, organisations, households, sizes, today, rng
        )
        say(f"buddies: {buddies}, matches: {matches}")
        loader.reset_sequences()
        counts.update(
            properties=len(properties),
            households=len(households),
            residents=len(residents),
            placements=placements,
            buddies=buddies,
            matches=matches,
        )
        _check_invariants(municipalities)
        say(
            "invariants hold: no overlapping placements, no property over capacity, "
            "quotas on real municipalities only"
        )
        figure_cache.bump_on_commit()  # bulk inserts send no model signals
    say(f"done in {time.monotonic() - started:.1f}s")
    return counts


def _weights(municipalities, rng):
    """CBS inhabitants of the latest loaded year where known; otherwise a seeded, log-normally
    spread SYNTHETIC weight (a municipality without a figure, such as one a test created)."""
    from housing.models import Population

    year = Population.objects.order_by("-year").values_list("year", flat=True).first()
    inhabitants = dict(Population.objects.filter(year=year).values_list("municipality_id", "inhabitants"))
    weights, synthetic = [], 0
    for municipality in municipalities:
        if inhabitants.get(municipality.pk):
            weights.append(float(inhabitants[municipality.pk]))
        else:
            synthetic += 1
            # Median ~30,000 inhabitants with a long tail, like Dutch municipalities.
            weights.append(min(rng.lognormvariate(10.3, 0.8), 900_000.0))
    return weights, synthetic


def _apportion(total, weights):
    """Split `total` over `weights` with the largest-remainder method (the parts add up to total)."""
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    parts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _quotas(municipalities, weights, periods, residents, rng):
    """Per period an EXAMPLE national number sized to the generated residents (no published figure,
    recorded as an example) divided by art. 29 where the CBS population allows it (housing.quota,
    from the latest loaded year when the prescribed one is missing: the quota records the year it
    used); otherwise, say when a test added a municipality without a figure, by weight."""
    from demo.small import example_quotas

    per_period = round(residents / len(periods) * 1.1)  # the task is a little larger than what gets housed
    rows = []
    for period in periods:
        national_number = round(per_period * rng.uniform(0.85, 1.15))
        try:
            computation = example_quotas(period, national_number)
        except ValueError:
            computation = None
        by_id = {r.municipality_id: r.quota for r in computation.rows} if computation else {}
        targets = _apportion(national_number, weights)
        for municipality, weighted in zip(municipalities, targets, strict=True):
            target = by_id.get(municipality.pk, weighted)
            carried = round(target * rng.uniform(-0.15, 0.3))
            rows.append(
                Quota(
                    municipality=municipality,
                    year=period.year,
                    half=period.half,
                    target=target,
                    carried_over=carried,
                    statutory_target=target if municipality.pk in by_id else None,
                    population_year=computation.population_year if municipality.pk in by_id else None,
                )
            )
    # Quotas someone already entered (the small demo, a real import) are kept as they are.
    Quota.objects.bulk_create(rows, batch_size=BATCH_SIZE, ignore_conflicts=True)
    return len(rows)


def _regions(municipalities):
    by_province = {}
    for municipality in municipalities:
        if municipality.province:
            by_province.setdefault(municipality.province, []).append(municipality)
    for province, members in by_province.items():
        region, _created = Region.objects.get_or_create(name=f"Provincie {province}")
        region.members.add(*members)
    return len(by_province)


def _organisations(municipalities, rng):
    rows = []
    for municipality in municipalities:
        for kind in ORGANISATION_KINDS:
            label = Organisation.Kind(kind).label
            rows.append(
                Organisation(
                    name=f"{str(label).capitalize()} {municipality.name}",
                    kind=kind,
                    municipality=municipality,
                    contact=f"info@{municipality.cbs_code.lower()}.example.org",
                )
            )
    created = Organisation.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    by_municipality = {}
    for organisation in created:
        by_municipality.setdefault(organisation.municipality_id, []).append(organisation)
    return by_municipality


def _agreements(municipalities, weights, count, first_day, today, rng):
    statuses = list(IntentAgreement.Status)
    decided = set(IntentAgreement.DECIDED_STATUSES)
    rows = []
    for municipality in rng.choices(municipalities, weights=weights, k=count):
        status = rng.choice(statuses)
        decision = _random_day(first_day, today, rng) if status in decided else None
        rows.append(
            IntentAgreement(
                municipality=municipality,
                committed_persons=rng.randrange(25, 150),
                status=status,
                college_decision_date=decision,
                signed_on=decision + dt.timedelta(days=rng.randrange(7, 60)) if decision else None,
            )
        )
    return IntentAgreement.objects.bulk_create(rows, batch_size=BATCH_SIZE)


class _Property:
    """A property being generated: its places, each with the day it becomes free again."""

    __slots__ = ("id", "municipality_id", "capacity", "free_from", "last_start", "open_count")

    def __init__(self, pk, municipality_id, capacity, available_from):
        self.id = pk
        self.municipality_id = municipality_id
        self.capacity = capacity
        self.free_from = [available_from] * capacity  # kept sorted
        self.last_start = None
        self.open_count = 0

    def take(self, size, start, end):
        """Occupy `size` places from `start` up to `end` (exclusive; None = open); False if full."""
        if size > self.capacity or self.free_from[size - 1] > start:
            return False
        del self.free_from[:size]
        for _i in range(size):
            bisect.insort(self.free_from, end or NEVER)
        self.last_start = max(self.last_start or start, start)
        self.open_count += size if end is None else 0
        return True


def _properties(loader, municipalities, weights, organisations, agreements, sizes, first_day, rng):
    # At least one property everywhere, so every municipality has somewhere to place.
    per_municipality = [max(1, n) for n in _apportion(sizes["properties"], weights)]
    agreements_by_municipality = {}
    for agreement in agreements:
        agreements_by_municipality.setdefault(agreement.municipality_id, []).append(agreement)
    kinds, ranges, kind_weights = zip(*PROPERTY_KINDS, strict=True)
    now = timezone.now()
    pk = loader.next_id(Property)
    rows, generated = [], []
    for municipality, count in zip(municipalities, per_municipality, strict=True):
        owners = [o for o in organisations[municipality.pk] if o.kind != Organisation.Kind.VLUCHTELINGENWERK]
        for _i in range(count):
            index = rng.choices(range(len(kinds)), weights=kind_weights)[0]
            capacity = rng.randint(*ranges[index])
            available_from = first_day - dt.timedelta(days=rng.randrange(0, 120))
            options = agreements_by_municipality.get(municipality.pk)
            agreement = rng.choice(options) if options and rng.random() < 0.3 else None
            funding = rng.choice(list(Property.Funding))
            rows.append(
                (
                    pk,
                    f"{str(kinds[index].label).capitalize()} {rng.choice(STREETS)} {municipality.name}",
                    rng.choice(STREETS),
                    str(rng.randint(1, 250)),
                    _postcode(rng),
                    municipality.name,
                    municipality.pk,
                    kinds[index].value,
                    rng.choice(owners).pk,
                    capacity,
                    available_from,
                    None,
                    Property.Status.OFFERED.value,  # set from occupancy once placements exist
                    funding.value,
                    agreement.pk if agreement else None,
                    "",
                    now,
                    *_offers(pk, capacity),
                )
            )
            generated.append(_Property(pk, municipality.pk, capacity, available_from))
            pk += 1
    loader.insert(
        Property,
        [
            "id", "name", "street", "house_number", "postcode", "place", "municipality_id", "kind",
            "owner_id", "capacity", "available_from", "available_until", "status", "funding",
            "agreement_id", "notes", "created_at", *OFFER_COLUMNS,
        ],
        rows,
    )  # fmt: skip
    return generated


# What a place offers (matching, issue 16), as a function of its id and capacity rather than of the
# shared random generator, so the rest of the national data set stays exactly as it was.
OFFER_COLUMNS = [
    "suitable_for_families", "suitable_for_singles", "only_for", "suitable_for_minors", "step_free",
    "rooms", "beds", "shared_facilities",
]  # fmt: skip


def _offers(pk, capacity):
    only_for = "men" if pk % 11 == 0 else "women" if pk % 13 == 0 else ""
    return (
        pk % 5 != 0,
        pk % 4 != 0,
        only_for,
        pk % 17 == 0,
        pk % 7 == 0,
        capacity // 2 + 1,
        capacity,
        pk % 3 == 0,
    )


def _waiting(pk):
    """One household in twenty is linked and not yet placed: the waiting households of matching."""
    return pk % 20 == 0


def _needs(pk, size, permit, today):
    """Linking date, members and step-free need of a household (matching), without the shared
    random generator: placed households were linked a few weeks after the permit; waiting ones up to
    ten months ago. Never after today."""
    members = ("men" if pk % 3 else "women") if size == 1 else "mixed"
    linked = today - dt.timedelta(days=pk % 300) if _waiting(pk) else permit + dt.timedelta(days=7 + pk % 40)
    return (min(linked, today), members, pk % 17 == 0)


def _households(loader, municipalities, weights, organisations, sizes, first_day, rng):
    household_count, resident_count = sizes["households"], sizes["residents"]
    household_sizes = rng.choices(HOUSEHOLD_SIZES, weights=HOUSEHOLD_SIZE_WEIGHTS, k=household_count)
    # Nudge random households until the residents add up to the wanted total.
    missing = resident_count - sum(household_sizes)
    while missing:
        i = rng.randrange(household_count)
        if missing > 0:
            household_sizes[i] += 1
            missing -= 1
        elif household_sizes[i] > 1:
            household_sizes[i] -= 1
            missing += 1
    taken_refs = set(Household.objects.values_list("reference", flat=True))
    taken_refs.update(Resident.objects.values_list("reference", flat=True))
    taken_v = set(Resident.objects.exclude(v_number=None).values_list("v_number", flat=True))
    categories = [c.value for c in Household.Category]
    now = timezone.now()
    household_pk, resident_pk = loader.next_id(Household), loader.next_id(Resident)
    household_rows, resident_rows, households, residents = [], [], [], []
    linked = rng.choices(municipalities, weights=weights, k=household_count)
    for municipality, size in zip(linked, household_sizes, strict=True):
        support = [o for o in organisations[municipality.pk] if o.kind == Organisation.Kind.VLUCHTELINGENWERK]
        expected = rng.choice([1, 2, 3]) if size <= 2 and rng.random() < 0.15 else 0
        applied = _random_day(first_day, first_day + dt.timedelta(days=700), rng) if expected else None
        arrived = (
            applied + dt.timedelta(days=rng.randrange(90, 500)) if expected and rng.random() < 0.4 else None
        )
        household_rows.append(
            (
                household_pk,
                _reference("HH", rng, taken_refs),
                municipality.pk,
                rng.choices(categories, weights=[80, 10, 7, 3])[0],
                support[0].pk if support else None,
                expected,
                applied,
                applied + dt.timedelta(days=270) if applied else None,
                arrived,
                now,
                None,
            )
        )
        permit = _random_day(first_day - dt.timedelta(days=90), first_day + dt.timedelta(days=1000), rng)
        household_rows[-1] += _needs(household_pk, size, permit, now.date())
        family_name = rng.choice(FAMILY_NAMES)
        members = []
        for _i in range(size):
            insurance = rng.choices(["insured", "applied", "none", "unknown"], weights=[70, 12, 8, 10])[0]
            has_gp = rng.random() < 0.8
            reference, v_number = _reference("BW", rng, taken_refs), _v_number(rng, taken_v)
            given_name = rng.choice(GIVEN_NAMES)
            resident_rows.append(
                (
                    resident_pk,
                    household_pk,
                    reference,
                    v_number,
                    given_name,
                    family_name,
                    _random_day(dt.date(1960, 1, 1), dt.date(2024, 1, 1), rng),
                    rng.choice(NATIONALITIES),
                    permit,
                    rng.choice(GP_PRACTICES) if has_gp else "",
                    permit + dt.timedelta(days=rng.randrange(10, 60)) if has_gp else None,
                    insurance,
                    permit + dt.timedelta(days=rng.randrange(5, 90)) if insurance == "insured" else None,
                    name_key(given_name, family_name),
                )
            )
            members.append(resident_pk)
            resident_pk += 1
        households.append((household_pk, municipality.pk, permit, members))
        residents.extend(members)
        household_pk += 1
    loader.insert(
        Household,
        [
            "id", "reference", "municipality_id", "category", "support_organisation_id",
            "reunification_expected_members", "reunification_applied_on", "reunification_expected_on",
            "reunification_arrived_on", "created_at", "anonymised_at", "linked_on", "members",
            "needs_step_free",
        ],
        household_rows,
    )  # fmt: skip
    loader.insert(
        Resident,
        [
            "id", "household_id", "reference", "v_number", "given_name", "family_name", "birth_date",
            "nationality", "permit_date", "gp_practice", "gp_registered_on", "health_insurance",
            "insured_since", "search_text",
        ],
        resident_rows,
    )  # fmt: skip
    return households, residents


def _placements(loader, households, properties, first_day, today, rng):
    """Each household moves in together: temporary housing (HAR/transit) first for most, then a home."""
    by_municipality = {}
    for prop in properties:
        by_municipality.setdefault(prop.municipality_id, []).append(prop)
    span = (today - first_day).days
    now = timezone.now()
    rows = []
    pk = loader.next_id(Placement)
    unplaced = 0
    # Households leave reception spread over three years, slightly more each year.
    order = sorted(households, key=lambda h: h[2])
    for household_pk, municipality_id, permit, members in order:
        if _waiting(household_pk):
            continue
        start = first_day + dt.timedelta(days=int(span * rng.random() ** 0.8))
        if start < permit:
            start = min(permit, today)
        stays = []
        if rng.random() < 0.75:
            kind = rng.choice([Placement.Kind.HAR, Placement.Kind.TRANSIT])
            months = rng.choices([5, 6, 8, 10, 12, 15], weights=[15, 35, 20, 15, 8, 7])[0]
            end = add_months(start, months) + dt.timedelta(days=rng.randrange(-10, 10))
            stays.append((kind, start, end))
            if end <= today and rng.random() < 0.95:
                stays.append((Placement.Kind.PERMANENT, end, None))
        else:
            stays.append((Placement.Kind.PERMANENT, start, None))
        for kind, stay_start, stay_end in stays:
            if stay_start >= today:
                break
            temporary = kind != Placement.Kind.PERMANENT
            end = stay_end if stay_end and stay_end <= today else None
            if not temporary and rng.random() < 0.12:  # some leave their home again
                leave = stay_start + dt.timedelta(days=rng.randrange(120, 900))
                end = leave if leave <= today else None
            prop = _find_property(
                by_municipality, municipality_id, properties, len(members), stay_start, end, rng
            )
            if prop is None:
                unplaced += 1
                break
            planned = add_months(stay_start, Placement.DEFAULT_TEMPORARY_MONTHS) if temporary else None
            reason = ""
            if temporary and stay_end > add_months(stay_start, Placement.MAX_TEMPORARY_MONTHS):
                planned = stay_end
                reason = rng.choice(EXTENSION_REASONS)
            outflow = ""
            if end is not None:
                if temporary:
                    outflow = (
                        "permanent_here" if len(stays) > 1 else rng.choice(["other_municipality", "left"])
                    )
                else:
                    outflow = rng.choice(["other_municipality", "left", "other"])
            for resident_pk in members:
                rows.append(
                    (pk, resident_pk, prop.id, kind.value, stay_start, planned, end, reason, outflow, now)
                )
                pk += 1
    loader.insert(
        Placement,
        [
            "id", "resident_id", "property_id", "kind", "start_date", "planned_end", "end_date",
            "extension_reason", "outflow", "created_at",
        ],
        rows,
    )  # fmt: skip
    return len(rows), unplaced


def _find_property(by_municipality, municipality_id, properties, size, start, end, rng):
    """A property with `size` places free from `start`: in the linked municipality, else anywhere."""
    local = by_municipality.get(municipality_id, [])
    for prop in rng.sample(local, min(len(local), 12)):
        if prop.take(size, start, end):
            return prop
    for _i in range(40):
        prop = properties[rng.randrange(len(properties))]
        if prop.take(size, start, end):
            return prop
    return None


def _update_property_status(properties, today):
    in_use = [p.id for p in properties if p.open_count]
    closed = [p.id for p in properties if not p.open_count and p.last_start]
    Property.objects.filter(pk__in=in_use).update(status=Property.Status.IN_USE)
    Property.objects.filter(pk__in=closed).update(status=Property.Status.CLOSED)
    unused = [p.id for p in properties if not p.last_start]
    for i, status in enumerate(
        [
            Property.Status.OFFERED,
            Property.Status.ASSESSING,
            Property.Status.APPROVED,
            Property.Status.REJECTED,
        ]
    ):
        Property.objects.filter(pk__in=unused[i::4]).update(status=status)


def _buddies(loader, municipalities, weights, organisations, households, sizes, today, rng):
    buddy_rows, by_municipality = [], {}
    pk = loader.next_id(Buddy)
    for municipality in rng.choices(municipalities, weights=weights, k=sizes["buddies"]):
        volunteers = [o for o in organisations[municipality.pk] if o.kind == Organisation.Kind.CHURCH]
        name = f"{rng.choice(['Anne', 'Jan', 'Ingrid', 'Pieter', 'Fatma', 'Sanne', 'Kees', 'Noor'])} "
        name += rng.choice(["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder"])
        buddy_rows.append(
            (
                pk,
                name,
                f"buddy{pk}@example.org",
                "",
                volunteers[0].pk if volunteers else None,
                municipality.pk,
                rng.choice(
                    ["Nederlands, Engels", "Nederlands, Arabisch", "Nederlands, Tigrinya", "Nederlands"]
                ),
                _random_day(today - dt.timedelta(days=900), today, rng) if rng.random() < 0.85 else None,
                rng.random() < 0.9,
            )
        )
        by_municipality.setdefault(municipality.pk, []).append(pk)
        pk += 1
    loader.insert(
        Buddy,
        [
            "id",
            "name",
            "email",
            "phone",
            "organisation_id",
            "municipality_id",
            "languages",
            "vog_date",
            "active",
        ],
        buddy_rows,
    )
    match_rows = []
    pk = loader.next_id(BuddyMatch)
    for household_pk, municipality_id, permit, _members in households:
        candidates = by_municipality.get(municipality_id)
        if not candidates or rng.random() > 0.3:
            continue
        start = max(permit, today - dt.timedelta(days=1000)) + dt.timedelta(days=rng.randrange(10, 200))
        if start >= today:
            continue
        end = start + dt.timedelta(days=rng.randrange(180, 500))
        match_rows.append((pk, rng.choice(candidates), household_pk, start, end if end <= today else None))
        pk += 1
    loader.insert(BuddyMatch, ["id", "buddy_id", "household_id", "start_date", "end_date"], match_rows)
    return len(buddy_rows), len(match_rows)


def _check_invariants(municipalities):
    """The rules of SPEC §5, checked with SQL on what was just written."""
    placement, prop = Placement._meta.db_table, Property._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT count(*) FROM {placement} a JOIN {placement} b
                ON a.resident_id = b.resident_id AND a.id < b.id
               AND a.start_date < COALESCE(b.end_date, '9999-12-31')
               AND b.start_date < COALESCE(a.end_date, '9999-12-31')"""  # noqa: S608 - model meta
        )
        overlapping = cursor.fetchone()[0]
        assert overlapping == 0, f"{overlapping} overlapping placements"
        # Occupancy only rises on a start day, so checking every start day finds the peak.
        cursor.execute(
            f"""SELECT count(*) FROM (
                  SELECT s.property_id FROM (SELECT DISTINCT property_id, start_date FROM {placement}) s
                  JOIN {placement} p ON p.property_id = s.property_id AND p.start_date <= s.start_date
                   AND (p.end_date IS NULL OR p.end_date > s.start_date)
                  JOIN {prop} pr ON pr.id = s.property_id
                  GROUP BY s.property_id, s.start_date, pr.capacity
                  HAVING count(*) > pr.capacity) over_capacity"""  # noqa: S608 - table names from model meta
        )
        over = cursor.fetchone()[0]
        assert over == 0, f"{over} property days over capacity"
    quota_municipalities = set(Quota.objects.values_list("municipality_id", flat=True).distinct())
    assert quota_municipalities <= {m.pk for m in municipalities}
    assert quota_municipalities == {m.pk for m in municipalities}, "a municipality without quotas"


class _Loader:
    """Fast inserts with explicit primary keys: COPY on PostgreSQL, bulk_create elsewhere."""

    def __init__(self, conn):
        self.connection = conn
        self.models = []

    def next_id(self, model):
        return (model.objects.aggregate(last=Max("id"))["last"] or 0) + 1

    def insert(self, model, columns, rows):
        self.models.append(model)
        if self.connection.vendor == "postgresql":
            sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
            with self.connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model.objects.bulk_create(objects, batch_size=BATCH_SIZE // 10)

    def reset_sequences(self):
        """After explicit ids, move PostgreSQL's id sequences past them (SQLite needs nothing)."""
        statements = self.connection.ops.sequence_reset_sql(_NoStyle(), self.models)
        with self.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


class _NoStyle:
    def __getattr__(self, name):
        return lambda text: text


def _random_day(first, last, rng):
    return first + dt.timedelta(days=rng.randrange(max(1, (last - first).days)))


def _reference(prefix, rng, taken):
    while True:
        bits = rng.getrandbits(40)  # 8 characters of a 32-letter alphabet
        reference = prefix + "-" + "".join(REFERENCE_ALPHABET[(bits >> (5 * i)) & 31] for i in range(8))
        if reference not in taken:
            taken.add(reference)
            return reference


def _v_number(rng, taken):
    while True:
        number = str(rng.randrange(10**9, 10**10))
        if number not in taken:
            taken.add(number)
            return number


def _postcode(rng):
    return f"{rng.randint(1000, 9999)} {rng.choice('ABCEGHJKLMNPRSTVWXZ')}{rng.choice('ABCEGHJKLMNPRSTVWXZ')}"
