"""The national-scale generator at a tiny scale: the data it makes obeys the rules of SPEC §5."""

import datetime as dt
import io
from collections import defaultdict

import pytest
from django.db import transaction

from buddies.models import Buddy
from demo.national import generate
from housing.models import Municipality, Property, Quota
from residents.models import Household, Placement, Resident
from residents.services import peak_occupancy

# Generating even a tiny national data set takes seconds (`make test-fast` skips it).
pytestmark = pytest.mark.slow

TODAY = dt.date(2026, 11, 28)
SCALE = 0.004  # 200 households, 400 residents, 20 buddies


@pytest.fixture
def generated(db):
    out = io.StringIO()
    counts = generate(stdout=out, seed=7, scale=SCALE, today=TODAY)
    return counts, out.getvalue()


def test_generator_makes_the_scaled_sizes_and_reports_progress(generated):
    counts, output = generated
    assert Property.objects.count() == counts["properties"] >= 342  # at least one per municipality
    assert Household.objects.count() == 200
    assert Resident.objects.count() == 400
    assert Buddy.objects.count() == 20
    assert Placement.objects.count() == counts["placements"] > 400  # a share moves on to a second home
    # Sizes from the CBS inhabitants, so no weight is synthetic; the national number is an example.
    assert "SYNTHETIC" not in output
    assert "EXAMPLE national number" in output
    assert "invariants hold" in output


def test_no_resident_has_overlapping_placements(generated):
    by_resident = defaultdict(list)
    for resident_id, start, end in Placement.objects.values_list("resident_id", "start_date", "end_date"):
        by_resident[resident_id].append((start, end or dt.date.max))
    for spans in by_resident.values():
        spans.sort()
        for (_start, end), (next_start, _end) in zip(spans, spans[1:], strict=False):
            assert next_start >= end


def test_no_property_is_ever_over_capacity(generated):
    first_day = Placement.objects.order_by("start_date").values_list("start_date", flat=True).first()
    for prop in Property.objects.all():
        assert peak_occupancy(prop.pk, first_day) <= prop.capacity


def test_quotas_cover_every_real_municipality_and_nothing_else(generated):
    municipalities = set(Municipality.objects.values_list("pk", flat=True))
    assert len(municipalities) == 342
    assert set(Quota.objects.values_list("municipality_id", flat=True)) == municipalities
    assert Quota.objects.values("year", "half").distinct().count() == 6
    assert Municipality.objects.count() == 342  # nothing invented


def test_temporary_placements_beyond_twelve_months_carry_a_reason(generated):
    for placement in Placement.objects.filter(kind__in=Placement.TEMPORARY_KINDS):
        placement.full_clean()  # the model's own rules, including the extension reason


def test_references_and_v_numbers_follow_from_the_seed(db):
    def run():
        with transaction.atomic():
            generate(stdout=io.StringIO(), seed=11, scale=0.001, today=TODAY)
            refs = list(Household.objects.order_by("reference").values_list("reference", flat=True))
            v_numbers = list(Resident.objects.order_by("v_number").values_list("v_number", flat=True))
            transaction.set_rollback(True)
        return refs, v_numbers

    assert run() == run()
