"""Does counting status checks slow the tracker page? (issue 12, item 3; not a test)

Serves civic311 (gunicorn, 2 workers) from a fresh folder, files one request, then loads its
tracker page from several threads in interleaved rounds: a browser's User-Agent (each view
counted: the tally add, and the background writer's upserts every second) and `curl/8`
(the same page and code, the view left uncounted). Prints latency per side and the ratio,
then stops the server and checks that every counted view was stored, once.

    .venv/bin/python -m bench.status_checks [--port 8710] [--threads 8] [--rounds 10] \
        [--per-round 200] [--database-url postgres://postgres@127.0.0.1:5432/civic311_statuscalls]

See docs/status-checks.md for the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from http.client import HTTPConnection
from pathlib import Path

CIVIC311 = [sys.executable, "-m", "civic311.cli"]
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SCRIPT = "curl/8.5.0"
POTHOLE = "4fd3b656e750846c53000004"


def civic311(env: dict[str, str], *args: str) -> str:
    """Run one civic311 command to the end; what it printed."""
    done = subprocess.run([*CIVIC311, *args], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def serve(env: dict[str, str], port: int) -> subprocess.Popen:
    """`civic311 serve` on the port, answering /healthz before this returns."""
    process = subprocess.Popen(
        [*CIVIC311, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("civic311 serve did not start")


def file_request(base: str, key: str) -> str:
    """POST one pothole through the API; its tracking number."""
    form = {
        "api_key": key,
        "service_code": POTHOLE,
        "lat": "41.8837",
        "long": "-87.6325",
        "description": "Bench pothole",
        "attribute[WHEREIST]": "CURB",
    }
    data = urllib.parse.urlencode(form).encode()
    with urllib.request.urlopen(f"{base}/open311/v2/requests.json", data=data) as answer:
        token = json.load(answer)[0]["token"]
    with urllib.request.urlopen(f"{base}/open311/v2/tokens/{token}.json") as answer:
        return json.load(answer)[0]["service_request_id"]


def load(port: int, path: str, agent: str, threads: int, each: int) -> list[float]:
    """`threads` keep-alive connections, `each` GETs apiece; every latency in seconds."""
    latencies: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        connection = HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for _ in range(each):
            started = time.perf_counter()
            connection.request("GET", path, headers={"User-Agent": agent})
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                raise SystemExit(f"GET {path} answered {response.status}")
        connection.close()
        with lock:
            latencies.extend(mine)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return latencies


def stored_web_checks(env: dict[str, str]) -> int:
    """The web channel's stored total, read through Django (SQLite or PostgreSQL)."""
    code = (
        "from django.db.models import Sum;"
        "from civic311.status_checks.models import StatusCheck;"
        "print(StatusCheck.objects.filter(channel='web').aggregate(n=Sum('count'))['n'] or 0)"
    )
    return int(civic311(env, "shell", "-c", code).splitlines()[-1])


def cost_of_counting(env: dict[str, str]) -> float:
    """Microseconds the tracker view spends counting (User-Agent check + tally add), in-process."""
    code = (
        "import timeit;"
        "from civic311.status_checks import channels, services;"
        f"agent = {BROWSER!r};"
        "count = lambda: channels.is_bot(agent, page=True) or "
        "services.note_check(channel=channels.tracker_channel(''), session_key='');"
        "n = 200000;"
        "print(min(timeit.repeat(count, number=n, repeat=5)) / n * 1e6)"
    )
    quiet = {**env, "CIVIC311_STATUS_CHECK_FLUSH_SECONDS": "0"}  # no writer in this process
    return float(civic311(quiet, "shell", "-c", code).splitlines()[-1])


def summary(name: str, latencies: list[float], seconds: float) -> str:
    ordered = sorted(latencies)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return (
        f"{name:<28} {len(ordered):>6} GETs  median {statistics.median(ordered) * 1000:6.2f} ms  "
        f"p95 {p95 * 1000:6.2f} ms  {len(ordered) / seconds:7.0f} req/s"
    )


def main() -> None:
    """Measure, print, and check the counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8710)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--per-round", type=int, default=200, help="GETs per side per round")
    parser.add_argument("--database-url", default="", help="default: SQLite in a temp folder")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="civic311-bench-status-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVIC311_")}
    env.update(
        CIVIC311_ENV="development",
        CIVIC311_DATA_DIR=str(folder),
        CIVIC311_DATABASE_URL=args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}",
        CIVIC311_STATUS_CHECK_FLUSH_SECONDS="1",  # write often: the writer's cost is measured
    )
    civic311(env, "migrate", "--verbosity", "0")
    civic311(env, "load-catalog", "chicago-2012")
    key = civic311(env, "apikey", "create", "Bench").split()[-1]
    process = serve(env, args.port)
    try:
        base = f"http://127.0.0.1:{args.port}"
        number = file_request(base, key)
        path = f"/requests/{number}"
        each = max(1, args.per_round // args.threads)
        before = stored_web_checks(env)
        load(args.port, path, SCRIPT, args.threads, each)  # warm-up, uncounted
        counted: list[float] = []
        uncounted: list[float] = []
        spent = {"counted": 0.0, "uncounted": 0.0}
        for round_number in range(args.rounds):
            sides = [("counted", BROWSER, counted), ("uncounted", SCRIPT, uncounted)]
            if round_number % 2:
                sides.reverse()
            for name, agent, into in sides:
                started = time.perf_counter()
                into.extend(load(args.port, path, agent, args.threads, each))
                spent[name] += time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(30)
    database = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    print(f"tracker page, {database}, 2 gunicorn workers, {args.threads} client threads")
    print(summary("counted (browser)", counted, spent["counted"]))
    print(summary("uncounted (curl)", uncounted, spent["uncounted"]))
    ratio = statistics.median(counted) / statistics.median(uncounted)
    throughput = (len(counted) / spent["counted"]) / (len(uncounted) / spent["uncounted"])
    print(f"median latency counted/uncounted: {ratio:.3f}; throughput ratio: {throughput:.3f}")
    per_view = cost_of_counting(env)
    page = statistics.median(uncounted) * 1e6
    print(
        f"counting one view in-process: {per_view:.2f} µs "
        f"({per_view / page:.4%} of the median page)"
    )
    written = stored_web_checks(env) - before
    verdict = "ok" if written == len(counted) else "MISMATCH"
    print(f"web checks stored: {written} of {len(counted)} counted views ({verdict})")
    if written != len(counted):
        sys.exit(1)


if __name__ == "__main__":
    main()
