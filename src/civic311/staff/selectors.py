"""Reads for the back office: queues, nearby open requests, caller lookups, status-call counts.

Queues are bounded by a department or a ward and read through the composite
indexes `(department|ward, status, requested|expected)`, so a page costs the
same few queries at a thousand requests or ten million.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, QuerySet

from civic311.catalog.models import Department
from civic311.core import clock
from civic311.core.errors import NotFound
from civic311.geo.addresses import address_key
from civic311.geo.distance import box_around, metres_between
from civic311.service_requests import selectors as request_selectors
from civic311.service_requests import workflow
from civic311.service_requests.models import RepeatReport, ServiceRequest
from civic311.staff.models import ResponseTemplate
from civic311.stats import selectors as stats
from civic311.stats.expected import COMPLETED_STATUSES

PAGE_SIZE = 50
NEARBY_METRES = 150
NEARBY_DAYS = 30
LOOKUP_LIMIT = 25

SORTS = {
    "newest": ("-requested_datetime", "-id"),
    "oldest": ("requested_datetime", "id"),
    "due": (F("expected_datetime").asc(nulls_last=True), "id"),
    "updated": ("-updated_datetime", "-id"),
}
STATUS_GROUPS = {"open": workflow.OPEN_STATUSES, "closed": workflow.CLOSED_STATUSES}


@dataclass(frozen=True)
class QueueFilter:
    """What a queue shows: one department or one ward, narrowed by the filter bar."""

    department: int | None = None
    ward: int | None = None
    status: str = "open"  # "open", "closed", "all", or one detailed status
    service: int | None = None
    in_ward: int | None = None  # a department queue narrowed to one ward
    older_than_days: int | None = None
    overdue: bool = False
    assigned: str = ""  # "", "none", or a user id
    sort: str = "newest"
    # Days are the city's calendar days (the dashboard's links use these).
    filed_on: dt.date | None = None
    closed_on: dt.date | None = None
    closed_since: dt.date | None = None
    # Transfers from `since` on: "in" or "out" of the department, "any" in the ward, or
    # "through": every request with time in the department (or ward) from `since` on.
    moved: str = ""
    since: dt.date | None = None
    # "within_target": only requests finished (fixed, no further action) within their
    # service's target days of filing.
    finished: str = ""


@dataclass(frozen=True)
class QueueCounts:
    """The numbers at the top of a queue (over the whole department or ward, open requests)."""

    open: int
    overdue: int
    unassigned: int


@dataclass(frozen=True)
class Queue:
    """One page of a queue with its counts."""

    page: Page
    counts: QueueCounts
    filter: QueueFilter


def queue(filter: QueueFilter, *, page_number: int | str = 1) -> Queue:
    """A page of a department's or a ward's requests, filtered and sorted, with counts."""
    if filter.department is None and filter.ward is None:
        raise ValueError("a queue is a department's or a ward's")
    rows = _filtered(_rows(filter), filter).select_related(
        "service", "department", "ward", "assigned_to"
    )
    rows = rows.order_by(*SORTS.get(filter.sort, SORTS["newest"]))
    page = Paginator(rows, PAGE_SIZE).get_page(page_number)
    return Queue(page=page, counts=queue_counts(filter), filter=filter)


def queue_counts(filter: QueueFilter) -> QueueCounts:
    """Open, overdue and unassigned requests of the queue's department or ward (one query)."""
    now = clock.now()
    totals = (
        _scoped(filter)
        .filter(status__in=workflow.OPEN_STATUSES)
        .aggregate(
            open=Count("id"),
            overdue=Count("id", filter=Q(expected_datetime__lt=now)),
            unassigned=Count("id", filter=Q(assigned_to__isnull=True)),
        )
    )
    return QueueCounts(**totals)


def is_overdue(request: ServiceRequest, now: dt.datetime | None = None) -> bool:
    """True when an open request is past its expected completion."""
    now = now or clock.now()
    return bool(request.is_open and request.expected_datetime and request.expected_datetime < now)


def assignees(filter: QueueFilter) -> QuerySet:
    """Staff who have open requests of the queue's department or ward assigned to them."""
    open_ones = _scoped(filter).filter(status__in=workflow.OPEN_STATUSES)
    return (
        get_user_model()
        .objects.filter(pk__in=open_ones.values("assigned_to_id"))
        .order_by("first_name", "last_name", "username")
    )


def city_day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in the city's time."""
    return dt.datetime.combine(
        day, dt.time(), tzinfo=zoneinfo.ZoneInfo(settings.CIVIC311.time_zone)
    )


def _rows(filter: QueueFilter) -> QuerySet[ServiceRequest]:
    """The queue's own requests; with a transfer filter, the requests it names, which may have
    left the department since (staff may see any request; only the ward's, for a ward)."""
    if not filter.moved or filter.since is None:
        return _scoped(filter)
    since = city_day_start(filter.since)
    department = (
        Department.objects.get(pk=filter.department) if filter.department is not None else None
    )
    if filter.moved == "through":
        return stats.passed_through(since=since, department=department, ward=filter.ward)
    if department is not None and filter.moved in {"in", "out"}:
        return stats.moved_requests(direction=filter.moved, since=since, department=department)
    if filter.ward is not None and filter.moved == "any":
        return stats.moved_requests(direction="any", since=since).filter(ward_id=filter.ward)
    return _scoped(filter)


def _scoped(filter: QueueFilter) -> QuerySet[ServiceRequest]:
    requests = ServiceRequest.city.all()
    if filter.department is not None:
        requests = requests.filter(department_id=filter.department)
    if filter.ward is not None:
        requests = requests.filter(ward_id=filter.ward)
    return requests


def _filtered(requests: QuerySet[ServiceRequest], filter: QueueFilter) -> QuerySet:
    if filter.status in STATUS_GROUPS:
        requests = requests.filter(status__in=STATUS_GROUPS[filter.status])
    elif filter.status in workflow.Status.values:
        requests = requests.filter(status=filter.status)
    if filter.service is not None:
        requests = requests.filter(service_id=filter.service)
    if filter.in_ward is not None:
        requests = requests.filter(ward_id=filter.in_ward)
    now = clock.now()
    if filter.older_than_days:
        requests = requests.filter(
            requested_datetime__lt=now - dt.timedelta(days=filter.older_than_days)
        )
    if filter.overdue:
        requests = requests.filter(status__in=workflow.OPEN_STATUSES, expected_datetime__lt=now)
    for field, day in (
        ("requested_datetime", filter.filed_on),
        ("closed_datetime", filter.closed_on),
    ):
        if day is not None:
            start = city_day_start(day)
            end = city_day_start(day + dt.timedelta(days=1))
            requests = requests.filter(**{f"{field}__gte": start, f"{field}__lt": end})
    if filter.closed_since is not None:
        requests = requests.filter(closed_datetime__gte=city_day_start(filter.closed_since))
    if filter.finished == "within_target":
        requests = _finished_within_target(requests)
    if filter.assigned == "none":
        requests = requests.filter(assigned_to__isnull=True)
    elif filter.assigned.isdigit():
        requests = requests.filter(assigned_to_id=int(filter.assigned))
    return requests


def _finished_within_target(requests: QuerySet[ServiceRequest]) -> QuerySet[ServiceRequest]:
    """Requests the city finished within their service's target days of filing (the
    dashboard's "closed within target", the rule of stats.performance).

    Compared in Python: SQLite cannot multiply a number of days into a duration. The
    dashboard links narrow it to a department's last 30 days of closings first.
    """
    finished = requests.filter(
        status__in=COMPLETED_STATUSES, service__target_days__isnull=False
    ).values_list("pk", "requested_datetime", "closed_datetime", "service__target_days")
    within = [
        pk
        for pk, filed, closed, target in finished.iterator()
        if closed is not None and closed - filed <= dt.timedelta(days=target)
    ]
    return requests.filter(pk__in=within)


# --- intake: is it already reported? ---------------------------------------


@dataclass(frozen=True)
class Nearby:
    """An open request near the caller's point, and how far it is."""

    request: ServiceRequest
    metres: int


def nearby_open_requests(
    *,
    service_id: int,
    lat: float,
    long: float,
    metres: int = NEARBY_METRES,
    days: int = NEARBY_DAYS,
) -> list[Nearby]:
    """Open requests of the same service within `metres` filed in the last `days`, nearest first.

    The database narrows by a lat/long box (index on service, status, lat); the exact
    great-circle distance is then checked here on the handful of rows left.
    """
    lat_range, long_range = box_around(lat, long, metres)
    candidates = ServiceRequest.city.filter(
        service_id=service_id,
        status__in=workflow.OPEN_STATUSES,
        requested_datetime__gte=clock.now() - dt.timedelta(days=days),
        lat__range=lat_range,
        long__range=long_range,
    ).select_related("service", "department", "ward")
    found = [
        Nearby(request=r, metres=round(metres_between(lat, long, r.lat, r.long)))
        for r in candidates[:200]
    ]
    return sorted((n for n in found if n.metres <= metres), key=lambda n: n.metres)


# --- status lookup for callers ---------------------------------------------


def lookup(query: str, *, by: str) -> list[ServiceRequest]:
    """Requests a caller may mean: by tracking number, address, or their phone or email."""
    query = " ".join((query or "").split())
    if not query:
        return []
    match by:
        case "number":
            try:
                return [request_selectors.find_by_typed_number(query)]
            except NotFound:
                return []
        case "address":
            rows = _by_address(query)
        case "contact":
            rows = ServiceRequest.city.filter(pk__in=_ids_by_contact(query))
        case _:
            raise ValueError(f"cannot look up by {by!r}")
    rows = rows.select_related("service", "department", "ward")
    return list(rows.order_by("-requested_datetime", "-id")[:LOOKUP_LIMIT])


def _by_address(query: str) -> QuerySet[ServiceRequest]:
    """Requests on the typed street (and block, when a number was typed), by exact key.

    An exact match on the stored key reads the (street_key, …) indexes on any database
    and collation; a query that names no street finds nothing rather than scanning.
    """
    key = address_key(query)
    if not key.street:
        return ServiceRequest.city.none()
    rows = ServiceRequest.city.filter(street_key=key.street)
    if key.block is not None:
        rows = rows.filter(address_block=key.block)
    return rows


def _ids_by_contact(query: str) -> list[int]:
    if "@" in query:
        emails = list({query, query.lower()})
        own = ServiceRequest.city.filter(requester_email__in=emails)
        repeat = RepeatReport.objects.filter(email__in=emails, request__is_test=False)
    else:
        phones = phone_spellings(query)
        own = ServiceRequest.city.filter(requester_phone__in=phones)
        repeat = RepeatReport.objects.filter(phone__in=phones, request__is_test=False)
    ids = set(own.values_list("pk", flat=True)[:LOOKUP_LIMIT])
    ids |= set(repeat.values_list("request_id", flat=True)[:LOOKUP_LIMIT])
    return list(ids)


def phone_spellings(typed: str) -> list[str]:
    """The usual ways a US number is written, so an exact (indexed) match finds it."""
    digits = re.sub(r"\D", "", typed)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    spellings = {typed.strip(), digits}
    if len(digits) == 10:
        a, b, c = digits[:3], digits[3:6], digits[6:]
        spellings |= {f"{a}-{b}-{c}", f"({a}) {b}-{c}", f"{a}.{b}.{c}", f"{a} {b} {c}"}
        spellings |= {f"+1{digits}", f"1-{a}-{b}-{c}", f"+1 {a}-{b}-{c}"}
    return sorted(s for s in spellings if s)


# --- response templates ---------------------------------------------------------


def response_templates(request: ServiceRequest, use: str) -> list[ResponseTemplate]:
    """The active templates that fit this request: its service or any, and for status changes
    a status it may move to (or any)."""
    fitting = ResponseTemplate.objects.filter(active=True, use=use).filter(
        Q(service__isnull=True) | Q(service_id=request.service_id)
    )
    if use == ResponseTemplate.Use.STATUS:
        fitting = fitting.filter(
            Q(status="") | Q(status__in=workflow.allowed_changes(request.status))
        )
    return list(fitting)
