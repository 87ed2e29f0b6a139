"""The ceiling: the three operations as raw SQL in a tight loop, with the driver Django uses.

No HTTP, no Django, no JSON: `sqlite3` or `psycopg` straight to the same
database, the same inputs as the HTTP scenarios, in as many processes as the
server has workers. What the API reaches is reported as a share of this.

- lookup: the record's columns joined with its service and department, and its
  first resident photo, by tracking number (what GET requests/{id} must read);
- list: the same columns for one service (by id: the raw loop need not look its
  code up) and one GeoReport status in a 30-day window, newest first, 50 rows
  (what the filtered GET requests must read);
- submit: one transaction taking the next tracking number, inserting the
  request and its `submitted` and `opened` events (what POST requests must write).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import random
import secrets
import sqlite3
import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from bench.workload import LIST_PAGE_SIZE, Workload

OPERATIONS = ("lookup", "list", "submit")
OPEN_STATUSES = ("open", "investigating", "action_scheduled", "in_progress")
CLOSED_STATUSES = (
    "fixed",
    "duplicate",
    "not_councils_responsibility",
    "no_further_action",
    "cancelled",
)


@dataclass(frozen=True)
class Measurement:
    """Throughput and latency of one operation."""

    operation: str
    count: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int = 0

    @property
    def per_second(self) -> float:
        """Completed operations per second."""
        return self.count / self.seconds if self.seconds else 0.0


def measure(
    *, database_url: str, workload_path: Path, operation: str, processes: int, seconds: float
) -> Measurement:
    """Run `operation` in `processes` processes for `seconds`; merge their latencies."""
    context = multiprocessing.get_context("spawn")
    jobs = [(database_url, str(workload_path), operation, seconds, i) for i in range(processes)]
    with context.Pool(processes) as pool:
        results = pool.starmap(_run, jobs)
    latencies = sorted(value for chunk, _, _ in results for value in chunk)
    failures = [error for _, _, error in results if error]
    if not latencies and failures:
        # Every step failed (e.g. a schema the raw SQL does not match): a 0 in the
        # table would read as a measurement.
        raise SystemExit(f"the {operation} ceiling failed every time: {failures[0]}")
    return Measurement(
        operation=operation,
        count=len(latencies),
        seconds=seconds,
        p50_ms=_percentile(latencies, 50) / 1e6,
        p99_ms=_percentile(latencies, 99) / 1e6,
        errors=sum(errors for _, errors, _ in results),
    )


def _percentile(sorted_values: list[int], percent: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, round(percent / 100 * (len(sorted_values) - 1)))
    return float(sorted_values[index])


def _run(
    database_url: str, workload_path: str, operation: str, seconds: float, worker: int
) -> tuple[array, int, str]:
    """One process's tight loop: its latencies in nanoseconds, error count and first error."""
    workload = Workload.load(Path(workload_path))
    database = RawDatabase.open(database_url)
    step = database.operation(operation, workload, random.Random(worker))
    latencies = array("q")
    errors, first_error = 0, ""
    clock = time.perf_counter_ns
    deadline = clock() + int(seconds * 1e9)
    while (began := clock()) < deadline:
        try:
            step()
        except Exception as exc:  # a lost lock race counts, it does not end the run
            errors += 1
            first_error = first_error or f"{type(exc).__name__}: {exc}"
            database.rollback()
            continue
        latencies.append(clock() - began)
    database.close()
    return latencies, errors, first_error


RECORD_COLUMNS = """
    r.tracking_number, r.status, r.status_notes, s.name, s.service_code, r.description,
    d.public_name, r.requested_datetime, r.updated_datetime, r.expected_datetime,
    r.address, r.address_id, r.zipcode, r.lat, r.long, r.media_urls,
    (SELECT p.image FROM media_photo p WHERE p.request_id = r.id AND p.kind = 'resident'
     ORDER BY p.created_at, p.id LIMIT 1) AS photo
"""
FROM_RECORDS = """
    FROM service_requests_servicerequest r
    JOIN catalog_service s ON s.id = r.service_id
    JOIN catalog_department d ON d.id = r.department_id
"""


class RawDatabase:
    """A raw driver connection and the three operations in its parameter style."""

    mark = "?"

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    @staticmethod
    def open(database_url: str) -> RawDatabase:
        """Connect the way Django's settings do, without Django."""
        parts = urlsplit(database_url)
        if parts.scheme == "sqlite":
            return SqliteDatabase.connect(unquote(parts.path))
        return PostgresDatabase.connect(database_url)

    def close(self) -> None:
        self.connection.close()

    def rollback(self) -> None:
        self.connection.execute("ROLLBACK")

    def operation(self, name: str, workload: Workload, rng: random.Random) -> Callable[[], Any]:
        """A no-argument callable doing one `name` operation on a random input."""
        return {"lookup": self._lookup, "list": self._list, "submit": self._submit}[name](
            workload, rng
        )

    def _sql(self, text: str) -> str:
        return text.replace("%s", self.mark)

    def _lookup(self, workload: Workload, rng: random.Random) -> Callable[[], Any]:
        sql = self._sql(
            f"SELECT {RECORD_COLUMNS} {FROM_RECORDS}"
            " WHERE r.tracking_number = %s AND r.is_test = %s"
        )
        numbers = workload.tracking_numbers
        cursor = self.connection.cursor()

        def lookup() -> Any:
            cursor.execute(sql, (rng.choice(numbers), False))
            row = cursor.fetchone()
            if row is None:
                raise LookupError("a drawn tracking number is missing")
            return row

        return lookup

    def _list(self, workload: Workload, rng: random.Random) -> Callable[[], Any]:
        cursor = self.connection.cursor()
        sqls = {
            status: self._sql(
                f"SELECT {RECORD_COLUMNS} {FROM_RECORDS} WHERE r.service_id = %s"
                f" AND r.status IN ({', '.join(['%s'] * len(statuses))})"
                " AND r.is_test = %s AND r.requested_datetime >= %s AND r.requested_datetime < %s"
                f" ORDER BY r.requested_datetime DESC, r.id DESC LIMIT {LIST_PAGE_SIZE}"
            )
            for status, statuses in (("open", OPEN_STATUSES), ("closed", CLOSED_STATUSES))
        }
        statuses = {"open": OPEN_STATUSES, "closed": CLOSED_STATUSES}
        queries = workload.lists

        def list_requests() -> Any:
            query = rng.choice(queries)
            params = (
                query.service_pk,
                *statuses[query.status],
                False,
                self.datetime(query.start),
                self.datetime(query.end),
            )
            cursor.execute(sqls[query.status], params)
            return cursor.fetchall()

        return list_requests

    def _submit(self, workload: Workload, rng: random.Random) -> Callable[[], Any]:
        from bench.generate import EVENT_FIELDS, REQUEST_FIELDS
        from civic311.geo.addresses import address_key

        request_columns = [c for c in REQUEST_FIELDS if c != "id"] + [
            "address_id", "zipcode", "report_count", "is_test", "requester_device_id",
            "requester_account_id", "assigned_to_id", "location_precision", "address_derived",
            "expected_basis",
        ]  # fmt: skip
        event_columns = [c for c in EVENT_FIELDS if c != "id"] + ["actor_id", "external_id"]
        insert_request = self._sql(
            f"INSERT INTO service_requests_servicerequest ({', '.join(request_columns)})"
            f" VALUES ({', '.join(['%s'] * len(request_columns))}) RETURNING id"
        )
        insert_event = self._sql(
            f"INSERT INTO service_requests_requestevent ({', '.join(event_columns)})"
            f" VALUES ({', '.join(['%s'] * len(event_columns))})"
        )
        take_number = self._sql(
            "INSERT INTO service_requests_trackingcounter (year, last) VALUES (%s, 1)"
            " ON CONFLICT (year) DO UPDATE SET last = service_requests_trackingcounter.last + 1"
            " RETURNING last"
        )
        submissions = workload.submissions
        cursor = self.connection.cursor()

        def submit() -> Any:
            job = rng.choice(submissions)
            key = address_key(job.address)  # the service layer's work, done here too
            now = dt.datetime.now(dt.UTC)
            when = self.datetime(now)
            self.begin(cursor)
            cursor.execute(take_number, (now.year,))
            (sequence,) = cursor.fetchone()
            cursor.execute(
                insert_request,
                (
                    f"{now.year % 100:02d}-{sequence:08d}", secrets.token_hex(12),
                    job.service_pk, job.department_pk, "open", "", job.description,
                    self.json(job.attributes), job.address, key.street, key.block,
                    job.lat, job.long, job.ward,
                    "open311", "[]", None, "", "", "", "", when, when, None, None,
                    "", "", 1, False, "", "", None, "address", False, "{}",
                ),
            )  # fmt: skip
            (request_id,) = cursor.fetchone()
            for kind, summary in (
                ("submitted", "Request submitted via app"),
                ("opened", "Request opened"),
            ):
                cursor.execute(
                    insert_event,
                    (request_id, kind, when, "bench", True, summary, "", "", "open311", "open",
                     None, "{}", None, ""),
                )  # fmt: skip
            cursor.execute("COMMIT")
            return request_id

        return submit

    def begin(self, cursor: Any) -> None:
        """Start a write transaction the way Django's settings do."""
        cursor.execute("BEGIN")

    def datetime(self, value: dt.datetime) -> Any:
        return value

    def json(self, value: Any) -> Any:
        import json

        return json.dumps(value)


class SqliteDatabase(RawDatabase):
    mark = "?"

    @classmethod
    def connect(cls, path: str) -> SqliteDatabase:
        # Autocommit mode with explicit BEGIN IMMEDIATE, as Django's transaction_mode does.
        connection = sqlite3.connect(path, timeout=30, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA foreign_keys=ON")
        return cls(connection)

    def begin(self, cursor: Any) -> None:
        cursor.execute("BEGIN IMMEDIATE")

    def rollback(self) -> None:
        if self.connection.in_transaction:
            self.connection.execute("ROLLBACK")

    def datetime(self, value: dt.datetime) -> str:
        return str(value.astimezone(dt.UTC).replace(tzinfo=None))


class PostgresDatabase(RawDatabase):
    mark = "%s"

    @classmethod
    def connect(cls, url: str) -> PostgresDatabase:
        import psycopg

        # Autocommit, as Django runs outside atomic blocks: each read is its own transaction.
        connection = psycopg.connect(
            url.replace("postgres://", "postgresql://", 1), autocommit=True
        )
        return cls(connection)

    def rollback(self) -> None:
        self.connection.execute("ROLLBACK")
