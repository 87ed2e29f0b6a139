"""One row of Chicago's "311 Service Requests" open data read as an `ImportedRequest`.

The portal writes what its CSR system holds: naive Chicago times, `True`/`False`
flags, numbers as text, empty cells for what is unknown. A row is refused only
for what would make a wrong request (no number, no type, no creation time, a
status or point that cannot be read); everything else is kept as far as it goes.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from civic311.exports import chicago_format
from civic311.service_requests.importing.records import ImportedRequest, RowRejected
from civic311.service_requests.tracking import parse_city_number
from civic311.service_requests.workflow import OPEN_STATUSES

REQUIRED_COLUMNS = ("sr_number", "sr_type", "status", "created_date")
# A point outside this box is not in Chicago (a swapped latitude, a zero, a typo).
CHICAGO_BOX = (41.6, 42.1, -88.0, -87.5)


def read_row(row: dict[str, str]) -> ImportedRequest:
    """The request a portal row records; raises RowRejected saying why it cannot be one."""
    number = _number(row.get("sr_number", ""), "sr_number")
    sr_type = _text(row, "sr_type")
    if not sr_type:
        raise RowRejected("sr_type is empty: the row says no kind of request")
    duplicate = _flag(row, "duplicate")
    try:
        status = chicago_format.status_for(_text(row, "status"), duplicate=duplicate)
    except ValueError as problem:
        raise RowRejected(str(problem)) from None
    requested = _time(row, "created_date")
    if requested is None:
        raise RowRejected("created_date is empty")
    closed = _time(row, "closed_date")
    updated = max(t for t in (requested, _time(row, "last_modified_date"), closed) if t)
    if closed is None and status not in OPEN_STATUSES:
        closed = updated  # the portal leaves some closed rows without a closed date
    lat, long = _point(row)
    return ImportedRequest(
        tracking_number=number,
        service_code=_text(row, "sr_short_code"),
        service_name=sr_type,
        department_name=_text(row, "owner_department") or _text(row, "created_department"),
        status=status,
        channel=chicago_format.channel_for(_text(row, "origin")),
        requested=requested,
        updated=updated,
        closed=closed if status not in OPEN_STATUSES else None,
        address=_text(row, "street_address"),
        zipcode=_text(row, "zip_code")[:10],
        lat=lat,
        long=long,
        ward=_whole(row, "ward"),
        community_area=_whole(row, "community_area"),
        parent_number=_parent(row),
    )


def missing_columns(header: list[str]) -> list[str]:
    """The columns a file must have that its header lacks."""
    return [column for column in REQUIRED_COLUMNS if column not in header]


def _text(row: dict[str, str], column: str) -> str:
    text = (row.get(column) or "").strip()
    # Exports put a quote before a cell a spreadsheet would run as a formula; take it off.
    return text[1:] if text[:1] == "'" and text[1:2] in {"=", "+", "-", "@"} else text


def _number(text: str, column: str) -> str:
    """The city's number as civic311 stores it: `SR21-00000001` (or a civic311 `26-00001234`)."""
    text = text.strip()
    number = parse_city_number(text) or (text if re.fullmatch(r"\d{2}-\d{8}", text) else None)
    if number is None:
        raise RowRejected(f"{column} {text[:40]!r} is not a request number")
    return number


def _parent(row: dict[str, str]) -> str:
    text = _text(row, "parent_sr_number")
    return _number(text, "parent_sr_number") if text else ""


def _flag(row: dict[str, str], column: str) -> bool:
    return _text(row, column).lower() in {"true", "t", "1", "yes", "y"}


def _time(row: dict[str, str], column: str) -> dt.datetime | None:
    try:
        return chicago_format.read_time(_text(row, column))
    except ValueError:
        raise RowRejected(f"{column} {_text(row, column)[:40]!r} is not a date and time") from None


def _whole(row: dict[str, str], column: str) -> int | None:
    text = _text(row, column)
    if not text:
        return None
    try:
        return int(float(text))
    except ValueError:
        raise RowRejected(f"{column} {text[:20]!r} is not a number") from None


def _point(row: dict[str, str]) -> tuple[float | None, float | None]:
    lat_text, long_text = _text(row, "latitude"), _text(row, "longitude")
    if not lat_text and not long_text:
        return None, None
    try:
        lat, long = float(lat_text), float(long_text)
    except ValueError:
        problem = f"latitude, longitude {lat_text!r}, {long_text!r} is not a point"
        raise RowRejected(problem) from None
    south, north, west, east = CHICAGO_BOX
    if not (math.isfinite(lat) and math.isfinite(long)) or not (
        south <= lat <= north and west <= long <= east
    ):
        raise RowRejected(f"the point {lat}, {long} is not in Chicago")
    return lat, long
