"""The bench's judgement of the dashboard targets of issue 18 (computed ≤ 1.5× its SQL, a region
no slower than all municipalities)."""

from bench import report


def _dashboard(all_total, all_sql, region_total):
    entry = {"path": "/dashboard/", "queries": 26, "total_ms_median": all_total, "sql_ms_median": all_sql}
    region = {**entry, "path": "/dashboard/?region=11", "total_ms_median": region_total}
    return {"dashboard": {"all municipalities": entry, "one region": region}}


def _judged(results):
    return {t["target"]: t["met"] for t in report.targets(results)}


def test_the_dashboard_is_judged_on_one_and_a_half_times_its_sql():
    assert _judged(_dashboard(149.0, 100.0, 90.0))["dashboard (all) computed ≤ 1.5× its own SQL time"] is True
    assert (
        _judged(_dashboard(151.0, 100.0, 90.0))["dashboard (all) computed ≤ 1.5× its own SQL time"] is False
    )


def test_a_region_slower_than_all_municipalities_misses_its_target():
    target = "region dashboard computed ≤ the all-municipality one"
    assert _judged(_dashboard(150.0, 100.0, 150.0))[target] is True
    assert _judged(_dashboard(150.0, 100.0, 151.0))[target] is False
