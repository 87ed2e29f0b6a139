"""Run the whole suite twice, on SQLite and on PostgreSQL, and say what each leg did.

The two legs run side by side (one core each). With CI=true the PostgreSQL
leg is required; elsewhere, when no server answers, it is skipped and the
reason printed. Extra arguments go to pytest (e.g. `make test ARGS="-k transfer"`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "var" / "test-results"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/civic311"
PYTEST_NO_TESTS = 5
# The domain packages are type-checked (mypy with django-stubs); HTTP packages are not.
TYPED = [
    "core", "catalog", "service_requests", "geo", "accounts", "notifications", "media",
    "stats", "status_checks",
]  # fmt: skip


@dataclass
class Leg:
    name: str
    database_url: str
    process: subprocess.Popen | None = None
    log: Path | None = None
    returncode: int | None = None
    skipped_because: str = ""

    def counts(self) -> str:
        report = RESULTS / f"{self.name}.xml"
        if not report.exists():
            return "no report"
        suite = ET.parse(report).getroot()
        suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
        total, failures, errors, skipped = (
            int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped")
        )
        passed = total - failures - errors - skipped
        return f"{passed} passed, {failures} failed, {errors} errors, {skipped} skipped"


def postgres_problem(url: str) -> str | None:
    """Why the PostgreSQL server cannot be used, or None when it answers."""
    import psycopg

    parts = urlsplit(url)
    try:
        psycopg.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username,
            password=parts.password,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]
    return None


def start(leg: Leg, pytest_args: list[str], live: bool) -> None:
    data_dir = ROOT / "var" / f"test-{leg.name}"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "CIVIC311_ENV": "test",
        "CIVIC311_DATA_DIR": str(data_dir),
        "CIVIC311_DATABASE_URL": leg.database_url,
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        sys.executable,
        "-m",
        "pytest",
        f"--junit-xml={RESULTS / f'{leg.name}.xml'}",
        "-o",
        f"junit_suite_name={leg.name}",
        *pytest_args,
    ]
    leg.log = RESULTS / f"{leg.name}.log"
    output = None if live else leg.log.open("w")
    leg.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)


def main(pytest_args: list[str]) -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    ci = os.environ.get("CI", "").lower() == "true"
    lint = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT)
    types = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "src/civic311/config.py",
            *(f"src/civic311/{package}" for package in TYPED),
        ],
        cwd=ROOT,
        env={**os.environ, "CIVIC311_DATA_DIR": str(ROOT / "var" / "mypy")},
    )
    postgres_url = os.environ.get("CIVIC311_TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    legs = [
        Leg("sqlite", f"sqlite:///{ROOT / 'var' / 'test-sqlite' / 'civic311.sqlite3'}"),
        Leg("postgresql", postgres_url),
    ]
    problem = postgres_problem(postgres_url)
    if problem:
        legs[1].skipped_because = f"no PostgreSQL server answers at {postgres_url}: {problem}"
    began = time.monotonic()
    for leg in legs:
        if not leg.skipped_because:
            print(f"== {leg.name} leg: starting ({leg.database_url})", flush=True)
            start(leg, pytest_args, live=leg.name == "sqlite")
    for leg in legs:
        if leg.process:
            leg.returncode = leg.process.wait()
            if leg.name != "sqlite":
                print(f"\n== {leg.name} leg output ({leg.log})", flush=True)
                print(leg.log.read_text(), flush=True)
    return summarise(
        legs, lint.returncode, types.returncode, ci, bool(pytest_args), time.monotonic() - began
    )


def summarise(
    legs: list[Leg], lint: int, types: int, ci: bool, filtered: bool, seconds: float
) -> int:
    print(f"\n== civic311 test summary ({seconds:.0f} s)")
    print(f"ruff: {'clean' if lint == 0 else 'FAILED'}")
    print(f"mypy (domain packages): {'clean' if types == 0 else 'FAILED'}")
    failed = lint != 0 or types != 0
    for leg in legs:
        if leg.skipped_because:
            verdict = "REQUIRED in CI, FAILED" if ci else "skipped"
            print(f"{leg.name}: {verdict}: {leg.skipped_because}")
            failed |= ci
            continue
        if leg.returncode == PYTEST_NO_TESTS:
            print(
                f"{leg.name}: no tests were collected" + (" (by your filter)" if filtered else "")
            )
            failed |= not filtered
            continue
        verdict = "ok" if leg.returncode == 0 else f"FAILED (pytest exit {leg.returncode})"
        print(f"{leg.name}: {verdict}: {leg.counts()}")
        failed |= leg.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
