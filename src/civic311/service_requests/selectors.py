"""Reads of service requests shared by the API, the resident site and the back office."""

from __future__ import annotations

from django.db.models import QuerySet

from civic311.core import clock
from civic311.core.errors import NotFound
from civic311.service_requests.models import RequestEvent, ServiceRequest
from civic311.service_requests.tracking import numbers_meant


def find_by_typed_number(typed: str, *, include_test: bool = False) -> ServiceRequest:
    """The request a person means by what they typed (`#26-00001234`, `00001234`…)."""
    number = resolve_number(typed)
    if number is None:
        raise NotFound(f"'{typed.strip()}' is not a tracking number; they look like 26-00001234.")
    return get_by_tracking_number(number, include_test=include_test)


def resolve_number(typed: str) -> str | None:
    """The stored number a person means, or its likeliest form when none is stored; None if
    what they typed cannot be a number.

    Only a typed `SR…` has two readings (the city's imported number, or a civic311 number
    with the city's old prefix); the one that exists wins, so that costs one query.
    """
    meant = numbers_meant(typed, current_year=clock.now().year)
    if len(meant) < 2:
        return meant[0] if meant else None
    stored = set(
        ServiceRequest.objects.filter(tracking_number__in=meant).values_list(
            "tracking_number", flat=True
        )
    )
    return next((number for number in meant if number in stored), meant[0])


def get_by_tracking_number(number: str, *, include_test: bool = False) -> ServiceRequest:
    """One request by its canonical number, with its service, department and ward."""
    rows = ServiceRequest.objects if include_test else ServiceRequest.city
    requests = rows.select_related("service", "department", "ward")
    try:
        return requests.get(tracking_number=number)
    except ServiceRequest.DoesNotExist:
        raise NotFound(f"No request has the tracking number {number}.") from None


def public_events(request: ServiceRequest) -> QuerySet[RequestEvent]:
    """The events anyone may see, oldest first; internal notes never leave the back office."""
    return RequestEvent.objects.filter(request=request, is_public=True).order_by("created_at", "id")


def all_events(request: ServiceRequest) -> QuerySet[RequestEvent]:
    """Every event, internal ones included, for staff, oldest first."""
    return (
        RequestEvent.objects.filter(request=request)
        .select_related("actor")
        .order_by("created_at", "id")
    )
