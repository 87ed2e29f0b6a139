"""Reads for the GeoReport API: plain rows (values()), a fixed number of queries per call.

The hot paths (one request by id, a filtered list) read dictionaries, never
model instances, and never read the requester's private fields. Every read
takes `sandbox`: the production API sees only real requests, the sandbox only
test ones.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from civic311.catalog.models import AttributeValue, Service, ServiceAttribute
from civic311.core.errors import NotFound
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
_RECORD_JOINS = {
    "service_code": F("service__service_code"),
    "service_name": F("service__name"),
    "agency": F("department__public_name"),
}
_EXTENSION_FIELDS = ("service_id", "attributes", "channel", "ward_id", "duplicate_of_id")
_EXTENSION_JOINS = {"parent_number": F("duplicate_of__tracking_number")}


def services() -> list[Row]:
    """Active services, alphabetically by name (one query)."""
    has_attributes = Exists(ServiceAttribute.objects.filter(service=OuterRef("pk")))
    rows = list(
        Service.objects.filter(active=True)
        .annotate(has_attributes=has_attributes)
        .values(
            "service_code", "name", "description", "keywords", "group", "type", "has_attributes"
        )
    )
    return sorted(rows, key=lambda row: (row["name"].casefold(), row["service_code"]))


def active_service(service_code: str) -> Service:
    """The active service with this code, or NotFound."""
    try:
        return Service.objects.get(service_code=service_code, active=True)
    except Service.DoesNotExist:
        raise NotFound(f"service_code {service_code} not found") from None


def definition_attributes(service: Service) -> list[Row]:
    """A service's attributes in order, each with its list values (two queries)."""
    attributes = list(
        ServiceAttribute.objects.filter(service=service)
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
    )
    values: dict[int, list[tuple[str, str]]] = defaultdict(list)
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
    """The stored name of the first photo matching (a resident's, for media_url)."""
    photos = Photo.objects.filter(**match).order_by("created_at", "id").values("image")[:1]
    return Subquery(photos)


def _records(sandbox: bool, extensions: bool) -> QuerySet:
    fields = _RECORD_FIELDS
    joins: dict[str, Any] = {
        **_RECORD_JOINS,
        "photo": _first_photo(request=OuterRef("pk"), kind=Photo.Kind.RESIDENT),
    }
    if extensions:
        fields += _EXTENSION_FIELDS
        joins.update(_EXTENSION_JOINS)
    return ServiceRequest.objects.filter(is_test=sandbox).values(*fields, **joins)


def _status_filter(statuses: frozenset[str]) -> Q:
    if statuses == {"open"}:
        return Q(status__in=workflow.OPEN_STATUSES)
    if statuses == {"closed"}:
        return Q(status__in=workflow.CLOSED_STATUSES)
    return Q()


def requests(query: RequestQuery, *, sandbox: bool) -> list[Row]:
    """GET requests: one page of records, newest first (one query)."""
    rows = _records(sandbox, query.extensions).order_by("-requested_datetime", "-id")
    if query.ids:
        return list(rows.filter(tracking_number__in=query.ids)[:MAX_ROWS])
    if query.service_codes:
        codes = Service.objects.filter(service_code__in=query.service_codes).values("pk")
        rows = rows.filter(service_id__in=codes)
    rows = rows.filter(_status_filter(query.statuses))
    bounds = {
        "requested_datetime__gte": query.start,
        "requested_datetime__lte": query.end,
        "updated_datetime__gte": query.updated_after,
        "updated_datetime__lte": query.updated_before,
    }
    rows = rows.filter(**{k: v for k, v in bounds.items() if v is not None})
    return list(rows[query.offset : query.offset + query.page_size])


def request(tracking_number: str, *, sandbox: bool, extensions: bool) -> Row:
    """One request record by tracking number (one query), or NotFound."""
    rows = list(_records(sandbox, extensions).filter(tracking_number=tracking_number)[:1])
    if not rows:
        raise NotFound(f"service_request_id {tracking_number} not found")
    return rows[0]


def token(value: str, *, sandbox: bool) -> str:
    """The tracking number a POST token stands for, or NotFound."""
    numbers = list(
        ServiceRequest.objects.filter(token=value, is_test=sandbox).values_list(
            "tracking_number", flat=True
        )[:1]
    )
    if not numbers:
        raise NotFound(f"token {value} not found")
    return numbers[0]


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
        photos[row["request_id"]].append(row)
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
