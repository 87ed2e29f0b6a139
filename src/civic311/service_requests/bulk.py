"""Status changes for many requests at once, as a queue's "change selected" button does.

Each request changes in its own transaction (through `services.change_status`),
so one that cannot move (closed meanwhile, another department's, already in
that status) is reported back and the others still change. See
docs/adr/0004-staff-roles.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from civic311.core.errors import DomainError
from civic311.service_requests import services
from civic311.service_requests.models import ServiceRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass
class BulkResult:
    """Which requests changed and, for the others, why not."""

    changed: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)


def bulk_change_status(
    requests: Iterable[ServiceRequest],
    *,
    status: str,
    actor: User | None,
    public_note: str = "",
    internal_note: str = "",
) -> BulkResult:
    """Change each request's status in its own transaction; collect refusals instead of failing."""
    result = BulkResult()
    for request in requests:
        try:
            services.change_status(
                request,
                status=status,
                actor=actor,
                public_note=public_note,
                internal_note=internal_note,
            )
        except DomainError as exc:
            result.refused[request.tracking_number] = exc.message
        else:
            result.changed.append(request.tracking_number)
    return result
