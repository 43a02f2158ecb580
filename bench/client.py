"""An HTTP client that signs in like a browser and times pages through the bench headers."""

import collections
import html
import json
import re
import statistics
import time
from pathlib import Path

import requests

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TBODY = re.compile(r"<tbody[^>]*>(.*?)</tbody>", re.S)


class BenchError(RuntimeError):
    pass


def sign_in(base_url, username, password, *, totp_key=None):
    """A requests.Session signed in through the login form (CSRF included) and, for users who need
    it, the second-factor form with a code computed from their TOTP key."""
    session = requests.Session()
    login_url = f"{base_url}/accounts/login/"
    page = session.get(login_url, timeout=30)
    response = session.post(
        login_url,
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": _csrf(page.text),
            "next": "/dashboard/",
        },
        headers={"Referer": login_url},
        timeout=60,
    )
    if "second-factor" in response.url:
        if totp_key is None:
            raise BenchError(f"{username} is asked for a second factor but has no TOTP key")
        from django_otp.oath import totp

        form_url, form_page = response.url, response.text
        for _attempt in range(2):
            # A code is accepted once per device: a second sign-in within the same 30-second step
            # waits for the next code.
            token = f"{totp(bytes.fromhex(totp_key)):06d}"
            response = session.post(
                form_url,
                data={"token": token, "csrfmiddlewaretoken": _csrf(form_page), "next": "/dashboard/"},
                headers={"Referer": form_url},
                timeout=60,
            )
            if "second-factor" not in response.url:
                break
            time.sleep(31 - time.time() % 30)
    if response.status_code != 200 or "/accounts/" in response.url:
        raise BenchError(f"signing in as {username} failed: {response.status_code} at {response.url}")
    return session


def api_session(token):
    """A requests.Session that sends an API client's token."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    return session


def _csrf(text):
    match = CSRF_INPUT.search(text)
    if not match:
        raise BenchError("no CSRF token in the form")
    return html.unescape(match.group(1))


def cookie_header(session):
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def usual_queries(samples):
    """The query count most requests ran (the higher one on a tie). A signed-in request now and then
    runs one more — the session's activity time, written at most once a minute
    (accounts/sessions.py) — whatever the data, so counts are compared on this one."""
    counts = collections.Counter(s["queries"] for s in samples if s.get("queries") is not None)
    return max(counts, key=lambda n: (counts[n], n)) if counts else None


def summarise(samples):
    """Median and p95 of each measured quantity over repeated requests."""
    out = {"n": len(samples)}
    for key in ("total_ms", "sql_ms", "wall_ms"):
        values = [s[key] for s in samples if s.get(key) is not None]
        if values:
            out[f"{key}_median"] = round(statistics.median(values), 1)
            out[f"{key}_p95"] = round(percentile(values, 0.95), 1)
    queries = sorted({s["queries"] for s in samples if s.get("queries") is not None})
    out["queries"] = queries[-1] if queries else None
    if len(queries) > 1:
        out["queries_varied"] = queries
        out["queries_usual"] = usual_queries(samples)
    if "rows" in samples[-1]:
        out["rows"] = samples[-1]["rows"]
    if "bytes" in samples[-1]:
        out["bytes"] = samples[-1]["bytes"]
    return out


class Timer:
    """Repeated GETs; server times from the X-Bench-* headers, or from the instrumentation log for
    streamed responses (their queries run after the headers are sent)."""

    def __init__(self, base_url, log_path):
        self.base_url = base_url
        self.log_path = Path(log_path)

    def get(self, session, path, *, stream=False):
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        started = time.perf_counter()
        response = session.get(self.base_url + path, timeout=600, stream=stream, allow_redirects=False)
        size = 0
        if stream:
            for chunk in response.iter_content(chunk_size=65536):
                size += len(chunk)
        else:
            size = len(response.content)
        wall = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise BenchError(
                f"GET {path}: status {response.status_code} {response.headers.get('Location', '')}"
            )
        sample = {"wall_ms": wall, "bytes": size}
        if "X-Bench-Total-Ms" in response.headers:
            sample["total_ms"] = float(response.headers["X-Bench-Total-Ms"])
            sample["sql_ms"] = float(response.headers["X-Bench-Sql-Ms"])
            sample["queries"] = int(response.headers["X-Bench-Queries"])
            sample["rows"] = sum(body.count("<tr") for body in TBODY.findall(response.text))
        else:
            line = self._log_line(offset, path)
            if line:
                sample.update(total_ms=line["total_ms"], sql_ms=line["sql_ms"], queries=line["queries"])
        return sample

    def _log_line(self, offset, path):
        for _attempt in range(50):
            if self.log_path.exists():
                with self.log_path.open(encoding="utf-8") as log:
                    log.seek(offset)
                    for line in log:
                        entry = json.loads(line)
                        if entry["path"] == path:
                            return entry
            time.sleep(0.02)
        return None

    def measure(self, session, path, *, repeat, warmup=2, stream=False, budget=60.0, minimum=5, before=None):
        """`repeat` timed requests after `warmup`, fewer (at least `minimum`) when they would take
        more than `budget` seconds, so a slow page cannot stretch the run beyond its bound.
        `before()` runs before every request (e.g. a data change, so cached figures are recomputed)."""
        before = before or (lambda: None)
        for _i in range(warmup):
            before()
            self.get(session, path, stream=stream)
        samples, started = [], time.monotonic()
        while len(samples) < repeat and (len(samples) < minimum or time.monotonic() - started < budget):
            before()
            samples.append(self.get(session, path, stream=stream))
        return summarise(samples)
