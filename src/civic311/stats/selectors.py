"""Reads of the stored statistics; public and staff pages read statistics only through here."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from civic311.catalog.models import Department, Service
from civic311.catalog.translation import localized
from civic311.core import clock
from civic311.service_requests import workflow
from civic311.service_requests.models import RequestEvent, ServiceRequest
from civic311.stats.expected import Basis, CloseTimes, Source, choose, explain
from civic311.stats.models import CloseTime, Refresh
from civic311.stats.performance import Move, RequestFacts, Window, days_in, median, stays


def close_times(
    *, service_id: int, ward: int | None
) -> tuple[CloseTimes | None, CloseTimes | None]:
    """The stored close times of a service in a ward and across the city (one indexed read)."""
    where = Q(ward__isnull=True) if ward is None else Q(ward__isnull=True) | Q(ward_id=ward)
    in_ward = in_city = None
    for row in CloseTime.objects.filter(where, service_id=service_id):
        times = CloseTimes(closed=row.closed, median_days=row.median_days, p90_days=row.p90_days)
        if row.ward_id is None:
            in_city = times
        else:
            in_ward = times
    return in_ward, in_city


def expected_basis(*, service: Service, ward: int | None) -> Basis | None:
    """What a new request of `service` in `ward` is promised from: its ward's history, the
    city's, or the catalogue target (civic311.stats.expected.choose)."""
    in_ward, in_city = close_times(service_id=service.pk, ward=ward)
    return choose(ward=ward, in_ward=in_ward, in_city=in_city, target_days=service.target_days)


def last_refresh(name: str = "close_times") -> Refresh | None:
    """When a statistic was last recomputed, or None if it never was."""
    return Refresh.objects.filter(pk=name, finished_at__isnull=False).first()


def performance_facts(
    *,
    window: Window,
    service_id: int | None = None,
    ward: int | None = None,
    department_id: int | None = None,
) -> list[RequestFacts]:
    """The facts of every request the performance figures can count, read once: filed or
    closed in the window, or open now; narrowed to a service, a ward and the department
    that has the request now, when given."""
    relevant = (
        Q(requested_datetime__gte=window.start, requested_datetime__lt=window.end)
        | Q(closed_datetime__gte=window.start, closed_datetime__lt=window.end)
        | Q(status__in=workflow.OPEN_STATUSES)
    )
    rows = ServiceRequest.city.filter(relevant)
    if service_id is not None:
        rows = rows.filter(service_id=service_id)
    if ward is not None:
        rows = rows.filter(ward_id=ward)
    if department_id is not None:
        rows = rows.filter(department_id=department_id)
    transfers = RequestEvent.objects.filter(
        request=OuterRef("pk"), type=RequestEvent.Type.TRANSFERRED
    )
    values = rows.annotate(transferred=Exists(transfers)).values_list(
        "service_id",
        "ward_id",
        "requested_datetime",
        "closed_datetime",
        "status",
        "transferred",
        "service__target_days",
        "department_id",
        "expected_datetime",
        "assigned_to_id",
    )
    return [RequestFacts(*row) for row in values.order_by().iterator(chunk_size=5000)]


# --- transfers and time with a department (the supervisors' dashboard) ------------------


def _transfers(since: dt.datetime, **details: str) -> QuerySet[RequestEvent]:
    """Transfer events from `since` on, narrowed by their recorded department codes."""
    where = {f"details__{key}": code for key, code in details.items()}
    return RequestEvent.objects.filter(
        type=RequestEvent.Type.TRANSFERRED, created_at__gte=since, **where
    )


def moved_requests(
    *, direction: str, since: dt.datetime, department: Department | None = None
) -> QuerySet[ServiceRequest]:
    """Requests transferred into (`in`) or out of (`out`) `department` from `since` on,
    wherever they are now; with no department (`any`), requests transferred at all."""
    match direction:
        case "in" if department is not None:
            events = _transfers(since, to_department=department.code)
        case "out" if department is not None:
            events = _transfers(since, from_department=department.code)
        case "any":
            events = _transfers(since)
        case _:
            raise ValueError(f"no transfers {direction!r} without a department")
    return ServiceRequest.city.filter(Exists(events.filter(request=OuterRef("pk"))))


def passed_through(
    *, since: dt.datetime, department: Department | None = None, ward: int | None = None
) -> QuerySet[ServiceRequest]:
    """Requests with a stay overlapping `since`..now: for a department, those it has now that
    are open or closed from `since` on, and those transferred out of it from `since` on; for a
    ward, its requests open now or closed from `since` on."""
    still_there = Q(status__in=workflow.OPEN_STATUSES) | Q(closed_datetime__gte=since)
    if department is not None:
        left = _transfers(since, from_department=department.code)
        return ServiceRequest.city.filter(
            (Q(department_id=department.pk) & still_there)
            | Exists(left.filter(request=OuterRef("pk")))
        )
    if ward is None:
        raise ValueError("time with a department is a department's or a ward's")
    return ServiceRequest.city.filter(still_there, ward_id=ward)


@dataclass(frozen=True)
class TimeWith:
    """How long requests stayed with a department, and how many moved in and out."""

    requests: int
    median_days: float | None
    transferred_in: int
    transferred_out: int


def time_with(
    *,
    since: dt.datetime,
    now: dt.datetime,
    department: Department | None = None,
    ward: int | None = None,
) -> TimeWith:
    """For a department: the median days the requests that passed through it since `since`
    spent with it (all their stays), and the requests transferred in and out since then. For
    a ward: the median days its requests spent with the department that has them now, and
    the requests transferred at all (counted as both in and out)."""
    rows = list(
        passed_through(since=since, department=department, ward=ward).values_list(
            "pk", "requested_datetime", "closed_datetime", "department__code"
        )
    )
    moves: dict[int, list[Move]] = defaultdict(list)
    events = RequestEvent.objects.filter(
        type=RequestEvent.Type.TRANSFERRED, request_id__in=[row[0] for row in rows]
    ).values_list("request_id", "created_at", "details")
    for request_id, at, details in events.order_by("created_at", "id").iterator(chunk_size=5000):
        moves[request_id].append(
            Move(at, details.get("from_department", ""), details.get("to_department", ""))
        )
    code = department.code if department is not None else None
    spent = [
        days_in(
            stays(requested=filed, closed=closed, department=now_with, moves=moves[pk], now=now),
            code,
        )
        for pk, filed, closed, now_with in rows
    ]
    if department is not None:
        moved_in = moved_requests(direction="in", since=since, department=department).count()
        moved_out = moved_requests(direction="out", since=since, department=department).count()
    else:
        in_ward = moved_requests(direction="any", since=since).filter(ward_id=ward or 0)
        moved_in = moved_out = in_ward.count()
    return TimeWith(
        requests=len(spent),
        median_days=median(spent),
        transferred_in=moved_in,
        transferred_out=moved_out,
    )


def expected_note(request: ServiceRequest) -> str:
    """Where the request's expected date came from, in the page's language ("" if it has none):
    its ward's or the city's history of the service, or the catalogue target."""
    if request.expected_datetime is None:
        return ""
    basis = Basis.from_json(request.expected_basis)
    if basis is None:  # filed before the basis was kept: the date was the catalogue target
        if request.service.target_days is None:
            return ""
        basis = Basis(source=Source.TARGET, days=request.service.target_days)
    return explain(basis, localized(request.service, "name"))


def years_with_requests() -> list[int]:
    """The calendar years (city time) from the first request filed to this one, newest first."""
    first = (
        ServiceRequest.city.order_by("requested_datetime")
        .values_list("requested_datetime", flat=True)
        .first()
    )
    if first is None:
        return []
    this_year = timezone.localdate(clock.now()).year
    return list(range(this_year, timezone.localdate(first).year - 1, -1))
