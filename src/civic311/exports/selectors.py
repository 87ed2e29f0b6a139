"""Reads for the open-data export: every public request, in chunks, by (updated, id).

Constant memory at any size: each chunk is one query that resumes after the last
row of the one before (keyset on the `sr_updated_id` index), never OFFSET and never
the whole table at once. The SQL is written once from the models' own names and run
on a cursor, like the API's hot paths (open311.selectors): at 100,000 rows a second
the ORM's model instances would cost more than the rest of the export.

Only public columns are selected: no requester field, no event text, and never a
sandbox (`is_test`) request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Max

from civic311.catalog.models import Department, Service
from civic311.catalog.selectors import service_ids
from civic311.core.sql import column, time_bounds
from civic311.exports.query import ExportQuery
from civic311.open311 import selectors as open311
from civic311.service_requests.models import RequestEvent, ServiceRequest

CHUNK = 2000

# What a CSV or GeoJSON row is read from, in this order (see `chicago_row`).
CSV_FIELDS = (
    "id",
    "tracking_number",
    "service_name",
    "service_code",
    "department",
    "status",
    "channel",
    "requested_datetime",
    "updated_datetime",
    "closed_datetime",
    "address",
    "zipcode",
    "duplicate_of_id",
    "community_area_id",
    "ward_id",
    "lat",
    "long",
    "parent_number",
    "created_department",
)


@cache
def _csv_sql(vendor: str) -> str:
    sr = ServiceRequest
    # Every CSV field but these is a column of the request itself.
    joined = {"service_name", "service_code", "department", "parent_number", "created_department"}
    columns = {name: f"r.{column(sr, name)}" for name in CSV_FIELDS if name not in joined}
    if vendor == "sqlite":
        # As text: Django's SQLite converter parses each datetime with a regular expression,
        # which alone would cost more than the rest of a CSV row; the writer parses the text.
        for name in ("requested_datetime", "updated_datetime", "closed_datetime"):
            columns[name] = f"({columns[name]} || '')"
    event = RequestEvent
    columns |= {
        "service_name": f"s.{column(Service, 'name')}",
        "service_code": f"s.{column(Service, 'service_code')}",
        "department": f"d.{column(Department, 'public_name')}",
        "parent_number": f"parent.{column(sr, 'tracking_number')}",
        # The department a transferred request was filed with: its first public transfer's.
        "created_department": (
            f'(SELECT e.{column(event, "from_value")} FROM "{event._meta.db_table}" e'
            f' WHERE e.{column(event, "request")} = r."id"'
            f" AND e.{column(event, 'type')} = '{event.Type.TRANSFERRED.value}'"
            f" AND e.{column(event, 'is_public')} = TRUE"
            f' ORDER BY e.{column(event, "created_at")}, e."id" LIMIT 1)'
        ),
    }
    table = f'"{sr._meta.db_table}"'
    return (
        f"SELECT {', '.join(columns[name] for name in CSV_FIELDS)} FROM {table} r"
        f' JOIN "{Service._meta.db_table}" s ON s."id" = r.{column(sr, "service")}'
        f' JOIN "{Department._meta.db_table}" d ON d."id" = r.{column(sr, "department")}'
        f' LEFT JOIN {table} parent ON parent."id" = r.{column(sr, "duplicate_of")}'
        f" WHERE r.{column(sr, 'is_test')} = %s"
    )


def _conditions(query: ExportQuery) -> tuple[str, list[Any]]:
    """`AND …` SQL on the alias r for the query's filters, and its parameters."""
    sr = ServiceRequest
    sql, params = time_bounds(
        "r",
        sr,
        [
            ("requested_datetime", ">=", query.created_after),
            ("requested_datetime", "<=", query.created_before),
            ("updated_datetime", ">=", query.updated_after),
            ("updated_datetime", "<=", query.updated_before),
        ],
    )
    chosen: list[tuple[str, list[Any]]] = [
        ("status", list(query.statuses)),
        ("ward", list(query.wards)),
        ("community_area", list(query.community_areas)),
    ]
    if query.service_codes:
        # A service code that names no service matches nothing.
        chosen.append(("service", service_ids(query.service_codes) or [None]))
    for field, values in chosen:
        if values:
            sql += f" AND r.{column(sr, field)} IN ({', '.join(['%s'] * len(values))})"
            params += values
    return sql, params


def _after(cursor: tuple[Any, int] | None) -> tuple[str, list[Any]]:
    if cursor is None:
        return "", []
    return ' AND (r."updated_datetime", r."id") > (%s, %s)', [cursor[0], cursor[1]]


def csv_chunks(query: ExportQuery, *, chunk: int = CHUNK) -> Iterator[list[tuple[Any, ...]]]:
    """Every public request the query selects, as CSV_FIELDS tuples, a chunk at a time."""
    conditions, params = _conditions(query)
    order = ' ORDER BY r."updated_datetime", r."id" LIMIT %s'
    cursor_at: tuple[Any, int] | None = None
    updated, ident = CSV_FIELDS.index("updated_datetime"), CSV_FIELDS.index("id")
    while True:
        keyset, keyset_params = _after(cursor_at)
        with connection.cursor() as cursor:
            cursor.execute(
                _csv_sql(connection.vendor) + conditions + keyset + order,
                [False, *params, *keyset_params, chunk],
            )
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        if len(rows) < chunk:
            return
        cursor_at = (rows[-1][updated], rows[-1][ident])


def record_chunks(query: ExportQuery, *, chunk: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    """Every public request the query selects, as the API's record rows, a chunk at a time."""
    conditions, params = _conditions(query)
    adapt = connection.ops.adapt_datetimefield_value
    cursor_at: tuple[Any, int] | None = None
    while True:
        keyset, keyset_params = _after(cursor_at)
        rows = open311.production_records(
            conditions + keyset, [*params, *keyset_params], limit=chunk
        )
        if not rows:
            return
        yield rows
        if len(rows) < chunk:
            return
        cursor_at = (adapt(rows[-1]["updated_datetime"]), rows[-1]["id"])


@dataclass(frozen=True)
class Freshness:
    """When the selection last changed, for ETag and Last-Modified."""

    last_updated: dt.datetime | None
    last_id: int


def freshness(query: ExportQuery) -> Freshness:
    """The newest update and the highest id in the selection (one aggregate query)."""
    rows = ServiceRequest.city.all()
    rows = _filtered(rows, query)
    found = rows.aggregate(last=Max("updated_datetime"), max_id=Max("id"))
    return Freshness(last_updated=found["last"], last_id=found["max_id"] or 0)


def _filtered(rows: Any, query: ExportQuery) -> Any:
    lookups = {
        "requested_datetime__gte": query.created_after,
        "requested_datetime__lte": query.created_before,
        "updated_datetime__gte": query.updated_after,
        "updated_datetime__lte": query.updated_before,
    }
    rows = rows.filter(**{k: v for k, v in lookups.items() if v is not None})
    if query.service_codes:
        rows = rows.filter(service__service_code__in=query.service_codes)
    if query.statuses:
        rows = rows.filter(status__in=query.statuses)
    if query.wards:
        rows = rows.filter(ward_id__in=query.wards)
    if query.community_areas:
        rows = rows.filter(community_area_id__in=query.community_areas)
    return rows


def count(query: ExportQuery) -> int:
    """How many public requests the query selects (for a progress bar)."""
    return _filtered(ServiceRequest.city.all(), query).count()
