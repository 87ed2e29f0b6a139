"""Reads for the GeoReport API: plain rows, a fixed number of queries per call.

The hot paths (one request by id, a filtered list, a token) run SQL written
once on a cursor; the rest read values(). Nothing here reads model instances on
a hot path, and nothing ever selects the requester's private fields. Every read
takes `sandbox`: the production API sees only real requests, the sandbox only
test ones.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from functools import cache
from typing import Any

import orjson
from django.db import connection
from django.db.models import Exists, F, OuterRef, Subquery

from civic311.catalog.models import AttributeValue, Department, Service, ServiceAttribute
from civic311.catalog.selectors import service_ids
from civic311.core.errors import NotFound
from civic311.core.sql import column, time_bounds
from civic311.media.models import Photo
from civic311.open311.keys import hash_key
from civic311.open311.models import ApiClient
from civic311.open311.params import MAX_ROWS, RequestQuery, UpdatesQuery
from civic311.service_requests import workflow
from civic311.service_requests.models import RequestEvent, ServiceRequest

Row = dict[str, Any]

# What a request record is read from: no requester field is ever selected.
_RECORD_FIELDS = (
    "id",
    "tracking_number",
    "status",
    "status_notes",
    "description",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_urls",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
)
_EXTENSION_FIELDS = (
    "service_id",
    "attributes",
    "channel",
    "ward_id",
    "community_area_id",
    "duplicate_of_id",
    "address_derived",
    "location_precision",
)


def services() -> list[Row]:
    """Active services, alphabetically by name (one query)."""
    has_attributes = Exists(ServiceAttribute.objects.filter(service=OuterRef("pk")))
    rows = [
        dict(row)
        for row in Service.objects.filter(active=True)
        .annotate(has_attributes=has_attributes)
        .values(
            "service_code", "name", "description", "keywords", "group", "type", "has_attributes"
        )
    ]
    return sorted(rows, key=lambda row: (row["name"].casefold(), row["service_code"]))


def active_service(service_code: str) -> Service:
    """The active service with this code, or NotFound."""
    try:
        return Service.objects.get(service_code=service_code, active=True)
    except Service.DoesNotExist:
        raise NotFound(f"service_code {service_code} not found") from None


def definition_attributes(service: Service) -> list[Row]:
    """A service's attributes in order, each with its list values (two queries)."""
    attributes = [
        dict(row)
        for row in ServiceAttribute.objects.filter(service=service)
        .order_by("order")
        .values(
            "id",
            "code",
            "datatype",
            "required",
            "variable",
            "order",
            "description",
            "datatype_description",
        )
    ]
    values: dict[Any, list[tuple[str, str]]] = defaultdict(list)
    for attribute_id, key, name in (
        AttributeValue.objects.filter(attribute__service=service)
        .order_by("order", "id")
        .values_list("attribute_id", "key", "name")
    ):
        values[attribute_id].append((key, name))
    for attribute in attributes:
        attribute["values"] = values[attribute["id"]]
    return attributes


def _first_photo(**match: Any) -> Subquery:
    """The stored name of the first photo matching (for an update's media_url)."""
    photos = Photo.objects.filter(**match).order_by("created_at", "id").values("image")[:1]
    return Subquery(photos)


# --- the hot paths: plain SQL over a cursor -----------------------------------------
#
# One request by id and the filtered list are most of the API's traffic. Building them as
# querysets costs more than running them (Django compiles the SQL on every call), so their
# SQL is written once, from the models' own table and column names, and run on a cursor.


@cache
def _record_sql(extensions: bool) -> str:
    """SELECT … FROM requests r (+ joins) for request records; the WHERE is appended."""
    sr, photo = ServiceRequest, Photo
    columns = [f'r.{column(sr, name)} AS "{name}"' for name in _RECORD_FIELDS]
    columns += [
        f"s.{column(Service, 'service_code')} AS service_code",
        f"s.{column(Service, 'name')} AS service_name",
        f"d.{column(Department, 'public_name')} AS agency",
        # The first resident photo, for media_url (an index on request_id serves it).
        f'(SELECT p.{column(photo, "image")} FROM "{photo._meta.db_table}" p'
        f' WHERE p.{column(photo, "request")} = r."id" AND p.{column(photo, "kind")} = %s'
        f' ORDER BY p.{column(photo, "created_at")}, p."id" LIMIT 1) AS photo',
    ]
    joins = [
        f'JOIN "{Service._meta.db_table}" s ON s."id" = r.{column(sr, "service")}',
        f'JOIN "{Department._meta.db_table}" d ON d."id" = r.{column(sr, "department")}',
    ]
    if extensions:
        columns += [f'r.{column(sr, name)} AS "{name}"' for name in _EXTENSION_FIELDS]
        columns.append(f"parent.{column(sr, 'tracking_number')} AS parent_number")
        joins.append(
            f'LEFT JOIN "{sr._meta.db_table}" parent '
            f'ON parent."id" = r.{column(sr, "duplicate_of")}'
        )
    return (
        f'SELECT {", ".join(columns)} FROM "{sr._meta.db_table}" r {" ".join(joins)} '
        f"WHERE r.{column(sr, 'is_test')} = %s"
    )


_JSON_FIELDS = ("media_urls", "attributes")
_DATETIME_FIELDS = ("requested_datetime", "updated_datetime", "expected_datetime")


def _rows(sql: str, params: list[Any]) -> list[Row]:
    """Run `sql` and read each row as a dict, with JSON and datetimes decoded."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    for row in rows:
        for name in _JSON_FIELDS:
            if isinstance(row.get(name), str):
                row[name] = orjson.loads(row[name])
        for name in _DATETIME_FIELDS:
            row[name] = _aware(row[name])
    return rows


def _aware(value: Any) -> dt.datetime | None:
    """A datetime as the database gave it (SQLite: naive UTC; PostgreSQL: aware)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _in(column: str, values: Sequence[Any]) -> str:
    return f"{column} IN ({', '.join(['%s'] * len(values))})"


_STATUSES = {"open": workflow.OPEN_STATUSES, "closed": workflow.CLOSED_STATUSES}
_ORDER = ' ORDER BY r."requested_datetime" DESC, r."id" DESC'
# A harvest (updated_after / updated_before) reads the (updated, id) index, newest change
# first: its pages cost what the harvest holds, not what the table holds, and a row changed
# while a client pages moves to page 1 (already read; the next harvest has it) instead of
# shifting an unread row onto a page already read.
_HARVEST_ORDER = ' ORDER BY r."updated_datetime" DESC, r."id" DESC'


def requests(query: RequestQuery, *, sandbox: bool) -> list[Row]:
    """GET requests: one page of records, newest first (one query)."""
    sql, params = _record_sql(query.extensions), [Photo.Kind.RESIDENT.value, sandbox]
    sr = ServiceRequest
    if query.ids:
        sql += f" AND {_in('r.' + column(sr, 'tracking_number'), query.ids)}{_ORDER} LIMIT %s"
        return _rows(sql, [*params, *query.ids, MAX_ROWS])
    if query.service_codes:
        # Ids, not a subquery: given them, SQLite walks the (service, requested) index newest
        # first and stops after a page; with the subquery it read the whole window of every
        # service and sorted it (1M rows: p99 52 ms against 19 ms; docs/performance.md).
        wanted = service_ids(query.service_codes)
        if not wanted:
            return []
        sql += f" AND {_in('r.' + column(sr, 'service'), wanted)}"
        params += wanted
    for status in query.statuses:
        chosen = sorted(_STATUSES[status])
        sql += f" AND {_in('r.' + column(sr, 'status'), chosen)}"
        params += chosen
    window, moments = time_bounds(
        "r",
        sr,
        [
            ("requested_datetime", ">=", query.start),
            ("requested_datetime", "<=", query.end),
            ("updated_datetime", ">=", query.updated_after),
            ("updated_datetime", "<=", query.updated_before),
        ],
    )
    sql, params = sql + window, params + moments
    if query.updated_after is None and query.updated_before is None:
        sql += f"{_ORDER} LIMIT %s OFFSET %s"
        return _rows(sql, [*params, query.page_size, query.offset])
    return _rows(*_harvest_page(sql, params, query))


def _harvest_page(sql: str, params: list[Any], query: RequestQuery) -> tuple[str, list[Any]]:
    """The page's ids first, from the index alone, then only their records: the rows a deep
    page skips never have their joins and photo subquery computed."""
    head, _, conditions = sql.rpartition(" WHERE ")  # the last WHERE: the photo's is inside
    table = f'"{ServiceRequest._meta.db_table}"'
    ids = f'SELECT r."id" FROM {table} r WHERE {conditions}{_HARVEST_ORDER} LIMIT %s OFFSET %s'
    outer = f'{head} WHERE r."id" IN ({ids}){_HARVEST_ORDER}'
    # The photo kind comes first, in the head; the filters' parameters follow, now inside.
    return outer, [*params, query.page_size, query.offset]


def production_records(conditions: str, params: Sequence[Any], *, limit: int) -> list[Row]:
    """Production request records with extensions where `conditions` (SQL on the alias `r`,
    starting with AND) hold, in (updated, id) order: the open-data export's reader."""
    sql = (
        f"{_record_sql(True)}{conditions}"
        f' ORDER BY r.{column(ServiceRequest, "updated_datetime")}, r."id" LIMIT %s'
    )
    return _rows(sql, [Photo.Kind.RESIDENT.value, False, *params, limit])


def request(tracking_number: str, *, sandbox: bool, extensions: bool) -> Row:
    """One request record by tracking number (one query), or NotFound."""
    sql = f"{_record_sql(extensions)} AND r.{column(ServiceRequest, 'tracking_number')} = %s"
    rows = _rows(sql, [Photo.Kind.RESIDENT.value, sandbox, tracking_number])
    if not rows:
        raise NotFound(f"service_request_id {tracking_number} not found")
    return rows[0]


@cache
def _token_sql() -> str:
    sr = ServiceRequest
    return (
        f'SELECT {column(sr, "tracking_number")} FROM "{sr._meta.db_table}" '
        f"WHERE {column(sr, 'token')} = %s AND {column(sr, 'is_test')} = %s"
    )


def token(value: str, *, sandbox: bool) -> str:
    """The tracking number a POST token stands for, or NotFound (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(_token_sql(), [value, sandbox])
        found = cursor.fetchone()
    if found is None:
        raise NotFound(f"token {value} not found")
    return found[0]


def private_attribute_codes() -> dict[int, frozenset[str]]:
    """Codes of answers never published, by service id (one query)."""
    codes: dict[int, set[str]] = defaultdict(set)
    for service_id, code in ServiceAttribute.objects.filter(private=True).values_list(
        "service_id", "code"
    ):
        codes[service_id].add(code)
    return {service_id: frozenset(found) for service_id, found in codes.items()}


_EVENT_FIELDS = (
    "id",
    "request_id",
    "type",
    "created_at",
    "summary",
    "description",
    "from_value",
    "to_value",
    "status_after",
    "details",
)


def public_events_by_request(request_ids: list[int]) -> dict[int, list[RequestEvent]]:
    """The public timeline of several requests at once, oldest first (one query)."""
    events: dict[int, list[RequestEvent]] = defaultdict(list)
    if not request_ids:
        return events
    for event in (
        RequestEvent.objects.filter(request_id__in=request_ids, is_public=True)
        .only(*_EVENT_FIELDS)
        .order_by("created_at", "id")
    ):
        events[event.request_id].append(event)
    return events


def photos_by_request(request_ids: list[int]) -> dict[int, list[Row]]:
    """The photos of several requests at once, oldest first (one query)."""
    photos: dict[int, list[Row]] = defaultdict(list)
    if not request_ids:
        return photos
    for row in (
        Photo.objects.filter(request_id__in=request_ids)
        .order_by("created_at", "id")
        .values("request_id", "image", "thumbnail", "width", "height", "kind", "created_at")
    ):
        photos[row["request_id"]].append(dict(row))
    return photos


def updates(query: UpdatesQuery, *, sandbox: bool) -> list[RequestEvent]:
    """mySociety's update feed: public events after filing, oldest first (one query)."""
    events = (
        RequestEvent.objects.filter(
            is_public=True, request__is_test=sandbox, created_at__gte=query.start
        )
        .exclude(type=RequestEvent.Type.SUBMITTED)
        .annotate(
            tracking_number=F("request__tracking_number"),
            photo=_first_photo(event=OuterRef("pk")),
        )
        .only(*_EVENT_FIELDS)
        .order_by("created_at", "id")
    )
    if query.end is not None:
        events = events.filter(created_at__lte=query.end)
    if query.ids:
        events = events.filter(request__tracking_number__in=query.ids)
    return list(events[query.offset : query.offset + query.page_size])


def client_for_key(secret: str) -> ApiClient | None:
    """The API client holding this key (revoked or not), or None (one query)."""
    return ApiClient.objects.filter(key_hash=hash_key(secret)).first()


def request_for_update(tracking_number: str, *, sandbox: bool) -> ServiceRequest:
    """The request a client's update is about, or NotFound."""
    try:
        return ServiceRequest.objects.get(tracking_number=tracking_number, is_test=sandbox)
    except ServiceRequest.DoesNotExist:
        raise NotFound(f"service_request_id {tracking_number} not found") from None
