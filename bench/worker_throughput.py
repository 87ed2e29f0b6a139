"""Email worker throughput: N queued emails, one worker, a local SMTP sink; SQLite and PostgreSQL.

    .venv/bin/python bench/worker_throughput.py [--count 2000] [--batch 50] [--postgres URL]

For each database it creates a fresh one (a SQLite file in a temporary folder; the
PostgreSQL database named in --postgres, default `civic311_bench_worker`, dropped and
recreated), loads the Chicago catalogue, queues N update emails through the real path
(N confirmed followers of one request, one status change), starts aiosmtpd's Sink handler
in its own process, and measures in one run:

- worker: `Worker.drain()` in a fresh process (exactly what `civic311 worker` runs),
  emails per second and the worker's own CPU per email;
- CLI: a second batch of N drained by `civic311 worker --once` as a subprocess, wall clock
  including the process start (Django set-up, connections);
- SMTP alone: the same email composed and sent N times over one connection with no
  database at all, i.e. what this machine's sink takes right now. The ratio
  worker ÷ SMTP alone is the number to compare between runs (these machines are noisy).

Every queued email must end `sent`, or the run fails. Not a test.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/civic311_bench_worker"
SCRIPT = Path(sys.executable).with_name("civic311")
POTHOLE = "4fd3b656e750846c53000004"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.count, args.batch)

    rows = []
    with tempfile.TemporaryDirectory(prefix="civic311-bench-") as tmp:
        rows.append(run_leg("SQLite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", tmp, args))
        problem = recreate_postgres(args.postgres)
        if problem:
            print(f"PostgreSQL skipped: {problem}")
        else:
            rows.append(run_leg("PostgreSQL", args.postgres, tmp, args))
    print_table(rows)
    return 0


def run_leg(name: str, database_url: str, tmp: str, args) -> dict:
    """Set up one database and measure the worker, the CLI and the SMTP-only baseline."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CIVIC311_")},
        "CIVIC311_DATA_DIR": tmp,
        "CIVIC311_DATABASE_URL": database_url,
        "CIVIC311_SMTP_URL": f"smtp://127.0.0.1:{port}",
        "CIVIC311_ENV": "test",
    }
    civic311(env, "migrate", "--verbosity", "0")
    civic311(env, "load-catalog", "chicago-2012")
    sink_command = [
        "-m",
        "aiosmtpd",
        "-n",
        "-l",
        f"127.0.0.1:{port}",
        "-c",
        "aiosmtpd.handlers.Sink",
    ]
    sink = subprocess.Popen([sys.executable, *sink_command], env=env)
    try:
        wait_for_port(port)
        drain, cpu = child_numbers(env, "drain", args.count, args.batch)
        child_numbers(env, "queue", args.count, args.batch)
        began = time.perf_counter()
        civic311(env, "worker", "--once", "--batch", str(args.batch))
        cli = time.perf_counter() - began
        child_numbers(env, "verify", 2 * args.count, args.batch)
        baseline, _ = child_numbers(env, "baseline", args.count, args.batch)
    finally:
        sink.terminate()
        sink.wait(10)
    print(f"{name}: worker {drain:.2f} s, CLI {cli:.2f} s, SMTP alone {baseline:.2f} s")
    return {
        "name": name,
        "count": args.count,
        "drain": drain,
        "cpu": cpu,
        "cli": cli,
        "baseline": baseline,
    }


def print_table(rows: list[dict]) -> None:
    """The Markdown table docs/performance.md keeps."""
    print(f"\nload average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        "| database | emails | worker | emails/s | worker CPU per email "
        "| `civic311 worker --once` (with start-up) | emails/s "
        "| SMTP alone, no database | emails/s | worker ÷ SMTP alone |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        n = r["count"]
        print(
            f"| {r['name']} | {n} | {r['drain']:.2f} s | {n / r['drain']:.0f} "
            f"| {1000 * r['cpu'] / n:.2f} ms | {r['cli']:.2f} s | {n / r['cli']:.0f} "
            f"| {r['baseline']:.2f} s | {n / r['baseline']:.0f} "
            f"| {r['baseline'] / r['drain']:.2f} |"
        )


def child_numbers(env: dict, step: str, count: int, batch: int) -> tuple[float, float]:
    """Run one step in a fresh process; return the two numbers it prints (or zeros)."""
    command = [sys.executable, __file__, "--child", step, "--count", str(count)]
    done = subprocess.run(
        [*command, "--batch", str(batch)], env=env, capture_output=True, text=True, check=True
    )
    last = (done.stdout.strip().splitlines() or ["0 0"])[-1].split()
    return float(last[0]), float(last[1])


def child(step: str, count: int, batch: int) -> int:
    """Runs inside a fresh process configured by the environment."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic311.settings")
    import django

    django.setup()
    from django.conf import settings

    from civic311.catalog.models import Service
    from civic311.notifications import mailer
    from civic311.notifications.models import OutboxMessage
    from civic311.notifications.worker import Worker
    from tests.support.outbox import queue_due_updates

    if step in {"queue", "drain"}:
        queue_due_updates(Service.objects.get(service_code=POTHOLE), count)
    if step == "drain":
        worker = Worker(transport=mailer.transport_for(settings.CIVIC311), batch=batch)
        began, cpu_began = time.perf_counter(), time.process_time()
        tally = worker.drain()
        print(time.perf_counter() - began, time.process_time() - cpu_began)
        assert tally.sent == count, tally
    elif step == "verify":
        sent = OutboxMessage.objects.filter(status="sent").count()
        assert sent == count, f"{sent} of {count} emails sent"
    elif step == "baseline":
        message = OutboxMessage.objects.first()
        assert message is not None
        transport = mailer.transport_for(settings.CIVIC311)
        began, cpu_began = time.perf_counter(), time.process_time()
        transport.open()
        for i in range(count):
            transport.send(
                mailer.compose(
                    subject=message.subject,
                    text=message.body_text,
                    html=message.body_html,
                    to=message.to_email,
                    from_email=settings.CIVIC311.from_email,
                    headers=message.headers,
                    message_id=f"<baseline-{i}@bench>",
                )
            )
        transport.close()
        print(time.perf_counter() - began, time.process_time() - cpu_began)
    return 0


def civic311(env: dict, *args: str) -> None:
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "civic311.cli"]
    subprocess.run([*command, *args], env=env, check=True, stdout=subprocess.DEVNULL)


def recreate_postgres(url: str) -> str | None:
    """Drop and create the bench database; None when ready, else why not."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.strip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"the SMTP sink did not start on port {port}")


if __name__ == "__main__":
    sys.exit(main())
