"""The bench's forecast section: it measures figures.forecast and judges the 2× target."""

from bench import forecast as bench_forecast
from bench import report
from tests.factories import GRONINGEN


def test_measure_times_the_forecast_and_its_queries(db):
    lines = []
    out = bench_forecast.measure({"municipality": {"cbs_code": GRONINGEN}}, repeat=2, say=lines.append)
    every, one = out["all municipalities"], out["one municipality"]
    assert every["queries"] == one["queries"] == 8
    assert every["municipalities"] >= 340
    assert every["total_ms_median"] >= every["sql_ms_median"] > 0
    assert len(lines) == 2 and lines[0].startswith("forecast all municipalities:")


def _results(total, sql, one_queries=8):
    entry = {"total_ms_median": total, "sql_ms_median": sql, "total_ms_max": total, "queries": 8}
    return {
        "forecast": {
            "all municipalities": {**entry, "municipalities": 342},
            "one municipality": {**entry, "queries": one_queries},
        }
    }


def test_target_is_met_within_twice_the_sql_time_and_equal_queries():
    assert bench_forecast.target(_results(190.0, 100.0))["met"] is True
    assert bench_forecast.target(_results(210.0, 100.0))["met"] is False
    assert bench_forecast.target(_results(150.0, 100.0, one_queries=9))["met"] is False
    assert bench_forecast.target({}) is None


def test_report_lists_the_forecast_target_and_rows():
    results = _results(150.0, 100.0)
    results["targets"] = report.targets(results)
    text = report.table(results)
    assert "forecast: all municipalities" in text
    assert "[ MET  ] forecast (all municipalities) ≤ 2× its own SQL time: 1.5×" in text
