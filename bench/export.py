"""Open-data export throughput and memory: N generated requests written as CSV, GeoJSON, NDJSON.

    .venv/bin/python -m bench.export [--rows 100000] [--postgres URL]

For each database (a SQLite file in a temporary folder; PostgreSQL only when --postgres
names a database of yours, which is emptied first) a child process migrates, loads the
Chicago catalogue, generates N requests with their timelines (bench.generate), then
streams every request through the exporter exactly as a download or `civic311 export`
does (exports.writers.stream, chunks of 2,000 by keyset on (updated, id)) and measures:

- rows/s for each format, plain and gzip-compressed (what a download with
  Accept-Encoding: gzip and the daily files cost);
- the raw read alone: the same keyset queries on a cursor, nothing written (the floor);
- memory: the process's resident size sampled every 20 ms; "flat" means the peak after
  the first tenth of the rows is within 16 MB of the size at that tenth (a leak or a
  whole-table read grows with N; the keyset stream does not).

Target (issue 11): CSV at 100,000 rows/s or more. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLAT_MB = 16
PAGE = os.sysconf("SC_PAGE_SIZE")


def main(argv: list[str] | None = None) -> int:
    """Run one child per database and print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.export")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", help="a PostgreSQL database URL of yours (emptied)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.rows)
    results = []
    with tempfile.TemporaryDirectory(prefix="civic311-bench-export-") as tmp:
        legs = [("SQLite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")]
        if args.postgres:
            legs.append(("PostgreSQL", args.postgres))
        for name, url in legs:
            env = {
                **{k: v for k, v in os.environ.items() if not k.startswith("CIVIC311_")},
                "CIVIC311_DATA_DIR": tmp,
                "CIVIC311_DATABASE_URL": url,
                "CIVIC311_ENV": "test",
                "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
            }
            command = [sys.executable, "-m", "bench.export", "--child", "--rows", str(args.rows)]
            done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
            sys.stderr.write(done.stderr)
            results.append((name, json.loads(done.stdout.strip().splitlines()[-1])))
    print_table(results)
    return 0


def print_table(results: list[tuple[str, dict]]) -> None:
    """The measurements as a Markdown table."""
    print(
        "| database | rows | what | seconds | rows/s | rows per CPU second | MB written "
        "| RSS at 10% | peak RSS | flat |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---|")
    for database, found in results:
        for leg in found["legs"]:
            print(
                f"| {database} | {found['rows']:,} | {leg['what']} | {leg['seconds']:.2f} | "
                f"{leg['rows_per_second']:,.0f} | {leg['rows_per_cpu_second']:,.0f} | "
                f"{leg['mb']:.1f} | {leg['rss_at_tenth']:.0f} MB | "
                f"{leg['rss_peak']:.0f} MB | {'yes' if leg['flat'] else 'NO'} |"
            )


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE / 2**20


class Sampler:
    """The process's resident size, sampled in a thread while a leg runs."""

    def __init__(self) -> None:
        self.peak_after_tenth = 0.0
        self.at_tenth: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            if self.at_tenth is not None:
                self.peak_after_tenth = max(self.peak_after_tenth, _rss_mb())

    def tenth_reached(self) -> None:
        """Mark the moment a tenth of the rows is out: the baseline for 'flat'."""
        if self.at_tenth is None:
            self.at_tenth = _rss_mb()

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_after_tenth = max(self.peak_after_tenth, _rss_mb())


def child(rows: int) -> int:
    """Prepare the configured database with `rows` requests and time each export."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic311.settings")
    import django

    django.setup()
    from django.db import connection

    from bench import generate
    from civic311.exports import selectors, writers
    from civic311.exports.query import ExportQuery
    from civic311.service_requests.models import ServiceRequest

    generate.prepare_database()
    if ServiceRequest.objects.count() != rows:
        _empty(connection)
        summary = generate.generate(rows=rows)
        print(f"generated {rows:,} requests in {summary.seconds:.0f} s", file=sys.stderr)
    legs = []
    query = ExportQuery()

    def timed(what: str, make_stream) -> None:
        seen = [0]

        def counted(chunks):
            for chunk in chunks:
                seen[0] += len(chunk)
                if seen[0] >= rows // 10:
                    sampler.tenth_reached()
                yield chunk

        written = 0
        with Sampler() as sampler:
            began, cpu = time.perf_counter(), time.process_time()
            for piece in make_stream(counted):
                written += len(piece)
            seconds = time.perf_counter() - began
            cpu = time.process_time() - cpu
        assert seen[0] == rows, f"{what}: exported {seen[0]} of {rows}"
        at_tenth = sampler.at_tenth or _rss_mb()
        legs.append(
            {
                "what": what,
                "seconds": seconds,
                "rows_per_second": rows / seconds,
                # This process's own CPU: steadier than the wall clock on a shared machine.
                "rows_per_cpu_second": rows / cpu,
                "mb": written / 2**20,
                "rss_at_tenth": at_tenth,
                "rss_peak": sampler.peak_after_tenth,
                "flat": sampler.peak_after_tenth - at_tenth <= FLAT_MB,
            }
        )
        speed = f"{rows / seconds:,.0f} rows/s ({rows / cpu:,.0f} per CPU second)"
        print(f"{what}: {speed}", file=sys.stderr)

    timed("raw keyset read (floor)", lambda wrap: (b"" for _ in wrap(selectors.csv_chunks(query))))
    for fmt in ("csv", "geojson", "ndjson"):
        timed(fmt, lambda wrap, fmt=fmt: writers.stream(fmt, query, wrap=wrap))
        timed(
            f"{fmt}.gz",
            lambda wrap, fmt=fmt: writers.gzipped(writers.stream(fmt, query, wrap=wrap)),
        )
    print(json.dumps({"rows": rows, "legs": legs}))
    return 0


def _empty(connection) -> None:
    """Remove every request (and its timeline) so the generator starts from nothing."""
    from civic311.service_requests.models import RequestEvent, ServiceRequest

    RequestEvent.objects.all().delete()
    ServiceRequest.objects.update(duplicate_of=None)
    ServiceRequest.objects.all().delete()


if __name__ == "__main__":
    sys.exit(main())
