"""Placing stored requests filed before geocoding: a point for an address, an address for a point.

`civic311 geocode-backfill` runs this. It walks the requests that lack either, by id
in batches: geocoding happens outside any transaction (it may ask an external
server), then each batch is written in one short transaction with an internal
`location_corrected` event per request, so staff see in the timeline how the place
was found. Safe to rerun: a placed request no longer matches, so a second run finds
only the ones that could not be placed. Their department is left as it is (they are
already being worked); their ward is set, so they join their ward's queue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from civic311.core import clock
from civic311.core.errors import ValidationFailed
from civic311.geo import lookup
from civic311.geo import services as places
from civic311.geo.addresses import address_key
from civic311.service_requests.models import RequestEvent, ServiceRequest

BATCH_SIZE = 500
ACTOR = "civic311 geocode-backfill"
_FIELDS = ("id", "tracking_number", "status", "address", "address_id", "zipcode", "lat", "long")


@dataclass
class BackfillSummary:
    """What a run did: requests given a point, given an address, and those it could not place."""

    located: int = 0  # had an address only, now have a point and a ward
    named: int = 0  # had a point only, now have an address
    failed: list[tuple[str, str]] = field(default_factory=list)  # (tracking number, why)


def unplaced() -> QuerySet[ServiceRequest]:
    """Requests without a point or without an address."""
    return ServiceRequest.objects.filter(Q(lat__isnull=True) | Q(long__isnull=True) | Q(address=""))


def backfill_locations(
    *, batch_size: int = BATCH_SIZE, progress: Callable[[int], None] = lambda done: None
) -> BackfillSummary:
    """Place every request that lacks a point or an address; `progress(n)` after each batch."""
    summary = BackfillSummary()
    last_id = 0
    while True:
        rows = list(unplaced().filter(pk__gt=last_id).order_by("pk").values(*_FIELDS)[:batch_size])
        if not rows:
            return summary
        placed = [(row, place) for row in rows if (place := _place(row, summary)) is not None]
        with transaction.atomic():
            for row, place in placed:
                _write(row, place)
        last_id = rows[-1]["id"]
        progress(len(rows))


def _place(row: dict[str, Any], summary: BackfillSummary) -> places.Located | None:
    """Where a stored request is, or None (recorded in `summary`) when it cannot be placed."""
    has_point = row["lat"] is not None and row["long"] is not None
    text = row["address"] or (row["address_id"] if _reads_as_address(row["address_id"]) else "")
    if not has_point and not text:
        summary.failed.append((row["tracking_number"], "no point and no street address"))
        return None
    try:
        if has_point:
            place = places.locate(lat=row["lat"], long=row["long"])
        else:
            place = places.locate(address=text)
    except ValidationFailed as problem:
        summary.failed.append((row["tracking_number"], f"{text}: {problem.message}"))
        return None
    if not has_point and place.ward is None and lookup.has_boundaries():
        summary.failed.append((row["tracking_number"], f"{text}: outside every ward"))
        return None
    if has_point:
        summary.named += 1
    else:
        summary.located += 1
    return place


def _reads_as_address(text: str) -> bool:
    return address_key(text).names_a_house


def _write(row: dict[str, Any], place: places.Located) -> None:
    derived = not row["address"]
    address = row["address"] or place.address or places.point_address(place.lat, place.long)
    key = address_key(address)
    changes: dict[str, Any] = {
        "lat": place.lat,
        "long": place.long,
        "address": address,
        "address_derived": derived,
        "street_key": key.street,
        "address_block": key.block,
        "location_precision": place.precision.value,
        "zipcode": row["zipcode"] or place.zipcode,
    }
    if place.ward is not None:
        changes["ward_id"] = place.ward
    ServiceRequest.objects.filter(pk=row["id"]).update(**changes)
    RequestEvent.objects.create(
        request_id=row["id"],
        type=RequestEvent.Type.LOCATION_CORRECTED,
        created_at=clock.now(),
        actor_label=ACTOR,
        is_public=False,
        summary=(
            f"Address found from the point: {address}"
            if derived
            else f"Placed on the map: {address}"
        ),
        to_value=f"{place.lat:.6f},{place.long:.6f}",
        status_after=row["status"],
        details={"precision": place.precision.value, "source": place.source, "derived": derived},
    )
