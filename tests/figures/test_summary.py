"""The per-resident summary (figures/summary.py) never differs from a computation from scratch.

Hypothesis makes random sequences of changes through every kind of write the triggers must see —
model saves, deletes, queryset updates, bulk inserts, plain SQL, households moving municipality,
residents moving household — and after each sequence the summary tables must equal a fresh
rebuild, and the §6 counts read from them must equal the old computation straight from the
placements (tests/figures/figures_oracle.py), for several periods, reference days, scopes and
counting-kind settings. Runs on SQLite (row triggers) and PostgreSQL (statement triggers).
"""

import datetime as dt
import io
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from figures import summary
from figures.figures import _resident_counts, municipality_figures
from figures.models import ResidentFigure, TemporaryFigure
from housing.models import Municipality
from housing.periods import Period
from housing.scope import ALL
from residents.models import Household, Placement
from tests.factories import (
    GRONINGEN,
    UTRECHT,
    HouseholdFactory,
    PlacementFactory,
    PropertyFactory,
    ResidentFactory,
)
from tests.figures.figures_oracle import oracle_counts

BASE = dt.date(2026, 1, 1)
KINDS = list(Placement.Kind.values)
PERIODS = [Period(2025, 2), Period(2026, 1), Period(2026, 2), Period(2027, 1)]
TODAYS = [BASE + dt.timedelta(days=days) for days in (-100, 0, 45, 181, 300, 500)]
SETTINGS = [["har", "transit", "permanent"], ["permanent"], ["transit", "har"]]

offsets = st.integers(min_value=-400, max_value=400)
durations = st.one_of(st.none(), st.integers(min_value=1, max_value=300))
index = st.integers(min_value=0, max_value=20)
operations = st.one_of(
    st.tuples(st.just("add"), index, index, st.sampled_from(KINDS), offsets, durations),
    st.tuples(st.just("change"), index, st.sampled_from(KINDS), offsets, durations),
    st.tuples(st.just("end_by_update"), index, st.integers(min_value=1, max_value=300)),
    st.tuples(st.just("delete"), index),
    st.tuples(st.just("bulk"), st.lists(st.tuples(index, st.sampled_from(KINDS), offsets), max_size=4)),
    st.tuples(st.just("household_municipality"), index, st.booleans()),
    st.tuples(st.just("household_municipality_by_update"), index),
    st.tuples(st.just("resident_household"), index, index),
    st.tuples(st.just("raw_start"), index, offsets),
)


@pytest.fixture
def world(db):
    groningen = Municipality.objects.get(cbs_code=GRONINGEN)
    utrecht = Municipality.objects.get(cbs_code=UTRECHT)
    households = [
        HouseholdFactory(municipality=groningen),
        HouseholdFactory(municipality=groningen),
        HouseholdFactory(municipality=utrecht),
    ]
    residents = [ResidentFactory(household=households[i % 3]) for i in range(5)]
    properties = [
        PropertyFactory(municipality=groningen),
        PropertyFactory(municipality=utrecht, place="Utrecht"),
    ]
    return {
        "municipalities": [groningen, utrecht],
        "households": households,
        "residents": residents,
        "properties": properties,
    }


def _day(offset):
    return BASE + dt.timedelta(days=offset)


def _end(start, duration):
    return None if duration is None else start + dt.timedelta(days=duration)


def _nth(queryset, i):
    items = list(queryset.order_by("pk"))
    return items[i % len(items)] if items else None


def _apply(operation, world):
    name, *args = operation
    residents, households, properties = world["residents"], world["households"], world["properties"]
    if name == "add":
        r, p, kind, start, duration = args
        start = _day(start)
        Placement.objects.create(
            resident=residents[r % 5],
            property=properties[p % 2],
            kind=kind,
            start_date=start,
            end_date=_end(start, duration),
        )
    elif name == "change" and (placement := _nth(Placement.objects, args[0])):
        kind, start, duration = args[1:]
        placement.kind, placement.start_date = kind, _day(start)
        placement.end_date = _end(placement.start_date, duration)
        placement.save()
    elif name == "end_by_update" and (placement := _nth(Placement.objects, args[0])):
        Placement.objects.filter(pk=placement.pk).update(
            end_date=placement.start_date + dt.timedelta(days=args[1])
        )
    elif name == "delete" and (placement := _nth(Placement.objects, args[0])):
        placement.delete()
    elif name == "bulk":
        Placement.objects.bulk_create(
            Placement(resident=residents[r % 5], property=properties[0], kind=kind, start_date=_day(start))
            for r, kind, start in args[0]
        )
    elif name == "household_municipality":
        household = households[args[0] % 3]
        household.municipality = world["municipalities"][int(args[1])]
        household.save()
    elif name == "household_municipality_by_update":
        household = households[args[0] % 3]
        other = [m for m in world["municipalities"] if m.pk != household.municipality_id][0]
        Household.objects.filter(pk=household.pk).update(municipality=other)
        household.refresh_from_db()
    elif name == "resident_household":
        resident = residents[args[0] % 5]
        resident.household = households[args[1] % 3]
        resident.save()
    elif name == "raw_start" and (placement := _nth(Placement.objects, args[0])):
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Placement._meta.db_table} SET start_date = %s WHERE id = %s",  # noqa: S608
                [_day(args[1]), placement.pk],
            )


def _nonzero(counts):
    return {key: value for key, value in counts.items() if any(value)}


def _assert_counts_agree(world):
    groningen = world["municipalities"][0]
    scopes = [ALL, [groningen.pk], Municipality.objects.filter(pk=groningen.pk).values("pk")]
    for kinds in SETTINGS:
        with override_settings(QUOTA_COUNTING_KINDS=kinds):
            for today in TODAYS:
                for scope in scopes:
                    assert _nonzero(_resident_counts(PERIODS, scope, today)) == _nonzero(
                        oracle_counts(PERIODS, scope, today)
                    ), (kinds, today, scope)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(operations, min_size=1, max_size=15))
def test_summary_equals_a_computation_from_scratch_after_random_changes(world, steps):
    with transaction.atomic():
        for operation in steps:
            try:
                with transaction.atomic():
                    _apply(operation, world)
            except IntegrityError:
                pass  # overlapping placements (PostgreSQL), an end before the start: refused, nothing changed
        assert summary.differences() == {}
        _assert_counts_agree(world)
        transaction.set_rollback(True)
    for item in world["households"] + world["residents"]:
        item.refresh_from_db()


@pytest.mark.django_db
def test_a_placement_is_in_the_summary_in_the_same_transaction_and_leaves_it_when_deleted():
    placement = PlacementFactory(kind=Placement.Kind.HAR, start_date=dt.date(2026, 7, 1))
    row = ResidentFigure.objects.get(resident_id=placement.resident_id)
    assert (row.first_har, row.first_permanent, row.latest_first) == (
        dt.date(2026, 7, 1),
        None,
        dt.date(2026, 7, 1),
    )
    assert row.municipality_id == placement.resident.household.municipality_id
    stretch = TemporaryFigure.objects.get(placement_id=placement.pk)
    assert (stretch.start_date, stretch.end_until) == (dt.date(2026, 7, 1), dt.date(9999, 12, 31))

    placement.delete()
    assert not ResidentFigure.objects.filter(resident_id=placement.resident_id).exists()
    assert not TemporaryFigure.objects.exists()


@pytest.mark.django_db
def test_figures_follow_a_household_that_moves_municipality():
    groningen, utrecht = (
        Municipality.objects.get(cbs_code=GRONINGEN),
        Municipality.objects.get(cbs_code=UTRECHT),
    )
    period = Period(2026, 2)
    placement = PlacementFactory(kind=Placement.Kind.PERMANENT, start_date=dt.date(2026, 8, 1))
    today = dt.date(2026, 9, 1)

    def realised(municipality):
        return municipality_figures(period, [municipality.pk], today=today)[0].realised

    assert (realised(groningen), realised(utrecht)) == (1, 0)
    household = placement.resident.household
    household.municipality = utrecht
    household.save()
    assert (realised(groningen), realised(utrecht)) == (0, 1)


@pytest.mark.django_db
def test_rebuild_restores_a_summary_emptied_by_hand():
    PlacementFactory(kind=Placement.Kind.TRANSIT)
    PlacementFactory(kind=Placement.Kind.PERMANENT)
    ResidentFigure.objects.all().delete()
    TemporaryFigure.objects.all().delete()
    assert set(summary.differences()) == {ResidentFigure._meta.db_table, TemporaryFigure._meta.db_table}

    summary.rebuild()

    assert summary.differences() == {}
    assert ResidentFigure.objects.count() == 2 and TemporaryFigure.objects.count() == 1


def test_first_counting_start_takes_the_earliest_of_the_counting_kinds_only():
    # Evaluated against the oracle for three settings in the test above; here its shape.
    assert summary.first_counting_sql(["permanent"]) == "first_permanent"
    assert summary.first_counting_sql(["permanent", "unknown"]) == "first_permanent"
    assert summary.first_counting_sql([]) == "NULL"
    assert summary.first_counting_sql(["har", "transit"], alias="f") == summary.least_sql(
        ["f.first_har", "f.first_transit"]
    )


@pytest.mark.django_db
def test_the_command_checks_and_rebuilds_the_summary():
    PlacementFactory(kind=Placement.Kind.HAR)
    call_command("rebuild_figure_summary", "--check", stdout=io.StringIO())
    TemporaryFigure.objects.all().delete()
    errors = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError, match="differs"):
        call_command("rebuild_figure_summary", "--check", stdout=io.StringIO(), stderr=errors)
    assert f"{TemporaryFigure._meta.db_table}: 0 rows too many, 1 missing" in errors.getvalue()

    call_command("rebuild_figure_summary", stdout=io.StringIO(), stderr=io.StringIO())

    assert summary.differences() == {}


@pytest.mark.slow
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks exist on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_two_transactions_refreshing_one_resident_at_once_leave_a_correct_summary():
    """One transaction moves a household to another municipality and waits before committing; a
    second saves a placement of one of its residents meanwhile. The second waits for the first (the
    refresh locks the residents) instead of failing on a duplicate key, and the summary is right."""
    groningen, utrecht = (
        Municipality.objects.get(cbs_code=GRONINGEN),
        Municipality.objects.get(cbs_code=UTRECHT),
    )
    resident = ResidentFactory(household=HouseholdFactory(municipality=groningen))
    PlacementFactory(
        resident=resident,
        kind=Placement.Kind.HAR,
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 6, 1),
    )
    prop = PropertyFactory()
    moved, errors = threading.Event(), []

    def move_household():
        try:
            with transaction.atomic():
                Household.objects.filter(pk=resident.household_id).update(municipality=utrecht)
                moved.set()
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_sleep(1)")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            moved.set()
            connection.close()

    def add_placement():
        moved.wait(5)
        try:
            with transaction.atomic():
                Placement.objects.create(
                    resident=resident,
                    property=prop,
                    kind=Placement.Kind.PERMANENT,
                    start_date=dt.date(2026, 9, 1),
                )
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=move_household), threading.Thread(target=add_placement)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert errors == []
    assert summary.differences() == {}
    row = ResidentFigure.objects.get(resident_id=resident.pk)
    assert (row.municipality_id, row.first_har, row.first_permanent) == (
        utrecht.pk,
        dt.date(2026, 1, 1),
        dt.date(2026, 9, 1),
    )
