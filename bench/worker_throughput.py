"""Email worker throughput: N queued emails, one worker, a local SMTP sink; SQLite and PostgreSQL.

    .venv/bin/python bench/worker_throughput.py [--count 2000] [--postgres URL]

For each database it creates a fresh one (a SQLite file in a temporary folder;
the PostgreSQL database `civic311_bench_worker`, dropped and recreated), loads
the Chicago catalogue, queues N update emails through the real path (N
confirmed followers of one request, one status change), starts aiosmtpd's
Sink handler in its own process and then measures:

- in-process: `Worker.drain()` (what `civic311 worker` runs), messages per second;
- the CLI: a second batch of N drained by `civic311 worker --once` as a subprocess,
  wall clock including the process start (Django set-up, connections).

Every email must end `sent` or the run fails. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import os
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument(
        "--postgres", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.count, args.batch)

    rows = []
    with tempfile.TemporaryDirectory(prefix="civic311-bench-") as tmp:
        sqlite = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        rows.append(run_leg("SQLite", sqlite, tmp, args))
        problem = recreate_postgres(args.postgres)
        if problem:
            print(f"PostgreSQL skipped: {problem}")
        else:
            rows.append(run_leg("PostgreSQL", args.postgres, tmp, args))
    print()
    load = os.getloadavg()[0]
    print(f"load average (1 min) at the end: {load:.1f} on {os.cpu_count()} CPUs")
    print(
        "| database | emails | in-process drain | msgs/s | worker CPU per email "
        "| `civic311 worker --once` | msgs/s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, count, drain, cpu, cli in rows:
        print(
            f"| {name} | {count} | {drain:.2f} s | {count / drain:.0f} | "
            f"{1000 * cpu / count:.2f} ms | {cli:.2f} s | {count / cli:.0f} |"
        )
    return 0


def run_leg(name: str, database_url: str, tmp: str, args) -> tuple[str, int, float, float, float]:
    """Set up, then measure both ways: (name, count, drain s, worker CPU s, CLI s)."""
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
    sink = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ],
        env=env,
    )
    try:
        wait_for_port(port)
        child_run = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                "drain",
                "--count",
                str(args.count),
                "--batch",
                str(args.batch),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        drain, cpu = map(float, child_run.stdout.strip().splitlines()[-1].split())
        subprocess.run(
            [sys.executable, __file__, "--child", "queue", "--count", str(args.count)],
            env=env,
            check=True,
        )
        began = time.perf_counter()
        civic311(env, "worker", "--once", "--batch", str(args.batch))
        cli = time.perf_counter() - began
        subprocess.run(
            [sys.executable, __file__, "--child", "verify", "--count", str(2 * args.count)],
            env=env,
            check=True,
        )
    finally:
        sink.terminate()
        sink.wait(10)
    print(
        f"{name}: {args.count} emails drained in {drain:.2f} s in-process, {cli:.2f} s by the CLI"
    )
    return name, args.count, drain, cpu, cli


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

    service = Service.objects.get(service_code="4fd3b656e750846c53000004")
    if step == "queue":
        queue_due_updates(service, count)
    elif step == "drain":
        queue_due_updates(service, count)
        worker = Worker(transport=mailer.transport_for(settings.CIVIC311), batch=batch)
        began, cpu_began = time.perf_counter(), time.process_time()
        tally = worker.drain()
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu_began
        assert tally.sent == count, tally
        print(seconds, cpu)
    elif step == "verify":
        sent = OutboxMessage.objects.filter(status="sent").count()
        assert sent == count, f"{sent} of {count} emails sent"
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
    from tests.support.smtp import free_port as probe

    return probe()


def wait_for_port(port: int, timeout: float = 10) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"the SMTP sink did not start on port {port}")


if __name__ == "__main__":
    sys.exit(main())
