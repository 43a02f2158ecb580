"""The forecast section of the bench: figures.forecast for all municipalities against its own SQL.

Measured in the bench process itself (DEBUG off, the bench database), not over HTTP: the target is
about the computation — "the forecast for all municipalities is within 2× its own SQL time" — so
the time of its 8 queries is compared with the time of the whole call (queries plus the Python that
builds 342 × 12 months and the checkpoints). The one-municipality call must run the same number of
queries.
"""

import statistics
import time


class _SqlTimer:
    def __init__(self):
        self.seconds, self.queries = 0.0, 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


def _timed(call):
    from django.db import connection

    timer = _SqlTimer()
    started = time.perf_counter()
    with connection.execute_wrapper(timer):
        result = call()
    return result, (time.perf_counter() - started) * 1000, timer.seconds * 1000, timer.queries


def measure_call(call, repeat):
    """(result, medians of `repeat` timed calls after a warm-up): total and SQL ms, queries. The
    in-process measurement of the forecast and matching sections."""
    _timed(call)  # warm-up: connection, plans, caches
    samples = [_timed(call) for _index in range(repeat)]
    result = samples[-1][0]
    return result, {
        "n": repeat,
        "total_ms_median": round(statistics.median(s[1] for s in samples), 1),
        "sql_ms_median": round(statistics.median(s[2] for s in samples), 1),
        "total_ms_max": round(max(s[1] for s in samples), 1),
        "queries": max(s[3] for s in samples),
    }


def measure(setup, *, repeat=5, say=print):
    """{"all municipalities": …, "one municipality": …}: medians of `repeat` calls after a warm-up."""
    from figures.forecast import forecast
    from housing.models import Municipality

    out = {}
    every, out["all municipalities"] = measure_call(lambda: forecast(), repeat)
    out["all municipalities"]["municipalities"] = len(every.municipalities)
    code = setup["municipality"]["cbs_code"]
    pk = Municipality.objects.values_list("pk", flat=True).get(cbs_code=code)
    _one, out["one municipality"] = measure_call(lambda: forecast([pk]), repeat)
    out["one municipality"]["path"] = code
    for name, entry in out.items():
        say(
            f"forecast {name}: {entry['total_ms_median']} ms, SQL {entry['sql_ms_median']} ms, "
            f"{entry['queries']} queries"
        )
    return out


def target(results):
    """The target line of the forecast section, or None when it did not run."""
    section = results.get("forecast")
    if not section:
        return None
    every, one = section["all municipalities"], section.get("one municipality", {})
    ratio = round(every["total_ms_median"] / every["sql_ms_median"], 2) if every["sql_ms_median"] else None
    same = one.get("queries") == every["queries"]
    return {
        "target": "forecast (all municipalities) ≤ 2× its own SQL time",
        "value": (
            f"{ratio}× ({every['total_ms_median']} ms total, {every['sql_ms_median']} ms SQL, "
            f"{every['municipalities']} municipalities; "
            f"queries 1/all: {one.get('queries')}/{every['queries']})"
        ),
        "met": ratio is not None and ratio <= 2 and same,
    }


def table_rows(results):
    """Lines for the bench table."""
    lines = []
    for name, entry in results.get("forecast", {}).items():
        share = (
            round(100 * entry["sql_ms_median"] / entry["total_ms_median"]) if entry["total_ms_median"] else 0
        )
        lines.append(
            f"{'forecast: ' + name:<44}{entry['total_ms_median']:>10}{entry['total_ms_max']:>9}"
            f"{entry['queries']:>8}{str(share) + '%':>6}  in process (second column: max, not p95)"
        )
    return lines
