"""factory-boy factories for every model. Municipalities come from the real CBS list (loaded by
migration), so factories pick existing ones by code instead of inventing codes."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from buddies.models import Buddy, BuddyMatch
from housing.models import (
    Activity,
    IntentAgreement,
    Municipality,
    Organisation,
    Property,
    Quota,
    Region,
    UserScope,
)
from residents.models import Household, Placement, Resident

GRONINGEN = "GM0014"
UTRECHT = "GM0344"
TEST_PASSWORD = "correct-horse-battery-staple-42"


def municipality(code=GRONINGEN):
    return Municipality.objects.get(cbs_code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_user(role=None, municipalities=(), **kwargs):
    """A user with a role (group name) and a municipality scope, given as CBS codes."""
    user = UserFactory(**kwargs)
    if role:
        group, _ = Group.objects.get_or_create(name=role)
        user.groups.add(group)
    scope, _ = UserScope.objects.get_or_create(user=user)
    scope.municipalities.set(Municipality.objects.filter(cbs_code__in=municipalities))
    return user


def make_supervisor(province="Groningen", **kwargs):
    """A province supervisor of `province` (figures of its municipalities, no personal data)."""
    from housing.scope import PROVINCE_SUPERVISOR

    user = make_user(PROVINCE_SUPERVISOR, **kwargs)
    UserScope.objects.filter(user=user).update(province=province)
    return user


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Regio {n}")

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.members.set(extracted)


class QuotaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quota

    municipality = factory.LazyFunction(municipality)
    year = 2026
    half = 2
    target = 40
    carried_over = 0


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Protestantse Gemeente {n}")
    kind = Organisation.Kind.CHURCH
    municipality = factory.LazyFunction(municipality)
    contact = "secretariaat@example.org"


class IntentAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntentAgreement

    municipality = factory.LazyFunction(municipality)
    committed_persons = 25
    status = IntentAgreement.Status.EXPLORING


class PropertyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Property

    name = factory.Sequence(lambda n: f"Pastorie {n}")
    street = "Kerkstraat"
    house_number = factory.Sequence(lambda n: str(n + 1))
    postcode = "9711 AB"
    place = "Groningen"
    municipality = factory.LazyFunction(municipality)
    kind = Property.Kind.PARSONAGE
    owner = factory.SubFactory(OrganisationFactory)
    capacity = 4
    status = Property.Status.IN_USE
    funding = Property.Funding.HAR


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    date = dt.date(2026, 9, 1)
    kind = Activity.Kind.MEETING
    municipality = factory.LazyFunction(municipality)
    summary = "Kennismaking met de wethouder."


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    municipality = factory.LazyFunction(municipality)
    category = Household.Category.REGULAR


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    household = factory.SubFactory(HouseholdFactory)
    v_number = factory.Sequence(lambda n: f"{1000000000 + n}")
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    birth_date = dt.date(1990, 5, 17)
    nationality = "Syrisch"
    permit_date = dt.date(2026, 1, 15)


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    resident = factory.SubFactory(ResidentFactory)
    property = factory.SubFactory(PropertyFactory)
    kind = Placement.Kind.HAR
    start_date = dt.date(2026, 7, 1)
    planned_end = dt.date(2027, 1, 1)


class BuddyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Buddy

    name = factory.Faker("name", locale="nl_NL")
    email = factory.Sequence(lambda n: f"buddy{n}@example.org")
    municipality = factory.LazyFunction(municipality)
    languages = "Nederlands, Arabisch"
    vog_date = dt.date(2026, 3, 1)


class BuddyMatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BuddyMatch

    buddy = factory.SubFactory(BuddyFactory)
    household = factory.SubFactory(HouseholdFactory)
    start_date = dt.date(2026, 7, 15)
