"""The small demo data set of `seed_demo` (SPEC §9): a few dozen households, mostly around
Groningen and Utrecht, that together show every case the figures and signals distinguish.

Rules of the product are never bypassed: households are placed and placements ended through
`residents.services`, in the order the days happened, so capacity and overlap are checked as they
would be for a user. Dates are relative to today, so the demo stays current. Names come from Faker
(nl_NL) with a fixed seed; municipalities are the real CBS list from the database; quotas are
computed by art. 29 (housing.quota) from the real CBS inhabitants and an *example* national number
(`EXAMPLE_NATIONAL_NUMBER`, stored as an example, never presented as a published figure). Where the
population of a period's reference year is not loaded, the latest loaded year is used and the
quota records that year, so every screen can say the quota is an estimate.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.utils import timezone

from buddies.models import Buddy, BuddyMatch
from housing.models import Activity, IntentAgreement, Municipality, Organisation, Property, Quota, Region
from housing.periods import Period
from residents.models import Household, Placement, Resident, add_months
from residents.services import end_placement, place_household

MARKER_NAME = "De Thuisgevers (demodata)"
MARKER_CONTACT = "Made by `manage.py seed_demo`; its presence means the demo data exists."
REGION_NAME = "Regio Groningen"
# An example national number per half-year (vg in art. 29): no published figure.
EXAMPLE_NATIONAL_NUMBER = 10_000
EXAMPLE_SOURCE = "Voorbeeldgetal van de demodata (seed_demo), geen gepubliceerd getal"

G, STADSKANAAL, VEENDAM, HOGELAND, WESTERKWARTIER = "GM0014", "GM0037", "GM0047", "GM1966", "GM1969"
U, ZEIST, NIEUWEGEIN, AMERSFOORT = "GM0344", "GM0355", "GM0356", "GM0307"
ZWOLLE, NIJMEGEN, TILBURG = "GM0193", "GM0268", "GM0855"

NATIONALITIES = ["Syrisch", "Eritrees", "Afghaans", "Turks", "Jemenitisch", "Iraaks", "Somalisch"]

# key: (name, kind, municipality or None, contact)
ORGANISATIONS = {
    "church_g": ("Protestantse Gemeente Noorderkerk", "church", G, "diaconie@example.org"),
    "corp_g": ("Woonstichting Noorderhuis", "housing_corporation", G, "verhuur@example.org"),
    "corp_u": ("Woningcorporatie Domstad Wonen", "housing_corporation", U, "info@example.org"),
    "convent_u": ("Kloostergemeenschap Sint-Agnes", "church", U, "overste@example.org"),
    "owner_stk": ("Familie De Vries (particulier)", "private_owner", STADSKANAAL, "06-12345678"),
    "chalets": ("Chaletpark De Brink B.V.", "entrepreneur", WESTERKWARTIER, "receptie@example.org"),
    "vwn": ("VluchtelingenWerk Noord-Nederland", "vluchtelingenwerk", None, "noord@example.org"),
    "vwm": ("VluchtelingenWerk Midden-Nederland", "vluchtelingenwerk", None, "midden@example.org"),
    "nidos": ("Nidos", "nidos", None, "info@example.org"),
    "buddies_g": ("Buddynetwerk Stad en Ommeland", "volunteer_group", G, "buddy@example.org"),
    "welfare_u": ("Welzijn Utrecht-Oost", "welfare", U, "welzijn@example.org"),
    "mosque_u": ("Stichting Moskee Kanaleneiland", "mosque", U, "bestuur@example.org"),
    "diaconie_zwl": ("Diaconie Zwolle", "church", ZWOLLE, "diaconie-zwolle@example.org"),
    "office_nij": ("Kantoorbeheer Nijmegen-Oost B.V.", "entrepreneur", NIJMEGEN, "beheer@example.org"),
}

# key: (name, kind, municipality, owner, capacity, status, funding, place, postcode digits, agreement)
PROPERTIES = {
    "P1": (
        "Pastorie Noorderkerk", "parsonage", G, "church_g", 6,
        "in_use", "har", "Groningen", "9712", "A1",
    ),
    "P2": (
        "Klooster Sint-Agnes", "convent", U, "convent_u", 12,
        "in_use", "har", "Utrecht", "3581", "A2",
    ),
    "P3": (
        "Kantoor Oosterhamrikkade", "office", G, "corp_g", 10,
        "in_use", "bzk", "Groningen", "9713", "A1",
    ),
    "P4": (
        "Woningen Domstad Wonen", "apartment", U, "corp_u", 10,
        "in_use", "regular_rent", "Utrecht", "3511", "A2",
    ),
    "P5": (
        "Woonhuis Familie De Vries", "house", STADSKANAAL, "owner_stk", 4,
        "in_use", "har", "Stadskanaal", "9501", None,
    ),
    "P6": (
        "Chalets De Brink", "units", WESTERKWARTIER, "chalets", 10,
        "in_use", "bzk", "Leek", "9351", None,
    ),
    "P7": (
        "Woningen Noorderhuis", "apartment", G, "corp_g", 8,
        "in_use", "regular_rent", "Groningen", "9717", "A1",
    ),
    "P8": (
        "Pastorie Zeist-Centrum", "parsonage", ZEIST, None, 5,
        "approved", "har", "Zeist", "3701", None,
    ),
    "P9": (
        "Oude school Veendam", "school", VEENDAM, None, 14,
        "assessing", "bzk", "Veendam", "9641", None,
    ),
    "P10": (
        "Kantoorpand Nijmegen-Oost", "office", NIJMEGEN, "office_nij", 16,
        "offered", "other", "Nijmegen", "6522", None,
    ),
    "P11": (
        "Diaconiehuis Zwolle", "house", ZWOLLE, "diaconie_zwl", 5,
        "in_use", "har", "Zwolle", "8011", None,
    ),
    "P12": (
        "Pastorie Amersfoort-Noord", "parsonage", AMERSFOORT, None, 4,
        "rejected", "", "Amersfoort", "3811", None,
    ),
    "P13": (
        "Klooster Tilburg", "convent", TILBURG, None, 20,
        "closed", "har", "Tilburg", "5038", None,
    ),
}  # fmt: skip


@dataclass
class Stay:
    """One placement of a whole household: months before today it starts (and ends, if it ended)."""

    property: str
    kind: str
    start_months_ago: float
    end_months_ago: float | None = None
    outflow: str = ""
    planned_months: int | None = None  # planned length; default: 6 months for temporary kinds
    extension_reason: str = ""


@dataclass
class HouseholdPlan:
    key: str
    municipality: str
    size: int
    stays: list = field(default_factory=list)
    category: str = "regular"
    support: str | None = None
    reunification: tuple | None = (
        None  # (expected members, applied months ago, expected in months, arrived months ago)
    )
    care_gaps: tuple = ()  # ("gp" | "insurance", resident index)
    buddy: str | None = None  # buddy key; None: no buddy
    waiting_months: float | None = None  # never placed: linked to the municipality this long ago
    members: str = "unknown"  # men only / women only / mixed (matching)
    step_free: bool = False  # needs step-free access (matching)


HAR, TRANSIT, PERMANENT = "har", "transit", "permanent"

# What some places offer beyond the defaults (families and singles, not step-free): matching.
PROPERTY_OFFERS = {
    "P3": {"shared_facilities": True, "rooms": 8, "beds": 10},
    "P7": {"step_free": True, "rooms": 12, "beds": 8},
    "P1": {"rooms": 4, "beds": 6},
    "P6": {"suitable_for_minors": True},
}
EXTENSION = "Nareis van de partner loopt nog en een passende woning is nog niet beschikbaar."

HOUSEHOLDS = [
    # Current HAR placement in Groningen; one resident without a GP (care gap).
    HouseholdPlan("H1", G, 3, [Stay("P1", HAR, 4)], care_gaps=(("gp", 1),), buddy="B1", support="vwn"),
    # HAR ending within 8 weeks (planned end default: start + 6 months) without a next home; no buddy.
    HouseholdPlan("H2", G, 2, [Stay("P1", HAR, 4.8)], support="vwn"),
    # Linked to Groningen, placed in Stadskanaal (outside its municipality); reunification of 2
    # members pending while the house has fewer free places.
    HouseholdPlan("H3", G, 2, [Stay("P5", HAR, 3)], reunification=(2, 8, 2, None), buddy="B4", support="vwn"),
    # Stadskanaal household without health insurance in a HAR placement.
    HouseholdPlan("H4", STADSKANAAL, 1, [Stay("P5", HAR, 2)], care_gaps=(("insurance", 0),)),
    # HAR stay past 12 months, with an extension reason; reunification pending.
    HouseholdPlan(
        "H5",
        U,
        4,
        [Stay("P2", HAR, 13, planned_months=15, extension_reason=EXTENSION)],
        reunification=(1, 14, 1, None),
        buddy="B5",
        support="vwm",
    ),
    HouseholdPlan("H6", U, 3, [Stay("P2", TRANSIT, 3)], buddy="B6", support="vwm"),
    # Linked to Utrecht, in transit housing in Groningen.
    HouseholdPlan("H7", U, 2, [Stay("P3", TRANSIT, 1)], support="vwm"),
    # Past period: HAR, then a permanent home in Groningen on the move-out day.
    HouseholdPlan(
        "H8",
        G,
        4,
        [Stay("P1", HAR, 11, 5, "permanent_here"), Stay("P7", PERMANENT, 5)],
        buddy="B2",
        support="vwn",
    ),
    HouseholdPlan("H9", G, 1, [Stay("P6", HAR, 7, planned_months=10)], category="ex_amv", support="vwn"),
    HouseholdPlan(
        "H10", WESTERKWARTIER, 3, [Stay("P6", TRANSIT, 6, planned_months=12)], category="resettled"
    ),
    # Past periods: HAR in the convent, then a permanent home; reunification arrived.
    HouseholdPlan(
        "H11",
        U,
        5,
        [Stay("P2", HAR, 16, 9, "permanent_here"), Stay("P4", PERMANENT, 9)],
        reunification=(2, 15, None, 10),
        buddy="B5",
        support="welfare_u",
    ),
    HouseholdPlan("H12", U, 1, [Stay("P4", PERMANENT, 2)], buddy="B7"),
    HouseholdPlan("H13", ZEIST, 1, [Stay("P2", HAR, 1)], category="amv_nidos", support="nidos", buddy="B6"),
    # Zwolle: temporary placement with one resident missing both GP and insurance.
    HouseholdPlan("H14", ZWOLLE, 3, [Stay("P11", HAR, 3)], care_gaps=(("gp", 2), ("insurance", 2))),
    # Left for another municipality after a HAR stay (nothing current).
    HouseholdPlan("H15", G, 2, [Stay("P3", HAR, 14, 8, "other_municipality")]),
    # Nieuwegein household in a permanent home in Utrecht.
    HouseholdPlan("H16", NIEUWEGEIN, 2, [Stay("P4", PERMANENT, 4)]),
    # Waiting in reception: not placed yet (issue 16: waiting households, matching).
    HouseholdPlan("H17", G, 3, [], support="vwn", waiting_months=3, members="mixed"),
    # Waiting longest; 3 family members expected through reunification: 5 now, 8 later, which
    # no free place in Groningen holds (the why-not on the matching page).
    HouseholdPlan(
        "H20",
        G,
        5,
        [],
        support="vwn",
        waiting_months=7,
        members="mixed",
        step_free=True,
        reunification=(3, 6, 4, None),
    ),
    # A single ex-amv man: fits the last free place in the parsonage.
    HouseholdPlan("H21", G, 1, [], category="ex_amv", waiting_months=1, members="men"),
    # Het Hogeland household in transit in Groningen, past its planned end and past 12 months
    # without an extension reason (the 12-month signal).
    HouseholdPlan("H18", HOGELAND, 2, [Stay("P3", TRANSIT, 13)], buddy="B3"),
    HouseholdPlan("H19", G, 4, [Stay("P7", PERMANENT, 1)], buddy="B3"),
]

# key: (municipality, organisation, languages, vog months ago or None, active)
BUDDIES = {
    "B1": (G, "buddies_g", "Nederlands, Arabisch", 10, True),
    "B2": (G, "buddies_g", "Nederlands, Engels", 20, True),
    "B3": (G, "church_g", "Nederlands, Tigrinya", 6, True),
    "B4": (STADSKANAAL, None, "Nederlands, Duits", 4, True),
    "B5": (U, "welfare_u", "Nederlands, Engels, Arabisch", 14, True),
    "B6": (U, "mosque_u", "Nederlands, Dari", 8, True),
    "B7": (U, None, "Nederlands, Turks", None, True),
    "B8": (G, "buddies_g", "Nederlands", 30, False),
}

# key: (lead, partners, persons, status, college decision months ago, signed months ago)
AGREEMENTS = {
    "A1": (G, [HOGELAND, WESTERKWARTIER], 60, "in_execution", 10, 9),
    "A2": (U, [ZEIST], 40, "signed", 3, 2),
    "A3": (STADSKANAAL, [], 25, "college_proposal", None, None),
    "A4": (ZWOLLE, [], 30, "inspiration_session", None, None),
    "A5": (NIJMEGEN, [], 25, "exploring", None, None),
    "A6": (AMERSFOORT, [], 25, "ended", None, None),
    "A7": (VEENDAM, [], 25, "contact", None, None),
}

# (months ago, kind, municipality, agreement, organisations, summary)
ACTIVITIES = [
    (11, "phone_call", G, "A1", ["church_g"], "Diaconie belt via de Thuisgeverslijn over de lege pastorie."),
    (10.5, "site_visit", G, "A1", ["church_g", "vwn"], "Pastorie Noorderkerk bekeken met VluchtelingenWerk."),
    (10, "meeting", G, "A1", ["corp_g"], "Afspraken met Noorderhuis over kantoor en woningen."),
    (
        4,
        "inspiration_session",
        U,
        "A2",
        ["convent_u", "welfare_u"],
        "Inspiratiesessie met kerken en welzijn.",
    ),
    (3, "meeting", U, "A2", ["corp_u"], "Collegevoorstel besproken met wethouder en corporatie."),
    (2, "phone_call", STADSKANAAL, "A3", ["owner_stk"], "Particulier biedt woonhuis aan."),
    (1.5, "inspiration_session", ZWOLLE, "A4", ["diaconie_zwl"], "Inspiratiesessie voor kerken in Zwolle."),
    (1, "site_visit", NIJMEGEN, "A5", ["office_nij"], "Kantoorpand bekeken; ombouw nodig."),
    (0.5, "phone_call", VEENDAM, "A7", [], "Eerste contact met de gemeente over de oude school."),
    (0.2, "meeting", WESTERKWARTIER, None, ["chalets"], "Evaluatie chalets met de eigenaar."),
]


def is_seeded():
    return Organisation.objects.filter(name=MARKER_NAME).exists()


def months_ago(today, months):
    """`today` minus a (possibly fractional) number of months; fractions as days."""
    whole = int(months)
    day = add_months(today, -whole)
    return day - dt.timedelta(days=round((months - whole) * 30))


class DemoBuilder:
    def __init__(self, *, seed, users, today=None, stdout=None):
        from faker import Faker  # imported here: only the demo needs it

        self.rng = random.Random(seed)
        self.seed = seed
        self.fake = Faker("nl_NL")
        self.fake.seed_instance(seed)
        self.today = today or timezone.localdate()
        self.users = users
        self.stdout = stdout
        codes = {G, STADSKANAAL, VEENDAM, HOGELAND, WESTERKWARTIER, U, ZEIST, NIEUWEGEIN, AMERSFOORT}
        codes |= {ZWOLLE, NIJMEGEN, TILBURG}
        self.municipalities = {m.cbs_code: m for m in Municipality.objects.filter(cbs_code__in=codes)}
        missing = codes - set(self.municipalities)
        if missing:
            raise ValueError(f"Municipalities missing from the database: {', '.join(sorted(missing))}")
        self.taken_v_numbers = set(Resident.objects.exclude(v_number=None).values_list("v_number", flat=True))

    def say(self, text):
        if self.stdout is not None:
            self.stdout.write(text)

    def build(self):
        Organisation.objects.create(name=MARKER_NAME, kind=Organisation.Kind.OTHER, contact=MARKER_CONTACT)
        self.quotas()
        self.region()
        self.organisations = self.make_organisations()
        self.agreements = self.make_agreements()
        self.properties = self.make_properties()
        self.households = self.make_households()
        self.placements()
        self.proposal()
        self.buddies = self.make_buddies()
        self.matches()
        self.activities()

    # --- figures: quotas and region ---

    def quotas(self):
        """Quotas for the previous, current and next half-year for every active municipality."""
        current = Period.containing(self.today)
        periods = [current.previous(), current, current.next()]
        rows, notes = [], []
        for period in periods:
            computation = example_quotas(period, EXAMPLE_NATIONAL_NUMBER)
            if computation is None:
                notes.append(f"{period}: no population loaded, no quotas")
                continue
            if computation.outdated:
                notes.append(
                    f"{period}: population of 1 January {computation.population_year} "
                    f"(the law prescribes {computation.required_year}; an estimate)"
                )
            for row in computation.rows:
                # The next period's carry-over is not known before the current one ends.
                target = row.quota
                carried_over = 0 if period == current.next() else round(target * self.rng.uniform(-0.3, 0.6))
                if period == current and row.cbs_code == STADSKANAAL:
                    carried_over = -max(1, target // 4)  # a lead from the previous period
                rows.append(
                    Quota(
                        municipality_id=row.municipality_id,
                        year=period.year,
                        half=period.half,
                        target=target,
                        statutory_target=target,
                        population_year=computation.population_year,
                        carried_over=carried_over,
                    )
                )
        Quota.objects.bulk_create(rows, ignore_conflicts=True)
        self.say(
            f"Quotas for {', '.join(map(str, periods))} by art. 29 from the CBS inhabitants and the EXAMPLE "
            f"national number {EXAMPLE_NATIONAL_NUMBER} (not a published figure). " + "; ".join(notes)
        )

    def region(self):
        region, _created = Region.objects.get_or_create(name=REGION_NAME)
        region.members.add(*Municipality.objects.active().filter(province="Groningen"))
        self.redistribution(region)

    def redistribution(self, region):
        """An example art. 29(2) agreement for the current period: Groningen hands a tenth of its
        quota to Stadskanaal and Veendam, the sum unchanged (housing.quota keeps it so)."""
        from housing.quota import QuotaComputationError, save_redistribution

        period = Period.containing(self.today)
        quotas = dict(
            Quota.objects.for_period(period)
            .filter(municipality__in=region.members.all())
            .values_list("municipality", "target")
        )
        codes = dict(region.members.values_list("cbs_code", "pk"))
        if not all(codes.get(code) in quotas for code in (G, STADSKANAAL, VEENDAM)):
            return
        moved = quotas[codes[G]] // 10
        agreed = dict(quotas)
        agreed[codes[G]] -= moved
        agreed[codes[STADSKANAAL]] += moved - moved // 2
        agreed[codes[VEENDAM]] += moved // 2
        try:
            save_redistribution(
                region=region,
                period=period,
                decided_on=self.today - dt.timedelta(days=60),
                agreed=agreed,
                notes="Voorbeeldafspraak van de demodata.",
            )
        except QuotaComputationError:
            return

    # --- organisations, agreements, properties ---

    def make_organisations(self):
        result = {}
        for key, (name, kind, code, contact) in ORGANISATIONS.items():
            result[key] = Organisation.objects.create(
                name=name, kind=kind, municipality=self.municipalities.get(code), contact=contact
            )
        return result

    def make_agreements(self):
        result = {}
        for key, (lead, partners, persons, status, decided, signed) in AGREEMENTS.items():
            agreement = IntentAgreement(
                municipality=self.municipalities[lead],
                committed_persons=persons,
                pioneer=self.users.get("pionier"),
                status=status,
                college_decision_date=months_ago(self.today, decided) if decided is not None else None,
                signed_on=months_ago(self.today, signed) if signed is not None else None,
                notes="",
            )
            agreement.full_clean()
            agreement.save()
            agreement.partners.set([self.municipalities[code] for code in partners])
            result[key] = agreement
        return result

    def make_properties(self):
        result = {}
        for key, spec in PROPERTIES.items():
            name, kind, code, owner, capacity, status, funding, place, digits, agreement = spec
            letters = "".join(self.rng.choice("ABCDEGHJKLMNPRSTVWXZ") for _ in range(2))
            prop = Property(
                name=name,
                street=self.fake.street_name(),
                house_number=str(self.rng.randint(1, 180)),
                postcode=f"{digits} {letters}",
                place=place,
                municipality=self.municipalities[code],
                kind=kind,
                owner=self.organisations.get(owner),
                capacity=capacity,
                status=status,
                funding=funding,
                available_from=months_ago(self.today, 18),
                agreement=self.agreements.get(agreement),
                **PROPERTY_OFFERS.get(key, {}),
            )
            prop.full_clean()
            prop.save()
            result[key] = prop
        return result

    # --- households, residents, placements ---

    def v_number(self):
        while True:
            candidate = str(self.rng.randrange(10**9, 10**10))
            if candidate not in self.taken_v_numbers:
                self.taken_v_numbers.add(candidate)
                return candidate

    def make_households(self):
        result = {}
        for plan in HOUSEHOLDS:
            expected = applied = expected_on = arrived = None
            if plan.reunification:
                expected, applied_ago, expected_in, arrived_ago = plan.reunification
                applied = months_ago(self.today, applied_ago)
                expected_on = add_months(self.today, expected_in) if expected_in is not None else None
                arrived = months_ago(self.today, arrived_ago) if arrived_ago is not None else None
            # Linked to the municipality before the first placement (or, waiting, that long ago).
            linked_months = plan.waiting_months if not plan.stays else plan.stays[0].start_months_ago + 0.5
            household = Household.objects.create(
                municipality=self.municipalities[plan.municipality],
                linked_on=months_ago(self.today, linked_months) if linked_months is not None else None,
                members=plan.members,
                needs_step_free=plan.step_free,
                category=plan.category,
                support_organisation=self.organisations.get(plan.support),
                reunification_expected_members=expected or 0,
                reunification_applied_on=applied,
                reunification_expected_on=expected_on,
                reunification_arrived_on=arrived,
            )
            first_start = months_ago(self.today, plan.stays[0].start_months_ago) if plan.stays else self.today
            family_name = self.fake.last_name()
            nationality = self.rng.choice(NATIONALITIES)
            for index in range(plan.size):
                self.make_resident(household, plan, index, family_name, nationality, first_start)
            result[plan.key] = household
        return result

    def _known(self, day, birth_date):
        """A registration date as the demo can know it: not after today, not before birth."""
        if day is None:
            return None
        return max(min(day, self.today), birth_date)

    def make_resident(self, household, plan, index, family_name, nationality, first_start):
        adult = index < 2 or plan.size == 1
        age = self.rng.randint(19, 55) if adult else self.rng.randint(0, 17)
        birth_date = self.today - dt.timedelta(days=age * 365 + self.rng.randint(0, 364))
        gaps = {kind for kind, who in plan.care_gaps if who == index}
        placed = bool(plan.stays)
        has_gp = placed and "gp" not in gaps
        insured = placed and "insurance" not in gaps
        v_number = self.v_number()  # the random draws in the order they always had
        given_name = self.fake.first_name()
        permit_date = first_start - dt.timedelta(days=self.rng.randint(30, 150))
        gp_practice = f"Huisartsenpraktijk {self.fake.last_name()}" if has_gp else ""
        gp_on = first_start + dt.timedelta(days=self.rng.randint(1, 14)) if has_gp else None
        insured_since = first_start + dt.timedelta(days=self.rng.randint(5, 30)) if insured else None
        resident = Resident(
            household=household,
            v_number=v_number,
            given_name=given_name,
            family_name=family_name,
            birth_date=birth_date,
            nationality=nationality,
            # A child born after the family's permit gets its own permit from birth; dates that
            # would lie after today are not known yet (Resident.clean refuses both).
            permit_date=max(permit_date, birth_date),
            gp_practice=gp_practice,
            gp_registered_on=self._known(gp_on, birth_date),
            health_insurance=(
                Resident.Insurance.INSURED
                if insured
                else (Resident.Insurance.NONE if placed else Resident.Insurance.UNKNOWN)
            ),
            insured_since=self._known(insured_since, birth_date),
        )
        resident.full_clean()
        resident.save()

    def placements(self):
        """Place and end through the services, day by day as it happened (ends before starts on
        the same day, so a same-day move is no overlap and frees its place first)."""
        steps = []
        for plan in HOUSEHOLDS:
            for number, stay in enumerate(plan.stays):
                start = months_ago(self.today, stay.start_months_ago)
                steps.append((start, 1, plan.key, number, stay))
                if stay.end_months_ago is not None:
                    steps.append((months_ago(self.today, stay.end_months_ago), 0, plan.key, number, stay))
        steps.sort(key=lambda step: (step[0], step[1], step[2], step[3]))
        placed = {}
        for day, action, key, number, stay in steps:
            household = self.households[key]
            if action == 1:
                planned_end = add_months(day, stay.planned_months) if stay.planned_months else None
                placed[key, number] = place_household(
                    household=household,
                    property=self.properties[stay.property],
                    kind=stay.kind,
                    start_date=day,
                    planned_end=planned_end,
                    extension_reason=stay.extension_reason,
                )
            else:
                for placement in placed[key, number]:
                    end_placement(placement=placement, end_date=day, outflow=stay.outflow)

    # --- buddies, matches, activities ---

    def proposal(self):
        """One open proposal: the pioneer proposed H17 for the office in Groningen (issue 16)."""
        from django.contrib.auth import get_user_model

        from residents import proposals

        pioneer = get_user_model().objects.filter(username="pionier").first()
        proposals.propose(
            household=self.households["H17"],
            property=self.properties["P3"],
            kind=TRANSIT,
            start_date=self.today + dt.timedelta(days=14),
            respond_by=self.today + dt.timedelta(days=10),
            user=pioneer,
        )

    def make_buddies(self):
        result = {}
        for key, (code, organisation, languages, vog_ago, active) in BUDDIES.items():
            name = self.fake.name()
            result[key] = Buddy.objects.create(
                name=name,
                email=f"{key.lower()}.buddy@example.org",
                phone=self.fake.phone_number()[:30],
                organisation=self.organisations.get(organisation),
                municipality=self.municipalities[code],
                languages=languages,
                vog_date=months_ago(self.today, vog_ago) if vog_ago is not None else None,
                active=active,
            )
        return result

    def matches(self):
        for plan in HOUSEHOLDS:
            if not plan.buddy:
                continue
            first = months_ago(self.today, plan.stays[0].start_months_ago) if plan.stays else self.today
            match = BuddyMatch(
                buddy=self.buddies[plan.buddy],
                household=self.households[plan.key],
                start_date=first + dt.timedelta(days=self.rng.randint(7, 30)),
            )
            match.full_clean()
            match.save()
        # A match that ended: the inactive buddy used to visit household H15.
        ended = BuddyMatch(
            buddy=self.buddies["B8"],
            household=self.households["H15"],
            start_date=months_ago(self.today, 13),
            end_date=months_ago(self.today, 8),
        )
        ended.full_clean()
        ended.save()

    def activities(self):
        for ago, kind, code, agreement, organisations, summary in ACTIVITIES:
            activity = Activity.objects.create(
                date=months_ago(self.today, ago),
                kind=kind,
                municipality=self.municipalities[code],
                agreement=self.agreements.get(agreement),
                summary=summary,
            )
            activity.organisations.set([self.organisations[key] for key in organisations])


def generate(*, seed, users, stdout=None, today=None):
    """Build the demo data set (call inside a transaction; the caller checks `is_seeded()`)."""
    DemoBuilder(seed=seed, users=users, stdout=stdout, today=today).build()


def counts():
    """Row counts of the demo's models, for the command's summary and the tests."""
    from django.contrib.auth import get_user_model

    today = timezone.localdate()
    return {
        "municipalities": Municipality.objects.count(),
        "quotas": Quota.objects.count(),
        "regions": Region.objects.count(),
        "organisations": Organisation.objects.count(),
        "properties": Property.objects.count(),
        "agreements": IntentAgreement.objects.count(),
        "activities": Activity.objects.count(),
        "households": Household.objects.count(),
        "residents": Resident.objects.count(),
        "placements": Placement.objects.count(),
        "active placements": Placement.objects.active_on(today).count(),
        "buddies": Buddy.objects.count(),
        "matches": BuddyMatch.objects.count(),
        "users": get_user_model().objects.count(),
    }


def example_quotas(period, national_number):
    """The art. 29 computation of `period` for the demo, from the prescribed population year or,
    when that is not loaded, the latest loaded one (the result then says `outdated`). Records the
    national number as an example. None when no population is loaded at all."""
    from housing.models import NationalNumber
    from housing.quota import QuotaComputationError, compute_quotas, latest_population_year, reference_year

    year = latest_population_year(reference_year(period))
    if year is None:
        return None
    try:
        computation = compute_quotas(period, national_number, population_year=year)
    except QuotaComputationError:
        return None  # a municipality without a figure (one a test created): no quotas by the law
    NationalNumber.objects.get_or_create(
        year=period.year,
        half=period.half,
        defaults={"persons": national_number, "source": EXAMPLE_SOURCE, "is_example": True},
    )
    return computation
