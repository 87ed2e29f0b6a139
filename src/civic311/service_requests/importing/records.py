"""What every import format is read into: one request as the city recorded it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


class RowRejected(ValueError):
    """A row that cannot become a request; the message says why, for the rejects file."""


@dataclass(frozen=True)
class ImportedRequest:
    """One request from a city's records, checked and ready to write."""

    tracking_number: str
    service_code: str  # a catalogue service's code, or the open-data type to make one for
    service_name: str
    department_name: str
    status: str
    channel: str
    requested: dt.datetime
    updated: dt.datetime
    closed: dt.datetime | None
    address: str = ""
    zipcode: str = ""
    lat: float | None = None
    long: float | None = None
    ward: int | None = None  # the city's own ward for it, used when there is no point
    community_area: int | None = None
    parent_number: str = ""  # the request this one duplicates
    description: str = ""
    status_notes: str = ""
