"""The bench judges the signals page against the households list (issue 18), in both states."""

from bench import report


def _entry(ms, after=None):
    entry = {"path": "/x/", "total_ms_median": ms}
    if after is not None:
        entry["after_change"] = {"total_ms_median": after}
    return entry


def _signals_targets(results):
    return {t["target"]: t for t in report.targets(results) if t["target"].startswith("signals page")}


STEADY = "signals page ≤ 2× the households list"
AFTER = "signals page ≤ 2× the households list — first view after a data change"


def test_from_the_lists_section_both_states_are_judged():
    found = _signals_targets({"lists": {"households": _entry(100, 120), "signals": _entry(180, 250)}})
    assert (found[STEADY]["met"], found[STEADY]["value"]) == (
        True,
        "1.8× (180 vs 100 ms, one after the other)",
    )
    assert (found[AFTER]["met"], found[AFTER]["value"]) == (
        False,
        "2.08× (250 vs 120 ms, one after the other)",
    )


def test_the_pages_requested_in_turn_are_judged_before_the_lists_section():
    alternating = {
        "steady": {"signals": _entry(150), "households": _entry(100)},
        "after_change": {"error": "GET /signals/: status 500"},
    }
    found = _signals_targets(
        {"lists": {"households": _entry(100, 100), "signals": _entry(300, 190)}, "signals": alternating}
    )
    assert found[STEADY]["value"] == "1.5× (150 vs 100 ms, in turn)"
    assert found[AFTER]["value"] == "1.9× (190 vs 100 ms, one after the other)"  # the in-turn run failed


def test_no_signals_target_without_both_pages():
    assert _signals_targets({"lists": {"households": _entry(100, 120)}}) == {}
