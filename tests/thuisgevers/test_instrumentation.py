"""The bench's SQL timing middleware: off unless BENCH_INSTRUMENT=1 asks for it."""

import os
import subprocess
import sys

from django.conf import settings
from django.test import override_settings

INSTRUMENT = "thuisgevers.instrumentation.BenchInstrumentationMiddleware"


def _middleware_with_env(**env):
    code = "from thuisgevers import settings; print('\\n'.join(settings.MIDDLEWARE))"
    environment = {k: v for k, v in os.environ.items() if k != "BENCH_INSTRUMENT"}
    environment.update(DEBUG="true", **env)
    result = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    return result.stdout.split()


def test_instrumentation_is_off_by_default(client, db):
    assert INSTRUMENT not in settings.MIDDLEWARE
    assert INSTRUMENT not in _middleware_with_env()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "X-Bench-Sql-Ms" not in response.headers
    assert "X-Bench-Queries" not in response.headers


def test_bench_instrument_env_puts_the_middleware_first():
    assert _middleware_with_env(BENCH_INSTRUMENT="1")[0] == INSTRUMENT


def test_instrumented_response_reports_sql_time_and_query_count(client, db):
    with override_settings(MIDDLEWARE=[INSTRUMENT, *settings.MIDDLEWARE]):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert int(response.headers["X-Bench-Queries"]) >= 1  # SELECT 1
    assert 0 <= float(response.headers["X-Bench-Sql-Ms"]) <= float(response.headers["X-Bench-Total-Ms"])


def test_instrumented_streaming_response_is_logged_when_complete(client, db, tmp_path, monkeypatch):
    from django.http import StreamingHttpResponse
    from django.urls import path

    from housing.models import Municipality

    def stream(request):
        return StreamingHttpResponse(m.cbs_code for m in Municipality.objects.all())

    log = tmp_path / "bench.log"
    monkeypatch.setenv("BENCH_INSTRUMENT_LOG", str(log))
    urls = type("urls", (), {"urlpatterns": [path("stream/", stream)]})
    with override_settings(MIDDLEWARE=[INSTRUMENT], ROOT_URLCONF=urls):
        response = client.get("/stream/")
        body = b"".join(response.streaming_content)
    assert body.startswith(b"GM")
    assert response.headers["X-Bench-Streaming"] == "1"
    line = log.read_text().strip()
    assert '"queries": 1' in line
    assert f'"bytes": {len(body)}' in line
