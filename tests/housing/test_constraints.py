"""Database constraints of housing models (SPEC §4–§5): each holds at the database level
(IntegrityError, bypassing forms) and in model validation with a Dutch message."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from housing.models import IntentAgreement, Municipality, Property, Quota
from tests.factories import IntentAgreementFactory, PropertyFactory, QuotaFactory, municipality

pytestmark = pytest.mark.django_db


def assert_db_refuses(model, pk, **changes):
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=pk).update(**changes)


def dutch_errors(instance):
    with translation.override("nl"), pytest.raises(ValidationError) as info:
        instance.full_clean()
    return info.value.message_dict


def test_property_capacity_must_be_positive_in_database():
    prop = PropertyFactory()
    assert_db_refuses(Property, prop.pk, capacity=0)
    assert Property.objects.get(pk=prop.pk).capacity == 4


def test_property_capacity_zero_fails_validation():
    errors = dutch_errors(PropertyFactory.build(capacity=0, owner=None))
    assert "capacity" in errors


def test_property_postcode_format_enforced_in_database():
    prop = PropertyFactory()
    assert_db_refuses(Property, prop.pk, postcode="9711AB")
    assert_db_refuses(Property, prop.pk, postcode="0711 AB")


def test_property_postcode_is_normalised_by_clean_and_bad_one_gets_dutch_message():
    prop = PropertyFactory.build(owner=None, postcode=" 9711ab ")
    prop.full_clean()
    assert prop.postcode == "9711 AB"
    errors = dutch_errors(PropertyFactory.build(owner=None, postcode="ABCD 12"))
    assert errors["postcode"] == [
        "Een postcode bestaat uit vier cijfers en twee letters, bijvoorbeeld 9711 AB."
    ]


def test_property_available_until_before_from_is_refused():
    prop = PropertyFactory()
    assert_db_refuses(
        Property, prop.pk, available_from=dt.date(2026, 9, 1), available_until=dt.date(2026, 8, 1)
    )
    candidate = PropertyFactory.build(
        owner=None, available_from=dt.date(2026, 9, 1), available_until=dt.date(2026, 8, 1)
    )
    assert "available_until" in dutch_errors(candidate)


def test_municipality_cbs_code_format_enforced_in_database():
    groningen = municipality()
    assert_db_refuses(Municipality, groningen.pk, cbs_code="G0014")
    with pytest.raises(IntegrityError), transaction.atomic():
        Municipality.objects.create(name="Nergenshuizen", cbs_code="GM14")


def test_municipality_cbs_code_format_has_dutch_message():
    errors = dutch_errors(Municipality(name="Nergenshuizen", cbs_code="gm0001"))
    assert errors["cbs_code"] == [
        "Een CBS-gemeentecode is GM gevolgd door vier cijfers, bijvoorbeeld GM0014."
    ]


def test_municipality_cbs_code_is_unique():
    with pytest.raises(IntegrityError), transaction.atomic():
        Municipality.objects.create(name="Tweede Groningen", cbs_code="GM0014")


def test_quota_unique_per_municipality_and_period():
    QuotaFactory(year=2026, half=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Quota.objects.create(municipality=municipality(), year=2026, half=2, target=10)
    Quota.objects.create(municipality=municipality(), year=2026, half=1, target=10)  # other period: fine
    assert Quota.objects.filter(municipality=municipality()).count() == 2


def test_quota_duplicate_fails_validation():
    QuotaFactory(year=2026, half=2)
    duplicate = Quota(municipality=municipality(), year=2026, half=2, target=10)
    with pytest.raises(ValidationError):
        duplicate.full_clean()


def test_quota_half_must_be_one_or_two_in_database():
    quota = QuotaFactory()
    assert_db_refuses(Quota, quota.pk, half=3)


def test_quota_carried_over_may_be_negative():
    quota = QuotaFactory(carried_over=-7)
    quota.full_clean()
    assert Quota.objects.get(pk=quota.pk).carried_over == -7


def test_agreement_needs_at_least_25_persons_in_database():
    agreement = IntentAgreementFactory(committed_persons=25)
    assert_db_refuses(IntentAgreement, agreement.pk, committed_persons=24)
    with pytest.raises(IntegrityError), transaction.atomic():
        IntentAgreement.objects.create(municipality=municipality(), committed_persons=10)


def test_agreement_below_25_persons_fails_validation():
    errors = dutch_errors(IntentAgreement(municipality=municipality(), committed_persons=24))
    assert "25" in errors["committed_persons"][0]


@pytest.mark.parametrize("status", ["signed", "in_execution", "completed"])
def test_decided_agreement_needs_college_decision_date_in_database(status):
    agreement = IntentAgreementFactory()
    assert_db_refuses(IntentAgreement, agreement.pk, status=status, college_decision_date=None)
    IntentAgreement.objects.filter(pk=agreement.pk).update(
        status=status, college_decision_date=dt.date(2026, 3, 1)
    )
    assert IntentAgreement.objects.get(pk=agreement.pk).status == status


def test_decided_agreement_without_college_decision_date_gets_dutch_message():
    agreement = IntentAgreement(municipality=municipality(), committed_persons=30, status="signed")
    errors = dutch_errors(agreement)
    assert errors["college_decision_date"] == [
        "Vanaf de status ‘getekend’ is de datum van het collegebesluit verplicht."
    ]


def test_undecided_agreement_needs_no_college_decision_date():
    IntentAgreement(municipality=municipality(), committed_persons=25, status="college_proposal").full_clean()


def test_municipality_with_history_cannot_be_deleted():
    from django.db.models import ProtectedError

    QuotaFactory()
    with pytest.raises(ProtectedError):
        municipality().delete()
