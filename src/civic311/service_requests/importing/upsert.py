"""Writing imported requests in batches, keyed on the city's own number.

A batch is one transaction: a crash or Ctrl-C loses at most the batch being written,
and a rerun of the same file finds the written rows unchanged and goes on. A row whose
number is stored already updates only what changed (with a timeline step when its
status did). A duplicate whose parent is not in yet waits, its parent's number kept on
its first timeline step, and is linked when the parent arrives, in any order.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import translation

from civic311.core import bulk_insert
from civic311.geo import lookup
from civic311.geo.addresses import address_key
from civic311.geo.models import CommunityArea, Ward
from civic311.service_requests import workflow
from civic311.service_requests.importing.catalogue import CatalogueIndex
from civic311.service_requests.importing.records import ImportedRequest
from civic311.service_requests.models import Channel, RequestEvent, ServiceRequest

Event = RequestEvent.Type
SOURCES = {
    "chicago-open-data": "Imported from the city's open data",
    "open311-harvest": "Imported from an Open311 harvest",
}
# The columns an import writes; comparing them tells an unchanged row from an update.
FIELDS = (
    "service_id",
    "department_id",
    "status",
    "status_notes",
    "description",
    "channel",
    "address",
    "street_key",
    "address_block",
    "zipcode",
    "lat",
    "long",
    "ward_id",
    "community_area_id",
    "location_precision",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "closed_datetime",
)


@dataclass
class ImportContext:
    """What every batch of one import needs: the catalogue, the known areas, who imports."""

    source: str
    catalogue: CatalogueIndex = field(default_factory=CatalogueIndex)
    wards: frozenset[int] = field(
        default_factory=lambda: frozenset(Ward.objects.values_list("number", flat=True))
    )
    community_areas: frozenset[int] = field(
        default_factory=lambda: frozenset(CommunityArea.objects.values_list("number", flat=True))
    )

    @property
    def label(self) -> str:
        """How the timeline names the import."""
        return SOURCES[self.source]


@dataclass
class BatchResult:
    """How many rows of a batch made a new request, changed one, or changed nothing."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


def write_batch(rows: list[ImportedRequest], context: ImportContext) -> BatchResult:
    """Create or update the batch's requests and their timelines in one transaction."""
    latest = {row.tracking_number: row for row in rows}  # a number twice: the later row wins
    result = BatchResult()
    with transaction.atomic():
        # Compared as plain values: most rows of a daily refresh are unchanged, and loading
        # each as a model object cost more than the rest of the comparison.
        stored = {
            values["tracking_number"]: values
            for values in ServiceRequest.objects.filter(tracking_number__in=list(latest)).values(
                "tracking_number", *FIELDS
            )
        }
        areas = _areas(list(latest.values()), context)
        created: list[tuple[ImportedRequest, dict[str, Any]]] = []
        updates: dict[str, dict[str, Any]] = {}
        for number, row in latest.items():
            values = _values(row, context, *areas[number])
            before = stored.get(number)
            if before is None:
                created.append((row, {**values, "tracking_number": number}))
            elif any(before[name] != value for name, value in values.items()):
                updates[number] = values
            else:
                result.unchanged += 1
        changed, events = _apply(updates, latest, context)
        _insert_requests([values for _, values in created])
        for row, values in created:
            events.extend(_first_events(values, row, context))
        ServiceRequest.objects.bulk_update(changed, FIELDS)
        bulk_insert.insert_values(RequestEvent, events)
        _link_duplicates({r.tracking_number: r.parent_number for r in latest.values()})
    result.created, result.updated = len(created), len(changed)
    return result


def _apply(
    updates: dict[str, dict[str, Any]],
    rows: dict[str, ImportedRequest],
    context: ImportContext,
) -> tuple[list[ServiceRequest], list[dict[str, Any]]]:
    """The stored requests with their new values set, and the timeline steps for new statuses."""
    changed = list(ServiceRequest.objects.filter(tracking_number__in=list(updates)))
    events = []
    for request in changed:
        was = request.status
        _assign(request, updates[request.tracking_number])
        if was != request.status:
            events.append(_status_event(request, was, rows[request.tracking_number], context))
    return changed, events


def _insert_requests(requests: list[dict[str, Any]]) -> None:
    """Insert new requests, each with a fresh token, and put each one's new id in its values."""
    for values in requests:
        values["token"] = secrets.token_hex(12)
    bulk_insert.insert_values(ServiceRequest, requests)
    ids = dict(
        ServiceRequest.objects.filter(
            tracking_number__in=[values["tracking_number"] for values in requests]
        ).values_list("tracking_number", "id")
    )
    for values in requests:
        values["id"] = ids[values["tracking_number"]]


def link_waiting_duplicates() -> int:
    """Link every imported duplicate whose parent has arrived since; how many were linked."""
    waiting = RequestEvent.objects.filter(
        type=Event.SUBMITTED,
        details__has_key="parent_sr_number",
        request__status=workflow.Status.DUPLICATE,
        request__duplicate_of__isnull=True,
    ).values_list("request__tracking_number", "details")
    parents = {number: details["parent_sr_number"] for number, details in waiting.iterator()}
    with transaction.atomic():
        return _link_duplicates(parents)


def _link_duplicates(parent_numbers: dict[str, str]) -> int:
    """Point each duplicate at its parent where the parent is stored; how many changed."""
    wanted = {child: parent for child, parent in parent_numbers.items() if parent}
    if not wanted:
        return 0
    parents = ServiceRequest.objects.in_bulk(set(wanted.values()), field_name="tracking_number")
    children = ServiceRequest.objects.filter(
        tracking_number__in=[c for c, p in wanted.items() if p in parents],
        status=workflow.Status.DUPLICATE,
    ).only("id", "tracking_number", "duplicate_of_id")
    relinked = []
    for child in children:
        parent = parents[wanted[child.tracking_number]]
        if child.duplicate_of_id != parent.pk and parent.pk != child.pk:
            child.duplicate_of_id = parent.pk
            relinked.append(child)
    ServiceRequest.objects.bulk_update(relinked, ["duplicate_of"])
    return len(relinked)


def _areas(
    rows: list[ImportedRequest], context: ImportContext
) -> dict[str, tuple[int | None, int | None]]:
    """Each row's ward and community area: from its point by the shipped shapes, in one
    vectorised lookup per batch; the city's own record for a row without a point."""
    points = {
        row.tracking_number: (row.lat, row.long)
        for row in rows
        if row.lat is not None and row.long is not None
    }
    wards = dict(zip(points, lookup.wards_at(list(points.values())), strict=True))
    areas = dict(zip(points, lookup.community_areas_at(list(points.values())), strict=True))
    return {
        row.tracking_number: (
            wards.get(row.tracking_number) or _known(row.ward, context.wards),
            areas.get(row.tracking_number) or _known(row.community_area, context.community_areas),
        )
        for row in rows
    }


def _known(recorded: int | None, known: frozenset[int]) -> int | None:
    return recorded if recorded in known else None


def _values(
    row: ImportedRequest, context: ImportContext, ward: int | None, community_area: int | None
) -> dict[str, Any]:
    service = context.catalogue.service_for(row.service_code, row.service_name, row.department_name)
    department = context.catalogue.department_for(row.department_name, fallback=service.department)
    key = address_key(row.address)
    has_point = row.lat is not None and row.long is not None
    target = service.target_days
    return {
        "service_id": service.pk,
        "department_id": department.pk,
        "status": row.status,
        "status_notes": row.status_notes,
        "description": row.description,
        "channel": row.channel,
        "address": row.address[:300],
        "street_key": key.street,
        "address_block": key.block,
        "zipcode": row.zipcode,
        "lat": row.lat,
        "long": row.long,
        "ward_id": ward,
        "community_area_id": community_area,
        "location_precision": "address" if has_point and key.names_a_house else "",
        "requested_datetime": row.requested,
        "updated_datetime": row.updated,
        # In UTC: days added to a Chicago wall-clock time that crosses a clock change land on
        # an hour that does not exist, and would read back as a different moment.
        "expected_datetime": row.requested.astimezone(dt.UTC) + dt.timedelta(days=target)
        if target
        else None,
        "closed_datetime": row.closed,
    }


def _assign(request: ServiceRequest, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(request, name, value)


def _first_events(
    request: dict[str, Any], row: ImportedRequest, context: ImportContext
) -> list[dict[str, Any]]:
    """Submitted, and closed or marked duplicate: the timeline an imported request starts with."""
    channel = _channel_words(request["channel"])
    submitted = _event(
        request["id"], Event.SUBMITTED, f"Request submitted via {channel}", context, row.requested
    )
    submitted.update(status_after=workflow.Status.OPEN, to_value=request["channel"])
    if row.parent_number:
        submitted["details"] = {**submitted["details"], "parent_sr_number": row.parent_number}
    if request["closed_datetime"] is None:
        return [submitted]
    closing = _closing_event(request["id"], request["status"], row, context, was="open")
    return [submitted, closing]


def _status_event(
    request: ServiceRequest, was: str, row: ImportedRequest, context: ImportContext
) -> dict[str, Any]:
    """The step a newer file records: closed, reopened or a new status."""
    if request.closed_datetime is not None and workflow.is_open(was):
        return _closing_event(request.pk, request.status, row, context, was=was)
    if request.is_open and not workflow.is_open(was):
        event = _event(request.pk, Event.REOPENED, "Request reopened", context, row.updated)
    else:
        summary = f"Status changed to {_status_words(request.status)}"
        event = _event(request.pk, Event.STATUS_CHANGED, summary, context, row.updated)
    event.update(from_value=was, to_value=request.status, status_after=request.status)
    return event


def _closing_event(
    request_id: int, status: str, row: ImportedRequest, context: ImportContext, *, was: str
) -> dict[str, Any]:
    """Closed, or closed as a duplicate of the row's parent (by number: it may not be in yet)."""
    at = row.closed or row.updated
    if status == workflow.Status.DUPLICATE and row.parent_number:
        summary = f"Closed as a duplicate of {row.parent_number}"
        event = _event(request_id, Event.DUPLICATE_MARKED, summary, context, at)
        event["to_value"] = row.parent_number
    else:
        summary = f"Request closed: {_status_words(status)}"
        event = _event(request_id, Event.CLOSED, summary, context, at)
        event["to_value"] = status
    event.update(from_value=was, status_after=status)
    return event


def _event(
    request_id: int, type: str, summary: str, context: ImportContext, at: dt.datetime
) -> dict[str, Any]:
    """A timeline step's columns; the ones left out take the model's defaults."""
    return {
        "request_id": request_id,
        "type": type,
        "created_at": at,
        "actor_label": context.label,
        "summary": summary[:300],
        "description": context.label + ".",
        "details": {"imported": context.source},
    }


@functools.cache
def _status_words(status: str) -> str:
    with translation.override("en"):
        return str(workflow.Status(status).label)


@functools.cache
def _channel_words(channel: str) -> str:
    with translation.override("en"):
        return str(Channel(channel).label)
