"""One line of an Open311 harvest (newline-delimited GeoReport JSON) read as an `ImportedRequest`.

Harvesting tools write each GeoReport record as one line, with Chicago's
extensions when the server has them: `extended_attributes` (`channel`, `ward`,
`zip`, `duplicate`, `parent_service_request_id`) and `notes`. GeoReport has two
statuses; a closed record that its own notes or status notes call a duplicate is
a duplicate, any other closed record is taken as done.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson

from civic311.service_requests import workflow
from civic311.service_requests.importing.records import ImportedRequest, RowRejected
from civic311.service_requests.models import Channel
from civic311.service_requests.tracking import parse_city_number

# What Chicago's Open311 server wrote in `channel`, and civic311's own spellings.
_CHANNELS = {
    "phone": Channel.PHONE,
    "web": Channel.WEB,
    "open311": Channel.OPEN311,
    "mobile": Channel.OPEN311,
    "ward_office": Channel.WARD_OFFICE,
    "alderman": Channel.WARD_OFFICE,
    "staff": Channel.STAFF,
}


def read_line(line: bytes) -> ImportedRequest:
    """The request one harvest line records; raises RowRejected saying why it cannot be one."""
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as problem:
        raise RowRejected(f"not a JSON object ({problem.msg})") from None
    if not isinstance(record, dict):
        raise RowRejected("not a JSON object (one GeoReport record per line)")
    extra = record.get("extended_attributes") or {}
    if not isinstance(extra, dict):
        extra = {}
    number = _number(_text(record, "service_request_id"), "service_request_id")
    requested = _time(record, "requested_datetime")
    if requested is None:
        raise RowRejected("requested_datetime is missing")
    updated = max(t for t in (requested, _time(record, "updated_datetime")) if t)
    status = _status(record, extra)
    closed = _closed_at(record, updated) if status not in workflow.OPEN_STATUSES else None
    parent = _text(extra, "parent_service_request_id")
    return ImportedRequest(
        tracking_number=number,
        service_code=_text(record, "service_code"),
        service_name=_text(record, "service_name") or _text(record, "service_code"),
        department_name=_text(record, "agency_responsible"),
        status=status,
        channel=_CHANNELS.get(_text(extra, "channel").lower(), Channel.OPEN311),
        requested=requested,
        updated=updated,
        closed=closed,
        address=_text(record, "address"),
        zipcode=(_text(record, "zipcode") or _text(extra, "zip"))[:10],
        lat=_coordinate(record, "lat"),
        long=_coordinate(record, "long"),
        ward=_whole(extra.get("ward")),
        parent_number=_number(parent, "parent_service_request_id") if parent else "",
        description=_text(record, "description"),
        status_notes=_text(record, "status_notes"),
    )


def _text(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    return "" if value is None else str(value).strip()


def _number(text: str, key: str) -> str:
    if not text or len(text) > 16:
        raise RowRejected(f"{key} {text[:40]!r} is not a request number")
    return parse_city_number(text) or text


def _time(record: dict[str, Any], key: str) -> dt.datetime | None:
    text = _text(record, key)
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise RowRejected(f"{key} {text[:40]!r} is not a date and time") from None
    if moment.tzinfo is None:
        raise RowRejected(f"{key} {text[:40]!r} has no time zone")
    return moment.astimezone(dt.UTC)


def _status(record: dict[str, Any], extra: dict[str, Any]) -> str:
    status = _text(record, "status").lower()
    if status == "open":
        return workflow.Status.OPEN
    if status != "closed":
        raise RowRejected(f"status {status[:20]!r} is neither open nor closed")
    called_duplicate = _text(record, "status_notes").lower() == "duplicate"
    if extra.get("duplicate") is True or called_duplicate:
        return workflow.Status.DUPLICATE
    return workflow.Status.FIXED


def _closed_at(record: dict[str, Any], updated: dt.datetime) -> dt.datetime:
    """When a closed record closed: its `closed` note's time, else its last update."""
    notes = record.get("notes")
    for note in notes if isinstance(notes, list) else []:
        if isinstance(note, dict) and note.get("type") == "closed":
            return _time(note, "datetime") or updated
    return updated


def _coordinate(record: dict[str, Any], key: str) -> float | None:
    value = record.get(key)
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise RowRejected(f"{key} {str(value)[:20]!r} is not a number") from None


def _whole(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
