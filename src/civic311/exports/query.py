"""What an open-data download asks for: ranges, services, statuses, wards, community areas.

Pure: no database, no request objects. Dates are read as the GeoReport API reads them
(open311.params.parse_datetime: W3C, lenient about form, naive means the city's zone);
a value that cannot be understood is a ValidationFailed naming the parameter.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from civic311.core.errors import ValidationFailed
from civic311.open311.params import date_param, multi
from civic311.service_requests import workflow

Params = Mapping[str, Sequence[str]]

FORMATS = ("csv", "geojson", "ndjson")
# `open` and `closed` as GeoReport says them, or any detailed status.
STATUS_GROUPS = {"open": workflow.OPEN_STATUSES, "closed": workflow.CLOSED_STATUSES}
DATE_PARAMETERS = (
    "created_after",
    "created_before",
    "updated_after",
    "updated_before",
    "updated_since",
)


@dataclass(frozen=True)
class ExportQuery:
    """Which public requests a download holds; every bound is inclusive."""

    created_after: dt.datetime | None = None
    created_before: dt.datetime | None = None
    # updated_since is the incremental puller's name for the lower bound on updates.
    updated_after: dt.datetime | None = None
    updated_before: dt.datetime | None = None
    service_codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()  # detailed statuses; empty means all
    wards: tuple[int, ...] = ()
    community_areas: tuple[int, ...] = ()

    def fingerprint(self) -> str:
        """A short stable text naming this selection (for ETags and file names)."""
        return hashlib.sha256(repr(self).encode()).hexdigest()[:16]


def parse_export_query(params: Params, *, zone: str) -> ExportQuery:
    """A download's filters from its query string; ValidationFailed names each bad one."""
    errors: dict[str, str] = {}
    dates = {name: date_param(params, name, zone, errors) for name in DATE_PARAMETERS}
    after = max((d for d in (dates["updated_after"], dates["updated_since"]) if d), default=None)
    statuses: set[str] = set()
    for status in (s.lower() for s in multi(params, "status")):
        if status in STATUS_GROUPS:
            statuses |= STATUS_GROUPS[status]
        elif status in workflow.Status.values:
            statuses.add(status)
        else:
            errors["status"] = f"status must be open, closed or a detailed status, not {status!r}"
    query = ExportQuery(
        created_after=dates["created_after"],
        created_before=dates["created_before"],
        updated_after=after,
        updated_before=dates["updated_before"],
        service_codes=multi(params, "service_code") or multi(params, "service"),
        statuses=tuple(sorted(statuses)),
        wards=_numbers(params, "ward", errors),
        community_areas=_numbers(params, "community_area", errors),
    )
    if errors:
        raise ValidationFailed(errors)
    return query


def _numbers(params: Params, name: str, errors: dict[str, str]) -> tuple[int, ...]:
    values = multi(params, name)
    if not all(v.isdigit() for v in values):
        errors[name] = f"{name} must be whole numbers, comma-separated"
        return ()
    return tuple(sorted({int(v) for v in values}))
