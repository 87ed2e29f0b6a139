"""Reads behind the resident pages, each a fixed, small number of queries.

Sandbox requests (`is_test`) never reach a public page: every read here
leaves them out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter

from django.db.models import ExpressionWrapper, F, FloatField, QuerySet

from civic311.catalog.models import Service
from civic311.catalog.selectors import active_services, department_names
from civic311.catalog.translation import localized
from civic311.core.errors import NotFound
from civic311.geo.distance import METRES_PER_DEGREE_LAT, box_around, metres_per_degree_long
from civic311.geo.models import Ward
from civic311.media.models import Photo
from civic311.public.models import ReportDraft
from civic311.service_requests import workflow
from civic311.service_requests.models import RequestEvent, ServiceRequest

RECENT_PAGE_SIZE = 25
NEAR_RADIUS_M = 1000  # "near" on the home page: about ten minutes' walk


@dataclass(frozen=True)
class ServiceGroup:
    """Services under one heading of the "what is the problem?" list."""

    name: str
    services: list[Service]


@dataclass(frozen=True)
class RecentPage:
    """One page of the home page's list of recent requests."""

    requests: list[ServiceRequest]
    page: int
    has_more: bool


@dataclass(frozen=True)
class TrackerData:
    """Everything the tracker page shows about one request, read in a fixed number of queries."""

    request: ServiceRequest
    events: list[RequestEvent]  # public ones, newest first
    photos: list[Photo] = field(default_factory=list)
    # Stored (English) department names → the page's language, for the timeline's words.
    department_names: dict[str, str] = field(default_factory=dict)


def service_groups(query: str = "") -> list[ServiceGroup]:
    """Active services grouped by their catalogue group, optionally matching a search."""
    services = list(active_services())
    words = query.casefold().split()
    if words:
        services = [s for s in services if all(w in searchable(s) for w in words)]
    # In the page's language, so a Spanish list is alphabetical in Spanish.
    services.sort(key=lambda s: (localized(s, "group") or "~", localized(s, "name")))
    return [
        ServiceGroup(name=name, services=list(members))
        for name, members in groupby(services, key=lambda s: localized(s, "group"))
    ]


def searchable(service: Service) -> str:
    """The words a search may match: the catalogue's own and the page language's."""
    fields = ("name", "description", "keywords", "group")
    own = [getattr(service, field) for field in fields]
    translated = [localized(service, field) for field in fields]
    return " ".join(dict.fromkeys(own + translated)).casefold()


def service_to_report(service_code: str) -> Service:
    """An active service with its questions, for the report form."""
    try:
        return active_services().get(service_code=service_code)
    except Service.DoesNotExist:
        raise NotFound(f"No service has the code {service_code}.") from None


def filter_choices() -> tuple[list[tuple[str, str]], list[int]]:
    """(service code, name) pairs in the page's language and ward numbers for the home filters."""
    active = Service.objects.filter(active=True).only("service_code", "name", "translations")
    services = sorted(((s.service_code, localized(s, "name")) for s in active), key=itemgetter(1))
    wards = list(Ward.objects.order_by("number").values_list("number", flat=True))
    return services, wards


def recent_requests(
    *,
    service_code: str = "",
    status: str = "",
    ward: int | None = None,
    page: int = 1,
    near: tuple[float, float] | None = None,
) -> RecentPage:
    """Newest public requests matching the filters, one page at a time.

    With `near` (lat, long): only those within NEAR_RADIUS_M of it, nearest first, each
    with `metres_away` set for the list to show.
    """
    requests = ServiceRequest.city.select_related("service")
    if service_code:
        requests = requests.filter(service__service_code=service_code)
    requests = _with_status(requests, status)
    if ward is not None:
        requests = requests.filter(ward_id=ward)
    if near is not None:
        requests = _nearest_first(requests, *near)
    else:
        requests = requests.order_by("-requested_datetime", "-id")
    start = (page - 1) * RECENT_PAGE_SIZE
    rows = list(requests[start : start + RECENT_PAGE_SIZE + 1])
    if near is not None:
        for row in rows:
            row.metres_away = round(math.sqrt(row.squared_metres))
    return RecentPage(
        requests=rows[:RECENT_PAGE_SIZE], page=page, has_more=len(rows) > RECENT_PAGE_SIZE
    )


def _nearest_first(requests: QuerySet, lat: float, long: float) -> QuerySet:
    """Requests within NEAR_RADIUS_M of the point, nearest first.

    A lat/long box first (it can use the lat index), then the exact order by flat-earth
    distance: at a city's scale the error is well under a metre per kilometre.
    """
    (lat_low, lat_high), (long_low, long_high) = box_around(lat, long, NEAR_RADIUS_M)
    north_south = (F("lat") - lat) * METRES_PER_DEGREE_LAT
    east_west = (F("long") - long) * metres_per_degree_long(lat)
    squared = ExpressionWrapper(
        north_south * north_south + east_west * east_west, output_field=FloatField()
    )
    return (
        requests.filter(lat__range=(lat_low, lat_high), long__range=(long_low, long_high))
        .annotate(squared_metres=squared)
        .filter(squared_metres__lte=NEAR_RADIUS_M**2)
        .order_by("squared_metres", "-requested_datetime", "-id")
    )


def _with_status(requests: QuerySet, status: str) -> QuerySet:
    if status == "open":
        return requests.filter(status__in=workflow.OPEN_STATUSES)
    if status == "closed":
        return requests.filter(status__in=workflow.CLOSED_STATUSES)
    if status in workflow.Status.values:
        return requests.filter(status=status)
    return requests


def tracker(number: str) -> TrackerData:
    """A public request, its public timeline, photos and department names (four queries)."""
    try:
        request = ServiceRequest.city.select_related(
            "service", "department", "ward", "community_area", "duplicate_of"
        ).get(tracking_number=number)
    except ServiceRequest.DoesNotExist:
        raise NotFound(f"No request has the tracking number {number}.") from None
    # Through the related manager, so each event already knows its request (no query per event).
    events = list(request.events.filter(is_public=True).order_by("-created_at", "-id"))
    photos = list(request.photos.order_by("created_at", "id"))
    return TrackerData(
        request=request, events=events, photos=photos, department_names=department_names()
    )


def draft_for(token: str, *, owned: Iterable[str]) -> ReportDraft:
    """A draft this browser started (its token is in the browser's session)."""
    if token not in set(owned):
        raise NotFound("This report was started in another browser or has expired.")
    try:
        return ReportDraft.objects.select_related("service").get(token=token)
    except ReportDraft.DoesNotExist:
        raise NotFound("This report has expired; please start again.") from None


def draft_thumbnail(draft: ReportDraft, photo_id: int) -> bytes:
    """The thumbnail JPEG of one photo kept on a draft."""
    thumbnail = draft.photos.filter(pk=photo_id).values_list("thumbnail", flat=True).first()
    if thumbnail is None:
        raise NotFound("No such photo on this report.")
    return bytes(thumbnail)
