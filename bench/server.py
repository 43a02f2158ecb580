"""Gunicorn on a loopback port, its workers' memory, and the load tools."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port(preferred):
    for port in range(preferred, preferred + 50):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {preferred}–{preferred + 49}")


class Gunicorn:
    """`gunicorn thuisgevers.wsgi` with sync workers on 127.0.0.1, started and stopped by us."""

    def __init__(self, env, *, port, workers, log_path):
        self.env, self.port, self.workers, self.log_path = env, port, workers, log_path
        self.process = None

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        command = [
            sys.executable, "-m", "gunicorn", "thuisgevers.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
            "--worker-class", "sync", "--timeout", "300", "--log-level", "warning",
        ]  # fmt: skip
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            command, cwd=ROOT, env=self.env, stdout=self._log, stderr=self._log
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200 and len(self.worker_pids()) == self.workers:
                        return self
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer /healthz within 60 s; see {self.log_path}")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def worker_pids(self):
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []


def memory_kib(pid):
    """(VmRSS, VmHWM) of a process in KiB, from /proc (Linux)."""
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":", 1)
                values[key] = int(value.split()[0])
    except OSError:
        return 0, 0
    return values.get("VmRSS", 0), values.get("VmHWM", 0)


class RssSampler:
    """Samples the workers' resident memory every few milliseconds while a request runs."""

    def __init__(self, pids, interval=0.005):
        self.pids, self.interval = pids, interval
        self.baseline = {pid: memory_kib(pid)[0] for pid in pids}
        self.peak = dict(self.baseline)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            for pid in self.pids:
                rss = memory_kib(pid)[0]
                if rss > self.peak[pid]:
                    self.peak[pid] = rss
            time.sleep(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def result(self):
        """The worker that grew most: its growth and peak, in MiB."""
        pid = max(self.pids, key=lambda p: self.peak[p] - self.baseline[p])
        return {
            "growth_mib": round((self.peak[pid] - self.baseline[pid]) / 1024, 1),
            "peak_rss_mib": round(self.peak[pid] / 1024, 1),
            "baseline_rss_mib": round(self.baseline[pid] / 1024, 1),
            "hwm_mib": round(memory_kib(pid)[1] / 1024, 1),
        }


def load(url, cookie, *, seconds, connections):
    """Requests per second against `url` with wrk when installed, else a bounded thread pool.

    Returns {"rps", "requests", "errors", "tool"}. Errors: socket errors, timeouts and statuses
    other than 200 (a wrk 3xx would count as success, so the caller checks the session first).
    """
    if shutil.which("wrk"):
        return _wrk(url, cookie, seconds=seconds, connections=connections)
    return _thread_pool(url, cookie, seconds=seconds, connections=connections)


def _wrk(url, cookie, *, seconds, connections):
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(  # noqa: S603 - wrk with our own arguments
        command, capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    requests_done = int(re.search(r"(\d+) requests in", output).group(1))
    errors = 0
    socket_errors = re.search(r"connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        errors += int(non_2xx.group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return {"rps": rps, "requests": requests_done, "errors": errors, "tool": "wrk"}


def _thread_pool(url, cookie, *, seconds, connections):
    import requests

    deadline = time.monotonic() + seconds

    def worker():
        done = errors = 0
        with requests.Session() as session:
            while time.monotonic() < deadline:
                try:
                    response = session.get(url, headers={"Cookie": cookie} if cookie else {}, timeout=10)
                    errors += response.status_code != 200
                except requests.RequestException:
                    errors += 1
                done += 1
        return done, errors

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=connections) as pool:
        results = [f.result() for f in [pool.submit(worker) for _i in range(connections)]]
    elapsed = time.monotonic() - started
    total = sum(r[0] for r in results)
    return {
        "rps": round(total / elapsed, 1),
        "requests": total,
        "errors": sum(r[1] for r in results),
        "tool": "python-threads (wrk not installed: apt-get install wrk)",
    }


def machine():
    return {
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
