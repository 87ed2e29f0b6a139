"""Constructed histories: closed requests with chosen days to close, written straight to the
table as an importer would (the statistics read them like any other request)."""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
from collections.abc import Iterable

from civic311.catalog.models import Service
from civic311.core import clock
from civic311.service_requests.models import ServiceRequest

_numbers = itertools.count(1)


def closed_requests(
    service: Service,
    *,
    ward: int | None,
    days: Iterable[float],
    status: str = "fixed",
    closed_days_ago: float = 10,
    is_test: bool = False,
) -> list[ServiceRequest]:
    """One request of `service` in `ward` per value of `days`, each closed `closed_days_ago`
    after taking that many days."""
    closed = clock.now() - dt.timedelta(days=closed_days_ago)
    rows = []
    for taken in days:
        requested = closed - dt.timedelta(days=taken)
        rows.append(
            ServiceRequest(
                tracking_number=f"SR90-{next(_numbers):08d}",
                token=secrets.token_hex(12),
                service=service,
                department=service.department,
                status=status,
                channel="phone",
                ward_id=ward,
                is_test=is_test,
                requested_datetime=requested,
                updated_datetime=closed,
                closed_datetime=closed,
            )
        )
    return ServiceRequest.objects.bulk_create(rows)
