"""GeoReport records built from the selectors' rows: the one place field names are decided.

Every spec key is present in every record, `None` when empty (strict typed
readers fail on a missing key); identifiers are strings; `group` is always a
string; dates are W3C with the jurisdiction's offset. Nothing private (the
requester's name, email, phone, device or account, private attributes) is
ever read into a row, so nothing here can leak it. Pure: rows in, dicts out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.utils import translation

from civic311.open311.codec import w3c_datetime
from civic311.service_requests import timeline, workflow

Row = Mapping[str, Any]
MediaUrl = Callable[[str], str]

DISCOVERY_SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
FORMATS = ["text/xml", "application/json"]


def _text(value: str | None) -> str | None:
    return value if value else None


def service(row: Row) -> dict[str, Any]:
    """One entry of services.{fmt}."""
    return {
        "service_code": row["service_code"],
        "service_name": row["name"],
        "description": _text(row["description"]),
        "metadata": bool(row["has_attributes"]),
        "type": row["type"],
        "keywords": _text(row["keywords"]),
        "group": row["group"] or "",
    }


def definition(service_code: str, attributes: Iterable[Row]) -> dict[str, Any]:
    """services/{code}.{fmt}: the questions, in order, with list values."""
    return {"service_code": service_code, "attributes": [_attribute(a) for a in attributes]}


def _attribute(row: Row) -> dict[str, Any]:
    shaped = {
        "variable": row["variable"],
        "code": row["code"],
        "datatype": row["datatype"],
        "required": row["required"],
        "datatype_description": _text(row["datatype_description"]),
        "order": row["order"],
        "description": row["description"],
    }
    if row["datatype"] in {"singlevaluelist", "multivaluelist"}:
        shaped["values"] = [{"key": key, "name": name} for key, name in row["values"]]
    return shaped


def media_url(row: Row, media: MediaUrl) -> str | None:
    """The request's photo: an uploaded one served by civic311 first, else the client's URL."""
    if row.get("photo"):
        return media(row["photo"])
    urls = row["media_urls"] or []
    return urls[0] if urls else None


def request(row: Row, *, zone: str, media: MediaUrl) -> dict[str, Any]:
    """One service request record with every spec key."""
    return {
        "service_request_id": row["tracking_number"],
        "status": workflow.georeport_status(row["status"]),
        "status_notes": _text(row["status_notes"]),
        "service_name": row["service_name"],
        "service_code": row["service_code"],
        "description": _text(row["description"]),
        "agency_responsible": row["agency"],
        "service_notice": None,
        "requested_datetime": w3c_datetime(row["requested_datetime"], zone),
        "updated_datetime": w3c_datetime(row["updated_datetime"], zone),
        "expected_datetime": w3c_datetime(row["expected_datetime"], zone),
        "address": _text(row["address"]),
        "address_id": _text(row["address_id"]),
        "zipcode": _text(row["zipcode"]),
        "lat": row["lat"],
        "long": row["long"],
        "media_url": media_url(row, media),
    }


def extensions(
    row: Row,
    *,
    zone: str,
    media: MediaUrl,
    private_codes: frozenset[str],
    notes: list[dict[str, Any]],
    photos: Sequence[Row],
) -> dict[str, Any]:
    """Chicago's `attributes`, `extended_attributes` and `notes` for one request."""
    return {
        "attributes": {
            code: value for code, value in row["attributes"].items() if code not in private_codes
        },
        "extended_attributes": {
            "channel": row["channel"],
            "ward": str(row["ward_id"]) if row["ward_id"] is not None else None,
            "community_area": _number(row["community_area_id"]),
            "zip": _text(row["zipcode"]),
            "duplicate": row["duplicate_of_id"] is not None,
            "parent_service_request_id": row["parent_number"],
            # True when civic311 wrote `address` from the point (nobody typed it).
            "address_derived": bool(row["address_derived"]),
            "location_precision": _text(row["location_precision"]),
            "photos": [photo(p, zone=zone, media=media) for p in photos],
        },
        "notes": notes,
    }


def _number(value: int | None) -> str | None:
    """An area's number as Chicago's extensions write numbers: a string, or null."""
    return str(value) if value is not None else None


def photo(row: Row, *, zone: str, media: MediaUrl) -> dict[str, Any]:
    """One uploaded photo in extended_attributes."""
    return {
        "media_url": media(row["image"]),
        "thumbnail_url": media(row["thumbnail"]),
        "width": row["width"],
        "height": row["height"],
        "kind": row["kind"],
        "created_at": w3c_datetime(row["created_at"], zone),
    }


def note(event: Any, *, zone: str) -> dict[str, Any]:
    """One of Chicago's `notes` from a public timeline event (in English, as the API speaks)."""
    with translation.override("en"):
        shaped = {
            "datetime": w3c_datetime(event.created_at, zone),
            "summary": timeline.headline(event),
            "type": timeline.chicago_note_type(event),
        }
    if event.description:
        shaped["description"] = event.description
    return shaped


def update(event: Any, *, zone: str, media: MediaUrl) -> dict[str, Any]:
    """One mySociety request_update from a public timeline event."""
    with translation.override("en"):
        description = event.description or timeline.headline(event)
    photo = getattr(event, "photo", None)
    return {
        "update_id": str(event.pk),
        "service_request_id": event.tracking_number,
        "status": timeline.update_status(event),
        "updated_datetime": w3c_datetime(event.created_at, zone),
        "description": description,
        # mySociety's schema wants a string here: "" when there is no photo.
        "media_url": media(photo) if photo else "",
    }


def post_answer(*, tracking_number: str, token: str, batch: bool) -> dict[str, Any]:
    """The POST requests record: a token for batch services, the id for realtime ones."""
    answer: dict[str, Any] = {"token": token} if batch else {"service_request_id": tracking_number}
    answer["service_notice"] = None
    answer["account_id"] = None
    return stored_post_answer(answer)


_ANSWER_ORDER = ("service_request_id", "token", "service_notice", "account_id")


def stored_post_answer(stored: Mapping[str, Any]) -> dict[str, Any]:
    """A remembered POST answer in its original key order (JSONB sorts keys its own way)."""
    return {key: stored[key] for key in _ANSWER_ORDER if key in stored}


def token_answer(*, tracking_number: str | None, token: str) -> dict[str, Any]:
    """tokens/{token}: both ids once the request exists, the token alone while pending."""
    if tracking_number is None:
        return {"token": token}
    return {"service_request_id": tracking_number, "token": token}


def discovery(*, base_url: str, changeset: str, contact: str, key_service: str) -> dict[str, Any]:
    """The discovery document: the production API and the sandbox, both formats each.

    Endpoint URLs end without a slash, as the spec's own example does: clients
    append `/services.xml` to them, and a trailing slash made that `v2//services.xml`.
    """
    endpoints = [
        {
            "specification": DISCOVERY_SPECIFICATION,
            "url": f"{base_url}{path}",
            "changeset": changeset,
            "type": kind,
            "formats": list(FORMATS),
        }
        for path, kind in (("/open311/v2", "production"), ("/open311/sandbox/v2", "test"))
    ]
    return {
        "changeset": changeset,
        "contact": contact,
        "key_service": key_service,
        "endpoints": endpoints,
    }
