"""Fill a database with N synthetic Chicago requests and their timelines, fast.

Not the service layer: one service-layer submission costs a few milliseconds,
so a million would take an hour. The plan (service, moment, ward, point,
status) is drawn with numpy for all rows at once, sorted by time so ids and
tracking numbers rise with `requested_datetime` as real ones do, then written
in chunks with `executemany` (SQLite) or `COPY` (PostgreSQL) in ONE
transaction: a failed run leaves the database as it was.

The shapes follow the service layer exactly (the same event types, summaries,
statuses and columns), so the API and the tracker read generated requests as
they read real ones. The distribution is Chicago-like: services weighted by
their share of 311 calls with seasons (potholes in late winter, rats and tree
debris in summer), wards of uneven weight with points inside their polygons,
daytime-heavy hours, two years of history, older requests mostly closed.

    python -m bench.generate --rows 20000          # into CIVIC311_DATABASE_URL
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from civic311.geo.addresses import AddressKey

CHUNK = 20_000
DAY = 86_400

# Detailed statuses a closed request ends in, with their shares.
CLOSED_ENDINGS = {
    "fixed": 84,
    "duplicate": 6,
    "not_councils_responsibility": 5,
    "no_further_action": 4,
    "cancelled": 1,
}
OPEN_STEPS = ["open", "investigating", "action_scheduled", "in_progress"]
OPEN_SHARES = [25, 30, 25, 20]
# Day of year each service peaks, and how strongly (0 = no season).
SEASONS = {
    "Pothole in Street": (60, 0.8),
    "Rodent Baiting / Rat Complaint": (200, 0.6),
    "Tree Debris": (190, 0.7),
    "Graffiti Removal": (180, 0.3),
    "Street Light 1 / Out": (330, 0.3),
    "Alley Light Out": (330, 0.3),
    "Street Lights All / Out": (330, 0.3),
    "Restaurant Complaint": (200, 0.2),
    "Sanitation Code Violation": (200, 0.3),
}
# Relative volume by hour of the day (Chicago time): people report while awake.
HOURLY = [1, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 10, 10, 10, 10, 9, 9, 8, 7, 6, 5, 4, 3, 2]
CHICAGO_UTC_OFFSET_HOURS = -6
POINTS_PER_WARD = 800
STALLED_SHARE = 0.03  # requests that stay open for ever, as some real ones do


@dataclass(frozen=True)
class ServiceInfo:
    """What the generator needs of one catalogue service."""

    pk: int
    code: str
    name: str
    department_id: int
    target_days: int | None
    answers: tuple[str, ...]  # JSON texts of plausible submitted attributes


@dataclass(frozen=True)
class Catalogue:
    """The loaded catalogue, read once."""

    services: list[ServiceInfo]
    weights: np.ndarray
    ward_numbers: list[int]
    ward_weights: np.ndarray
    department_of: dict[tuple[int, int | None], int]  # (service pk, ward) → department pk
    department_names: dict[int, tuple[str, str]]  # pk → (code, public name)


@dataclass(frozen=True)
class Summary:
    """What a run wrote and how long it took."""

    requests: int
    events: int
    seconds: float


@dataclass
class Plan:
    """Every row's drawn facts, sorted by time; arrays of length `rows`."""

    filed: np.ndarray  # unix seconds
    service: np.ndarray  # index into catalogue.services
    ward: np.ndarray  # index into catalogue.ward_numbers
    point: np.ndarray  # index into the ward's point pool
    closes_after: np.ndarray  # seconds from filing to closing (inf: still open)
    end: int


def generate(
    *,
    rows: int,
    seed: int = 311,
    years: float = 2.0,
    end: dt.datetime | None = None,
    progress: Callable[[int], None] = lambda done: None,
) -> Summary:
    """Write `rows` requests filed over the `years` before `end` (default now) with timelines."""
    from django.db import connection, transaction

    from civic311.service_requests.models import ServiceRequest

    began = time.monotonic()
    if ServiceRequest.objects.exists():
        raise SystemExit("the database already holds requests; generate into an empty one")
    catalogue = read_catalogue()
    rng = np.random.default_rng(seed)
    end_ts = int((end or dt.datetime.now(dt.UTC)).timestamp())
    plan = draw_plan(rows, catalogue, rng, end_ts=end_ts, years=years)
    pools = point_pools(catalogue.ward_numbers, rng)
    writer = _writer(connection)
    events = 0
    with writer.bulk_session(), transaction.atomic():
        rows_writer = _RowBuilder(catalogue, pools, plan, rng, writer.datetime)
        for start in range(0, rows, CHUNK):
            requests_chunk, events_chunk = rows_writer.build(start, min(start + CHUNK, rows))
            writer.write("request", requests_chunk, rows_writer.request_columns)
            writer.write("event", events_chunk, rows_writer.event_columns)
            events += len(events_chunk)
            progress(min(start + CHUNK, rows))
        _set_counters(rows_writer.last_sequence)
        writer.reset_sequences()
    writer.analyze()
    return Summary(rows, events, time.monotonic() - began)


def read_catalogue() -> Catalogue:
    """Services, wards and routing from the database (load-catalog chicago-2012 first)."""
    from civic311.catalog import routing
    from civic311.catalog.models import Department, RoutingRule, Service
    from civic311.geo.models import Ward
    from civic311.service_requests.demo import WEIGHTS

    services = list(Service.objects.filter(active=True).order_by("name"))
    wards = list(Ward.objects.filter(boundary__isnull=False).values_list("number", flat=True))
    if not services or not wards:
        raise SystemExit("load the catalogue first: civic311 load-catalog chicago-2012")
    rules: dict[int, list[tuple[int | None, int]]] = {}
    for service_id, ward_id, department_id in RoutingRule.objects.values_list(
        "service_id", "ward_id", "department_id"
    ):
        rules.setdefault(service_id, []).append((ward_id, department_id))
    department_of = {
        (s.pk, w): routing.choose_department(rules.get(s.pk, []), w, default=s.department_id)
        for s in services
        for w in wards
    }
    ward_rng = np.random.default_rng(50)
    ward_weights = ward_rng.gamma(4.0, size=len(wards))
    weights = np.array([WEIGHTS.get(s.name, 1) for s in services], dtype=float)
    return Catalogue(
        services=[_service_info(s) for s in services],
        weights=weights / weights.sum(),
        ward_numbers=wards,
        ward_weights=ward_weights / ward_weights.sum(),
        department_of=department_of,
        department_names={d.pk: (d.code, d.public_name) for d in Department.objects.all()},
    )


def _service_info(service: Any) -> ServiceInfo:
    """A service with a small pool of plausible answers to its questions."""
    import random

    rng = random.Random(service.pk)
    questions = [
        (a.code, a.datatype, a.required, [v.key for v in a.values.all()])
        for a in service.attributes.prefetch_related("values").order_by("order")
    ]
    answers = []
    for _ in range(24):
        chosen: dict[str, Any] = {}
        for code, datatype, required, keys in questions:
            if not required and rng.random() < 0.5:
                continue
            if datatype == "singlevaluelist" and keys:
                chosen[code] = rng.choice(keys)
            elif datatype == "multivaluelist" and keys:
                chosen[code] = rng.sample(keys, k=min(len(keys), rng.randint(1, 2)))
            elif datatype == "number":
                chosen[code] = rng.randint(7, 45)
            elif datatype == "string" and code == "FQSKA4":
                chosen[code] = f"{rng.choice('ABCDEFGH')}{rng.randint(10000, 99999)}"
        answers.append(json.dumps(chosen))
    return ServiceInfo(
        pk=service.pk,
        code=service.service_code,
        name=service.name,
        department_id=service.department_id,
        target_days=service.target_days,
        answers=tuple(answers),
    )


def draw_plan(
    rows: int, catalogue: Catalogue, rng: np.random.Generator, *, end_ts: int, years: float
) -> Plan:
    """Draw every row's service, filing moment, place and fate; sorted by filing moment."""
    span = int(years * 365.25 * DAY)
    service = rng.choice(len(catalogue.services), size=rows, p=catalogue.weights)
    filed = np.empty(rows, dtype=np.int64)
    for index, info in enumerate(catalogue.services):
        mask = service == index
        filed[mask] = _seasonal_moments(int(mask.sum()), info.name, rng, end_ts - span, end_ts)
    order = np.argsort(filed, kind="stable")
    filed, service = filed[order], service[order]
    ward = rng.choice(len(catalogue.ward_numbers), size=rows, p=catalogue.ward_weights)
    point = rng.integers(0, POINTS_PER_WARD, size=rows)
    mean_days = np.array([(s.target_days or 14) * 0.6 for s in catalogue.services])[service]
    closes_after = rng.exponential(mean_days * DAY) + rng.uniform(3600, 6 * 3600, size=rows)
    still_open = (filed + closes_after >= end_ts) | (rng.random(rows) < STALLED_SHARE)
    closes_after[still_open] = np.inf
    return Plan(filed, service, ward, point, closes_after, end_ts)


def _seasonal_moments(
    count: int, name: str, rng: np.random.Generator, start: int, end: int
) -> np.ndarray:
    """`count` moments in [start, end) with the service's season and a daytime-heavy clock."""
    peak, strength = SEASONS.get(name, (0, 0.0))
    hourly = np.array(HOURLY, dtype=float) / max(HOURLY)
    chosen: list[np.ndarray] = []
    needed = count
    while needed > 0:
        moments = rng.integers(start, end, size=needed * 3 + 16)
        day_of_year = (moments // DAY) % 365
        season = (1 + strength * np.cos(2 * math.pi * (day_of_year - peak) / 365)) / (1 + strength)
        local_hour = ((moments // 3600) + CHICAGO_UTC_OFFSET_HOURS) % 24
        keep = rng.random(moments.size) < season * hourly[local_hour]
        chosen.append(moments[keep][:needed])
        needed -= chosen[-1].size
    return np.concatenate(chosen)


@dataclass(frozen=True)
class PointPool:
    """Points inside one ward with a believable address for each."""

    lat: np.ndarray
    long: np.ndarray
    address: list[str]
    key: list[AddressKey]  # each address's street key and block, as the service layer stores


def point_pools(ward_numbers: Sequence[int], rng: np.random.Generator) -> list[PointPool]:
    """POINTS_PER_WARD uniform random points inside each ward's polygon."""
    import shapely
    from shapely.geometry import shape

    from civic311.geo.addresses import address_key
    from civic311.geo.chicago_grid import address_near
    from civic311.geo.models import Ward

    boundaries = dict(Ward.objects.values_list("number", "boundary"))
    pools = []
    for number in ward_numbers:
        polygon = shape(boundaries[number])
        min_x, min_y, max_x, max_y = polygon.bounds
        xs: list[np.ndarray] = []
        ys: list[np.ndarray] = []
        found = 0
        while found < POINTS_PER_WARD:
            x = rng.uniform(min_x, max_x, POINTS_PER_WARD * 4)
            y = rng.uniform(min_y, max_y, POINTS_PER_WARD * 4)
            inside = shapely.contains_xy(polygon, x, y)
            xs.append(x[inside])
            ys.append(y[inside])
            found += int(inside.sum())
        long = np.round(np.concatenate(xs)[:POINTS_PER_WARD], 6)
        lat = np.round(np.concatenate(ys)[:POINTS_PER_WARD], 6)
        address = [
            f"{address_near(float(a), float(o), on_east_west_street=i % 2 == 0)}, Chicago, IL"
            for i, (a, o) in enumerate(zip(lat, long, strict=True))
        ]
        pools.append(PointPool(lat, long, address, [address_key(a) for a in address]))
    return pools


class _RowBuilder:
    """Turns planned rows into request and event tuples in the models' column order."""

    def __init__(
        self,
        catalogue: Catalogue,
        pools: list[PointPool],
        plan: Plan,
        rng: np.random.Generator,
        to_db_datetime: Callable[[dt.datetime], Any],
    ) -> None:
        import random

        from civic311.service_requests import workflow
        from civic311.service_requests.demo import CHANNEL_WEIGHTS, CLOSING_NOTES, DESCRIPTIONS
        from civic311.service_requests.models import Channel, RequestEvent, ServiceRequest

        self.catalogue, self.pools, self.plan = catalogue, pools, plan
        self.rng = random.Random(int(rng.integers(1 << 31)))
        self.to_db = to_db_datetime
        self.labels = {s.value: str(s.label) for s in workflow.Status}
        self.channels = list(CHANNEL_WEIGHTS)
        self.channel_weights = [CHANNEL_WEIGHTS[c] for c in self.channels]
        self.channel_words = {c.value: str(c.label) for c in Channel}
        self.descriptions = DESCRIPTIONS
        self.closing_notes = CLOSING_NOTES
        self.water = next(
            (
                pk
                for pk, (code, _) in catalogue.department_names.items()
                if code == "water-management"
            ),
            None,
        )
        self.last_sequence: dict[int, int] = {}
        self.last_original: dict[int, tuple[int, str]] = {}  # service → (id, tracking number)
        self.next_event_id = 1
        self.request_columns, self.request_defaults = _columns(ServiceRequest, REQUEST_FIELDS)
        self.event_columns, self.event_defaults = _columns(RequestEvent, EVENT_FIELDS)

    def build(self, start: int, stop: int) -> tuple[list[tuple], list[tuple]]:
        """Request rows and event rows for planned rows [start, stop)."""
        requests: list[tuple] = []
        events: list[tuple] = []
        for index in range(start, stop):
            request, timeline = self._one(index)
            requests.append(request + self.request_defaults)
            events.extend(event + self.event_defaults for event in timeline)
        return requests, events

    def _one(self, index: int) -> tuple[tuple, list[tuple]]:
        plan, rng = self.plan, self.rng
        info = self.catalogue.services[int(plan.service[index])]
        ward = self.catalogue.ward_numbers[int(plan.ward[index])]
        pool = self.pools[int(plan.ward[index])]
        spot = int(plan.point[index])
        filed = dt.datetime.fromtimestamp(int(plan.filed[index]), dt.UTC)
        request_id = index + 1
        tracking_number = self._tracking_number(filed.year)
        channel = rng.choices(self.channels, self.channel_weights)[0]
        department = self.catalogue.department_of[(info.pk, ward)]
        steps = self._steps(index, info, filed, request_id)
        timeline, state = self._timeline(request_id, info, channel, department, filed, steps)
        status, status_notes, updated, closed, parent, department = state
        if status != "duplicate":
            self.last_original[info.pk] = (request_id, tracking_number)
        named = rng.random() < 0.6
        request = (
            request_id,
            tracking_number,
            f"{rng.getrandbits(96):024x}",
            info.pk,
            department,
            status,
            status_notes,
            rng.choice(self.descriptions.get(info.name, ["Please send someone."])),
            rng.choice(info.answers),
            pool.address[spot],
            pool.key[spot].street,
            pool.key[spot].block,
            float(pool.lat[spot]),
            float(pool.long[spot]),
            ward,
            channel,
            json.dumps([f"https://photos.example.org/{request_id}.jpg"])
            if rng.random() < 0.1
            else "[]",
            parent[0] if parent else None,
            rng.choice(FIRST_NAMES) if named else "",
            rng.choice(LAST_NAMES) if named else "",
            f"resident{request_id}@example.org" if rng.random() < 0.3 else "",
            f"312-555-{rng.randint(0, 9999):04d}" if channel == "phone" else "",
            self.to_db(filed),
            self.to_db(updated),
            self.to_db(filed + dt.timedelta(days=info.target_days)) if info.target_days else None,
            self.to_db(closed) if closed else None,
        )
        return request, timeline

    def _tracking_number(self, year: int) -> str:
        from civic311.service_requests.tracking import format_tracking_number

        sequence = self.last_sequence.get(year, 0) + 1
        self.last_sequence[year] = sequence
        return format_tracking_number(year, sequence)

    def _steps(
        self, index: int, info: ServiceInfo, filed: dt.datetime, request_id: int
    ) -> list[tuple[str, dt.datetime]]:
        """The statuses a request went through after opening, with their moments."""
        rng, plan = self.rng, self.plan
        closes_after = float(plan.closes_after[index])
        if math.isinf(closes_after):
            final = rng.choices(OPEN_STEPS, OPEN_SHARES)[0]
            span = max(60.0, (plan.end - int(plan.filed[index])) * rng.random())
        else:
            final = rng.choices(list(CLOSED_ENDINGS), list(CLOSED_ENDINGS.values()))[0]
            if final == "duplicate" and info.pk not in self.last_original:
                final = "fixed"
            span = closes_after
        if final == "duplicate":
            path = ["duplicate"]
        elif final in OPEN_STEPS:
            path = OPEN_STEPS[1 : OPEN_STEPS.index(final) + 1]
        else:
            path = [s for s in OPEN_STEPS[1:] if rng.random() < 0.6] + [final]
        offsets = sorted(rng.uniform(60, span) for _ in path)
        if path and final not in OPEN_STEPS:
            offsets[-1] = span
        return [
            (s, filed + dt.timedelta(seconds=round(o))) for s, o in zip(path, offsets, strict=True)
        ]

    def _timeline(
        self,
        request_id: int,
        info: ServiceInfo,
        channel: str,
        department: int,
        filed: dt.datetime,
        steps: list[tuple[str, dt.datetime]],
    ) -> tuple[list[tuple], tuple]:
        """Event rows (as the service layer writes them) and the request's final state."""
        code, public_name = self.catalogue.department_names[department]
        words = self.channel_words[channel]
        events = [
            self._event(request_id, "submitted", filed, f"Request submitted via {words}",
                        label=words, to_value=channel, status="open"),
            self._event(request_id, "opened", filed, f"Request opened by {public_name}",
                        to_value=public_name, status="open",
                        details={"department": code}),
        ]  # fmt: skip
        status, notes, updated, closed, parent = "open", "", filed, None, None
        for new, moment in steps:
            if new == "duplicate":
                parent = self.last_original[info.pk]
                notes = f"Duplicate of {parent[1]}"
                events.append(self._event(
                    request_id, "duplicate_marked", moment,
                    f"Marked as a duplicate of {parent[1]}", from_value=status,
                    to_value=parent[1], status="duplicate", related=parent[0],
                ))  # fmt: skip
                closed = moment
            elif new in OPEN_STEPS:
                if new == "action_scheduled" and self.rng.random() < 0.5:
                    notes = "Work order created."
                if new == "action_scheduled" and self._transfers(info):
                    department = self.water or department
                    events.append(self._transfer(request_id, moment, code, department, status))
                events.append(self._event(
                    request_id, "status_changed", moment,
                    f"Status changed to {self.labels[new]}", description=notes,
                    from_value=status, to_value=new, status=new,
                ))  # fmt: skip
            else:
                notes = self._closing_note(info, new)
                events.append(self._event(
                    request_id, "closed", moment, f"Request closed: {self.labels[new]}",
                    description=notes, from_value=status, to_value=new, status=new,
                ))  # fmt: skip
                closed = moment
            status, updated = new, moment
        return events, (status, notes, updated, closed, parent, department)

    def _closing_note(self, info: ServiceInfo, status: str) -> str:
        if status == "fixed":
            return self.closing_notes.get(info.name, "The work is complete.")
        return OTHER_ENDING_NOTES.get(status, "")

    def _transfers(self, info: ServiceInfo) -> bool:
        return (
            info.name == "Pothole in Street" and self.water is not None and self.rng.random() < 0.1
        )

    def _transfer(
        self, request_id: int, moment: dt.datetime, old_code: str, new: int, status: str
    ) -> tuple:
        new_code, new_name = self.catalogue.department_names[new]
        return self._event(
            request_id,
            "transferred",
            moment,
            f"Transferred to {new_name}",
            description="The crew's survey shows a sewer cave-in under the pothole.",
            to_value=new_name,
            status=status,
            details={"from_department": old_code, "to_department": new_code},
        )

    def _event(
        self,
        request_id: int,
        type: str,
        at: dt.datetime,
        summary: str,
        *,
        status: str,
        label: str = "",
        description: str = "",
        from_value: str = "",
        to_value: str = "",
        related: int | None = None,
        details: dict | None = None,
    ) -> tuple:
        event_id = self.next_event_id
        self.next_event_id += 1
        return (
            event_id,
            request_id,
            type,
            self.to_db(at),
            label or "civic311",
            True,
            summary,
            description,
            from_value,
            to_value,
            status,
            related,
            json.dumps(details or {}),
        )


# The columns the generator fills, in the order _RowBuilder produces them.
REQUEST_FIELDS = [
    "id",
    "tracking_number",
    "token",
    "service_id",
    "department_id",
    "status",
    "status_notes",
    "description",
    "attributes",
    "address",
    "street_key",
    "address_block",
    "lat",
    "long",
    "ward_id",
    "channel",
    "media_urls",
    "duplicate_of_id",
    "requester_first_name",
    "requester_last_name",
    "requester_email",
    "requester_phone",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "closed_datetime",
]
EVENT_FIELDS = [
    "id",
    "request_id",
    "type",
    "created_at",
    "actor_label",
    "is_public",
    "summary",
    "description",
    "from_value",
    "to_value",
    "status_after",
    "related_request_id",
    "details",
]
OTHER_ENDING_NOTES = {
    "not_councils_responsibility": "This is private property; the owner has been notified.",
    "no_further_action": "No problem was found at this location.",
    "cancelled": "Cancelled at the resident's request.",
}
FIRST_NAMES = ["Maria", "James", "Keisha", "Luis", "Anna", "Tom", "Grace", "Ahmed", "Rosa", "Dan"]
LAST_NAMES = ["Garcia", "Johnson", "Nowak", "Williams", "Kim", "Brown", "Lopez", "Patel", "Murphy"]


def _columns(model: Any, produced: list[str]) -> tuple[list[str], tuple]:
    """Column names for `produced` fields plus every other column with its default value.

    Columns other engineers add later (with a default) are filled with that
    default, so the generator keeps working as the model grows.
    """
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    missing = [name for name in produced if name not in by_attname]
    if missing:
        raise SystemExit(f"{model.__name__} has no field(s) {missing}; update bench/generate.py")
    others = [f for f in model._meta.concrete_fields if f.attname not in produced]
    defaults = tuple(_plain(field.get_default()) for field in others)
    columns = [by_attname[name].column for name in produced] + [f.column for f in others]
    return columns, defaults


def _plain(value: Any) -> Any:
    """Django wraps JSON for the driver; the bulk writers want plain text."""
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def _set_counters(last_sequence: dict[int, int]) -> None:
    from civic311.service_requests.models import TrackingCounter

    for year, last in last_sequence.items():
        TrackingCounter.objects.update_or_create(year=year, defaults={"last": last})


class _Writer:
    """Bulk-writes rows with the database's fastest path."""

    def __init__(self, connection: Any) -> None:
        from civic311.service_requests.models import RequestEvent, ServiceRequest

        self.connection = connection
        self.tables = {
            "request": ServiceRequest._meta.db_table,
            "event": RequestEvent._meta.db_table,
        }
        self.models = [ServiceRequest, RequestEvent]

    def bulk_session(self) -> Any:
        from contextlib import nullcontext

        return nullcontext()

    def reset_sequences(self) -> None:
        from django.core.management.color import no_style

        with self.connection.cursor() as cursor:
            for sql in self.connection.ops.sequence_reset_sql(no_style(), self.models):
                cursor.execute(sql)

    def analyze(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("ANALYZE")


class _SqliteWriter(_Writer):
    @staticmethod
    def datetime(value: dt.datetime) -> str:
        """Django's SQLite text form: naive UTC, space-separated."""
        return str(value.replace(tzinfo=None))

    def bulk_session(self) -> Any:
        from contextlib import contextmanager

        @contextmanager
        def session() -> Iterator[None]:
            # A rollback journal records only the few pages that existed before, where
            # WAL would copy every new page; the file is ours alone while it fills.
            self.connection.ensure_connection()
            raw = self.connection.connection
            switched = _pragma(raw, "journal_mode=DELETE")
            raw.execute("PRAGMA synchronous=OFF")
            raw.execute("PRAGMA cache_size=-262144")
            try:
                yield
            finally:
                if switched:
                    _pragma(raw, "journal_mode=WAL")
                raw.execute("PRAGMA synchronous=NORMAL")

        return session()

    def write(self, table: str, rows: list[tuple], columns: list[str]) -> None:
        if not rows:
            return
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        raw = self.connection.connection
        raw.executemany(f'INSERT INTO "{self.tables[table]}" ({names}) VALUES ({marks})', rows)


def _pragma(raw: Any, setting: str) -> bool:
    """Set a journal mode; another open connection (a test's live server) may forbid it."""
    import sqlite3

    try:
        raw.execute(f"PRAGMA {setting}")
    except sqlite3.OperationalError:
        return False
    return True


class _PostgresWriter(_Writer):
    @staticmethod
    def datetime(value: dt.datetime) -> dt.datetime:
        return value

    def write(self, table: str, rows: list[tuple], columns: list[str]) -> None:
        if not rows:
            return
        names = ", ".join(f'"{c}"' for c in columns)
        with (
            self.connection.connection.cursor() as cursor,
            cursor.copy(f'COPY "{self.tables[table]}" ({names}) FROM STDIN') as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def analyze(self) -> None:
        # VACUUM sets the visibility map, so index-only scans work as in a settled database.
        self.connection.ensure_connection()
        raw = self.connection.connection
        previous = raw.autocommit
        raw.autocommit = True
        try:
            for table in self.tables.values():
                raw.execute(f'VACUUM ANALYZE "{table}"')
        finally:
            raw.autocommit = previous


def _writer(connection: Any) -> _Writer:
    if connection.vendor == "sqlite":
        return _SqliteWriter(connection)
    if connection.vendor == "postgresql":
        return _PostgresWriter(connection)
    raise SystemExit(f"no bulk writer for {connection.vendor}")


def prepare_database() -> None:
    """Migrate and load the Chicago catalogue into the configured database."""
    from django.core.management import call_command

    from civic311.catalog.models import Service
    from civic311.catalog.services import load_catalog

    call_command("migrate", interactive=False, verbosity=0)
    if not Service.objects.exists():
        load_catalog(name_or_path="chicago-2012")


def main(argv: list[str] | None = None) -> int:
    """Command line: migrate, load the catalogue and generate into CIVIC311_DATABASE_URL."""
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=311)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic311.settings")
    import django

    django.setup()
    from tqdm import tqdm

    prepare_database()
    with tqdm(total=args.rows, unit="req", disable=not sys.stderr.isatty()) as bar:
        summary = generate(rows=args.rows, seed=args.seed, progress=lambda d: bar.update(d - bar.n))
    print(
        f"wrote {summary.requests:,} requests and {summary.events:,} events "
        f"in {summary.seconds:.1f} s ({summary.requests / summary.seconds:,.0f} requests/s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
