"""Reads of the stored statistics; public and staff pages read statistics only through here."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from civic311.catalog.models import Service
from civic311.catalog.translation import localized
from civic311.service_requests import workflow
from civic311.service_requests.models import RequestEvent, ServiceRequest
from civic311.stats.expected import Basis, CloseTimes, Source, choose, explain
from civic311.stats.models import CloseTime, Refresh
from civic311.stats.performance import RequestFacts, Window


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
    *, window: Window, service_id: int | None = None, ward: int | None = None
) -> list[RequestFacts]:
    """The facts of every request the performance figures can count, read once: filed or
    closed in the window, or open now; narrowed to a service and a ward when given."""
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
    )
    return [RequestFacts(*row) for row in values.order_by().iterator(chunk_size=5000)]


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
