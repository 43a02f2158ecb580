"""The bench's matching section: it ranks for the busiest property and the widest household and
judges the 200 ms and fixed-queries targets."""

import datetime as dt

from bench import matching as bench_matching
from bench import report
from housing.models import Property
from tests.factories import UTRECHT, HouseholdFactory, PropertyFactory, ResidentFactory, municipality


def test_measure_ranks_and_counts_queries(db):
    for code, waiting in (("GM0014", 3), (UTRECHT, 1)):
        PropertyFactory(municipality=municipality(code), status=Property.Status.APPROVED)
        for _ in range(waiting):
            ResidentFactory(
                household=HouseholdFactory(municipality=municipality(code), linked_on=dt.date(2026, 1, 1))
            )
    lines = []
    out = bench_matching.measure({}, repeat=2, say=lines.append)
    assert out["property"]["candidates"] == 3 and out["property"]["waiting"] == 3
    assert out["property"]["queries"] == out["property"]["queries_small"] == 6
    assert out["household"]["queries"] == out["household"]["queries_small"] == 6
    assert len(lines) == 2 and lines[0].startswith("matching for one property:")


def _entry(ms, queries=6, small=6):
    return {
        "total_ms_median": ms, "total_ms_max": ms, "sql_ms_median": ms / 2, "queries": queries,
        "queries_small": small, "candidates": 10, "path": "x",
    }  # fmt: skip


def test_targets_need_under_200_ms_and_the_same_queries():
    met = bench_matching.targets({"matching": {"property": _entry(150), "household": _entry(199)}})
    assert [t["met"] for t in met] == [True, True]
    missed = bench_matching.targets({"matching": {"property": _entry(201), "household": _entry(50, small=7)}})
    assert [t["met"] for t in missed] == [False, False]
    assert bench_matching.targets({}) == []


def test_report_prints_the_matching_rows_and_targets():
    results = {"matching": {"property": _entry(120.0), "household": _entry(80.0)}}
    results["targets"] = report.targets(results)
    text = report.table(results)
    assert "matching: one property" in text and "matching: one household" in text
    assert "[ MET  ] matching: ranking the waiting households for one property < 200 ms" in text
