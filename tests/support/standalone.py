"""A civic311 of its own in a temporary folder: its SQLite file, its data, a real server.

For tests of what only a separate process shows (gunicorn workers, the address a server
serves on); such a server cannot share the test's transaction, so it gets its own
database.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from tests.support.smtp import free_port

CIVIC311 = [sys.executable, "-m", "civic311.cli"]


def standalone_env(folder: Path, **settings: str) -> dict[str, str]:
    """The environment of a civic311 whose data and SQLite file live in `folder`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVIC311_")}
    env.update(
        CIVIC311_ENV="test",
        CIVIC311_DATA_DIR=str(folder),
        CIVIC311_DATABASE_URL=f"sqlite:///{folder / 'server.sqlite3'}",
    )
    env.update(settings)
    return env


def run_command(env: dict[str, str], *args: str) -> str:
    """Run `civic311 ARGS…` to the end and return what it printed."""
    done = subprocess.run(
        [*CIVIC311, *args], env=env, capture_output=True, text=True, timeout=180, check=True
    )
    return done.stdout.strip()


def start_server(env: dict[str, str], port: int, *extra: str) -> subprocess.Popen:
    """`civic311 serve` on 127.0.0.1:`port`, answering /healthz before this returns."""
    process = subprocess.Popen(
        [*CIVIC311, "serve", "--host", "127.0.0.1", "--port", str(port), *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"civic311 serve exited with {process.returncode}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except requests.ConnectionError:
            time.sleep(0.2)
    process.terminate()
    raise AssertionError("civic311 serve did not answer within 60 s")


@contextmanager
def serving_chicago(env: dict[str, str], *serve_args: str) -> Iterator[tuple[str, str]]:
    """A migrated civic311 with the Chicago catalogue and one API key, served on a free
    port: yields (its base URL, the key) and stops the server afterwards."""
    run_command(env, "migrate", "--verbosity", "0")
    run_command(env, "load-catalog", "chicago-2012")
    key = run_command(env, "apikey", "create", "Test App")
    port = free_port()
    process = start_server(env, port, *serve_args)
    try:
        yield f"http://127.0.0.1:{port}", key
    finally:
        process.terminate()
        process.wait(20)
