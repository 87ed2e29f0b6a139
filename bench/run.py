"""The Open311 API benchmark: one command, both databases, API against the raw-SQL ceiling.

For each database (SQLite file, PostgreSQL database `bench_<rows>`):
1. make it a generated database of --rows requests (reused when it already is);
2. draw the inputs (bench/workload.py) and start `civic311 serve` (gunicorn, --workers);
3. for each operation, run the raw-SQL ceiling (bench/ceiling.py, one process per
   worker) and then the same operation over HTTP with wrk (--connections, on this
   machine), interleaved so drift on a shared machine hits both alike;
4. print requests/s, p50/p99 latency and the API's share of the ceiling, and save
   the numbers as JSON under var/bench/ (compared with any other row count's run).

Why wrk: it is C and event-driven, so on a 2-core machine it takes a sliver of one
core where a Python load generator would take most of one and cap what it measures;
it reports latency percentiles itself. It comes from Debian's packages (installed
here when missing and we are root, as .ci/run installs Chromium); tests never need it.

    python -m bench --rows 1000000          # make bench
    python -m bench --rows 20000 --seconds 5 --databases sqlite
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.ceiling import OPERATIONS, Measurement, measure
from bench.workload import Workload

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "var" / "bench"
WRK_SCRIPT = Path(__file__).with_name("wrk") / "lines.lua"
API = "/open311/v2"


@dataclass
class Target:
    """One database under test."""

    kind: str
    url: str
    rows: int

    @property
    def stem(self) -> str:
        return f"{self.kind}-{self.rows}"

    @property
    def marker(self) -> Path:
        return WORK / f"{self.stem}.generated.json"

    @property
    def workload(self) -> Path:
        return WORK / f"{self.stem}.workload.json"

    def env(self) -> dict[str, str]:
        """The environment civic311 commands run with against this database."""
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "civic311.settings",
            "CIVIC311_DATABASE_URL": self.url,
            "CIVIC311_DATA_DIR": str(WORK / f"data-{self.kind}"),
            "CIVIC311_ENV": "development",
            "CIVIC311_DEBUG": "false",
            # POSTs are the thing measured; the abuse limit would measure itself instead.
            "CIVIC311_API_RATE_LIMIT_PER_MINUTE": "1000000000",
            "PYTHONPATH": str(ROOT),
        }


@dataclass
class Row:
    """One operation on one database: the API and its ceiling."""

    database: str
    operation: str
    ceiling: Measurement | None = None
    api: Measurement | None = None
    api_light: Measurement | None = None
    api_problem: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if self.api and self.ceiling and self.ceiling.per_second:
            return self.api.per_second / self.ceiling.per_second
        return None


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return 0 when every scenario ran."""
    args = _parser().parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    wrk = None if args.ceiling_only else ensure_wrk()
    began = time.time()
    load_before = os.getloadavg()
    rows: list[Row] = []
    for kind in args.databases.split(","):
        target = _target(kind.strip(), args)
        print(f"\n== {target.kind}: {args.rows:,} requests", flush=True)
        prepare(target, args.seed)
        rows += run_target(target, args, wrk)
    report = {
        "rows": args.rows,
        "started": dt.datetime.fromtimestamp(began, dt.UTC).isoformat(timespec="seconds"),
        "minutes": round((time.time() - began) / 60, 1),
        "machine": f"{os.cpu_count()} cores, {platform.platform()}",
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "settings": {
            "seconds": args.seconds,
            "connections": args.connections,
            "light_connections": args.light_connections,
            "workers": args.workers,
            "wrk_threads": args.threads,
        },
        "commit": _git_commit(),
        "results": [_row_json(r) for r in rows],
    }
    out = WORK / f"results-{args.rows}.json"
    out.write_text(json.dumps(report, indent=2))
    print_table(rows, report)
    compare_with_other_sizes(report)
    print(f"\nsaved {out.relative_to(ROOT)}")
    return 0 if all(r.api or args.ceiling_only for r in rows) else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--operations", default=",".join(OPERATIONS))
    parser.add_argument("--seconds", type=float, default=15, help="measured time per run")
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--connections", type=int, default=64, help="wrk connections (throughput)")
    parser.add_argument(
        "--light-connections",
        type=int,
        default=4,
        help="wrk connections for the latency run: at 64 the latency is mostly queueing",
    )
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers = raw processes")
    parser.add_argument("--seed", type=int, default=311)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--ceiling-only", action="store_true", help="skip the HTTP runs")
    return parser


def _target(kind: str, args: argparse.Namespace) -> Target:
    if kind == "sqlite":
        return Target(kind, f"sqlite:///{WORK / f'bench_{args.rows}.sqlite3'}", args.rows)
    if kind == "postgresql":
        server = urlsplit(args.postgres)
        return Target(kind, urlunsplit(server._replace(path=f"/bench_{args.rows}")), args.rows)
    raise SystemExit(f"unknown database {kind!r}: use sqlite and/or postgresql")


# --- preparing ----------------------------------------------------------------


def prepare(target: Target, seed: int) -> None:
    """Generate (or reuse) the database and draw the workload, in a Django subprocess."""
    if not _marker_matches(target, seed):
        target.marker.unlink(missing_ok=True)
        recreate_database(target)
    command = [
        sys.executable, "-m", "bench.prepare", "--rows", str(target.rows), "--seed", str(seed),
        "--marker", str(target.marker), "--workload", str(target.workload),
    ]  # fmt: skip
    subprocess.run(command, cwd=ROOT, env=target.env(), check=True)


def _marker_matches(target: Target, seed: int) -> bool:
    try:
        marker = json.loads(target.marker.read_text())
    except (OSError, ValueError):
        return False
    return marker.get("rows") == target.rows and marker.get("seed") == seed


def recreate_database(target: Target) -> None:
    """An empty database: a new SQLite file, or DROP and CREATE on PostgreSQL."""
    if target.kind == "sqlite":
        path = Path(urlsplit(target.url).path)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    parts = urlsplit(target.url)
    name = parts.path.strip("/")
    if not re.fullmatch(r"bench_\w+", name):
        raise SystemExit(f"refusing to recreate {name!r}: benchmark databases are named bench_*")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


# --- running ------------------------------------------------------------------


def run_target(target: Target, args: argparse.Namespace, wrk: str | None) -> list[Row]:
    """Ceiling and API for each operation on one database."""
    rows = [Row(target.kind, op) for op in args.operations.split(",")]
    server = None if args.ceiling_only else Server(target, args.workers).start()
    try:
        lines = write_lines(target, server) if server else {}
        for row in rows:
            print(f"-- {row.operation}: raw SQL ceiling", flush=True)
            row.ceiling = measure(
                database_url=target.url,
                workload_path=target.workload,
                operation=row.operation,
                processes=args.workers,
                seconds=args.seconds,
            )
            if server and wrk:
                print(f"-- {row.operation}: API over HTTP (wrk)", flush=True)
                run_api(row, server, lines[row.operation], wrk, args)
    finally:
        if server:
            server.stop()
    return rows


class Server:
    """`civic311 serve` on a free loopback port, started and stopped by us."""

    def __init__(self, target: Target, workers: int) -> None:
        self.target = target
        self.workers = workers
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.api_key = ""

    def start(self) -> Server:
        civic311 = str(Path(sys.executable).with_name("civic311"))
        log = (WORK / f"server-{self.target.kind}.log").open("w")
        self.process = subprocess.Popen(
            [civic311, "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--workers", str(self.workers)],
            cwd=ROOT, env=self.target.env(), stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"civic311 serve exited; see {log.name}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            self.stop()
            raise SystemExit("civic311 serve did not answer /healthz within 90 s")
        self.api_key = create_api_key(self.target)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def create_api_key(target: Target) -> str:
    """A fresh API key from `civic311 apikey create` (empty when the command is missing)."""
    civic311 = str(Path(sys.executable).with_name("civic311"))
    name = f"bench-{int(time.time())}"
    done = subprocess.run(
        [civic311, "apikey", "create", name],
        cwd=ROOT, env=target.env(), capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        print(f"   (no API key: {done.stderr.strip()[-200:]})", flush=True)
        return ""
    words = re.findall(r"[A-Za-z0-9_\-]{20,}", done.stdout)
    return words[-1] if words else ""


def write_lines(target: Target, server: Server) -> dict[str, Path]:
    """One wrk input file per operation: `GET path` or `POST path body` lines."""
    workload = Workload.load(target.workload)
    files = {
        "lookup": [f"GET {API}/requests/{n}.json" for n in workload.tracking_numbers],
        "list": [f"GET {API}/requests.json?{q.query_string()}" for q in workload.lists],
        "submit": [
            f"POST {API}/requests.json {s.form(server.api_key)}" for s in workload.submissions
        ],
    }
    paths = {}
    for operation, lines in files.items():
        path = WORK / f"{target.stem}.{operation}.lines"
        path.write_text("\n".join(lines) + "\n")
        paths[operation] = path
    return paths


def run_api(row: Row, server: Server, lines: Path, wrk: str, args: argparse.Namespace) -> None:
    """Check one request answers correctly, warm up, then measure with wrk."""
    problem = check_one(row.operation, server, lines)
    if problem:
        row.api_problem = problem
        print(f"   API not measured: {problem}", flush=True)
        return
    _wrk(wrk, server, lines, args.warmup, args.connections, args)
    row.api = _measured(row, _wrk(wrk, server, lines, args.seconds, args.connections, args))
    light = _wrk(wrk, server, lines, args.seconds / 2, args.light_connections, args)
    row.api_light = _measured(row, light)


def _measured(row: Row, result: dict) -> Measurement:
    errors = sum(result[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    errors += result["status_errors"]
    if errors:
        row.notes.append(f"{errors} failed HTTP requests (not counted)")
    return Measurement(
        operation=row.operation,
        count=result["requests"] - result["status_errors"],
        seconds=result["duration_us"] / 1e6,
        p50_ms=result["p50_us"] / 1000,
        p99_ms=result["p99_us"] / 1000,
        errors=errors,
    )


def check_one(operation: str, server: Server, lines: Path) -> str:
    """Send the first line once; describe what is wrong, or return ''."""
    method, target, *body = lines.read_text().splitlines()[0].split(" ", 2)
    data = body[0].encode() if body else None
    if method == "POST" and not server.api_key:
        return "no API key (is `civic311 apikey create` there yet?)"
    request = urllib.request.Request(server.base + target, data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            payload = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return f"{method} {target[:60]}… answered {exc.code}"
    except (OSError, ValueError) as exc:
        return f"{method} {target[:60]}… failed: {exc}"
    if not isinstance(payload, list):
        return "the answer is not a JSON array"
    if operation == "lookup" and len(payload) != 1:
        return f"a lookup returned {len(payload)} records"
    if operation == "list" and len(payload) > 50:
        return f"a list returned {len(payload)} records (more than 50)"
    if operation == "submit" and not (
        payload[0].get("token") or payload[0].get("service_request_id")
    ):
        return "a POST returned neither token nor service_request_id"
    return ""


def _wrk(
    wrk: str,
    server: Server,
    lines: Path,
    seconds: float,
    connections: int,
    args: argparse.Namespace,
) -> dict:
    threads = min(args.threads, connections)
    command = [
        wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
        "--timeout", "10s", "-s", str(WRK_SCRIPT), server.base, "--", str(lines), "1",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    for line in done.stdout.splitlines():
        if line.startswith("WRKJSON "):
            return json.loads(line.removeprefix("WRKJSON "))
    raise SystemExit(f"wrk printed no summary:\n{done.stdout}\n{done.stderr}")


def ensure_wrk() -> str:
    """wrk's path, installing Debian's package when missing and we may."""
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("installing wrk from Debian's packages…", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
        found = shutil.which("wrk")
    if not found:
        raise SystemExit("the benchmark needs wrk: apt-get install wrk (or --ceiling-only)")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _git_commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return done.stdout.strip()


# --- reporting ----------------------------------------------------------------


def _row_json(row: Row) -> dict:
    return {
        "database": row.database,
        "operation": row.operation,
        "ceiling": asdict(row.ceiling) | {"per_second": row.ceiling.per_second}
        if row.ceiling
        else None,
        "api": asdict(row.api) | {"per_second": row.api.per_second} if row.api else None,
        "api_light": asdict(row.api_light) if row.api_light else None,
        "ratio": row.ratio,
        "api_problem": row.api_problem,
        "notes": row.notes,
    }


def print_table(rows: list[Row], report: dict) -> None:
    """The results as a Markdown table (what docs/performance.md records)."""
    settings = report["settings"]
    print(
        f"\n{report['rows']:,} requests; {report['machine']}; load average before "
        f"{report['load_average_before']}, after {report['load_average_after']}; "
        f"{settings}; commit {report['commit']}\n"
    )
    busy, light = settings["connections"], settings["light_connections"]
    print(
        f"| database | operation | API req/s ({busy} conn.) | API p50 / p99 ms ({busy} conn.) "
        f"| API p50 / p99 ms ({light} conn.) | raw SQL req/s | raw p50 / p99 ms | API / raw |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        api, light_run, raw = row.api, row.api_light, row.ceiling
        ratio = f"{row.ratio:.3f}" if row.ratio is not None else ""
        cells = [
            row.database,
            row.operation,
            f"{api.per_second:,.0f}" if api else f"not measured: {row.api_problem or 'skipped'}",
            _latency(api),
            _latency(light_run),
            f"{raw.per_second:,.0f}" if raw else "",
            _latency(raw, digits=2),
            ratio,
        ]
        print("| " + " | ".join(cells) + " |")
    for row in rows:
        for note in row.notes:
            print(f"note: {row.database} {row.operation}: {note}")


def _latency(measurement: Measurement | None, digits: int = 1) -> str:
    if measurement is None:
        return ""
    return f"{measurement.p50_ms:.{digits}f} / {measurement.p99_ms:.{digits}f}"


def compare_with_other_sizes(report: dict) -> None:
    """Print how this run's API numbers differ from a saved run at another row count."""
    for other_path in sorted(WORK.glob("results-*.json")):
        other = json.loads(other_path.read_text())
        if other["rows"] == report["rows"]:
            continue
        print(f"\ncompared with {other['rows']:,} rows ({other['started']}):")
        before = {(r["database"], r["operation"]): r for r in other["results"]}
        for result in report["results"]:
            old = before.get((result["database"], result["operation"]))
            if not (old and old["api"] and result["api"]):
                continue
            change = result["api"]["per_second"] / old["api"]["per_second"] - 1
            p99 = _p99_change(result, old)
            verdict = "within 20%" if abs(change) <= 0.2 and p99 <= 0.2 else "OUTSIDE 20%"
            print(
                f"  {result['database']} {result['operation']}: req/s {change:+.0%}, "
                f"light-load p99 {p99:+.0%} ({verdict})"
            )


def _p99_change(new: dict, old: dict) -> float:
    key = "api_light" if new.get("api_light") and old.get("api_light") else "api"
    return new[key]["p99_ms"] / old[key]["p99_ms"] - 1


if __name__ == "__main__":
    sys.exit(main())
