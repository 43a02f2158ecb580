"""The bench judges the signals page against the households list (issue 18), in both states."""

from bench import report


def _entry(ms, after):
    return {"path": "/x/", "total_ms_median": ms, "after_change": {"total_ms_median": after}}


def test_signals_page_is_judged_against_the_households_list_steady_and_after_a_change():
    results = {"lists": {"households": _entry(100, 120), "signals": _entry(180, 250)}}
    found = {t["target"]: t for t in report.targets(results) if t["target"].startswith("signals page")}
    steady = found["signals page ≤ 2× the households list"]
    after = found["signals page ≤ 2× the households list — first view after a data change"]
    assert (steady["met"], steady["value"]) == (True, "1.8× (180 vs 100 ms)")
    assert (after["met"], after["value"]) == (False, "2.08× (250 vs 120 ms)")


def test_no_signals_target_without_both_pages():
    results = {"lists": {"households": _entry(100, 120)}}
    assert not [t for t in report.targets(results) if t["target"].startswith("signals page")]
