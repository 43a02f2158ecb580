"""Opt-in timing of SQL per request, for `make bench` only.

Settings add `BenchInstrumentationMiddleware` first in MIDDLEWARE only when the environment says
BENCH_INSTRUMENT=1; production never has it. It sums the time of every SQL statement (through
`connection.execute_wrapper`) and the time of the whole request, and returns them as headers:

    X-Bench-Total-Ms, X-Bench-Sql-Ms, X-Bench-Queries

A streamed response (CSV exports) runs its queries while its body is sent, after the headers; for
those, and for every request when BENCH_INSTRUMENT_LOG names a file, one JSON line per request is
appended to that file when the body is complete.
"""

import json
import os
import time

from django.db import connection


class _SqlTimer:
    def __init__(self):
        self.seconds = 0.0
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


class BenchInstrumentationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.log_path = os.environ.get("BENCH_INSTRUMENT_LOG")

    def __call__(self, request):
        started = time.perf_counter()
        timer = _SqlTimer()
        with connection.execute_wrapper(timer):
            response = self.get_response(request)
        if response.streaming:
            # Read the body iterator now: once replaced, the attribute returns the wrapper itself.
            body = response.streaming_content
            response.streaming_content = self._timed_stream(request, body, timer, started)
            response["X-Bench-Streaming"] = "1"
            return response
        total = time.perf_counter() - started
        response["X-Bench-Total-Ms"] = f"{total * 1000:.2f}"
        response["X-Bench-Sql-Ms"] = f"{timer.seconds * 1000:.2f}"
        response["X-Bench-Queries"] = str(timer.queries)
        self._log(request, total, timer, len(response.content))
        return response

    def _timed_stream(self, request, body, timer, started):
        size = 0
        with connection.execute_wrapper(timer):
            for chunk in body:
                size += len(chunk)
                yield chunk
        self._log(request, time.perf_counter() - started, timer, size)

    def _log(self, request, total, timer, size):
        if not self.log_path:
            return
        line = {
            "path": request.get_full_path(),
            "total_ms": round(total * 1000, 2),
            "sql_ms": round(timer.seconds * 1000, 2),
            "queries": timer.queries,
            "bytes": size,
            "pid": os.getpid(),
        }
        with open(self.log_path, "a", encoding="utf-8") as log:
            log.write(json.dumps(line) + "\n")
