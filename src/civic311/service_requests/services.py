"""Writes to service requests: each public function is one transaction that appends events.

Every change goes through here so the timeline stays complete: the tracker,
the API's notes, the updates feed and the emails are all read from it.
Concurrent writers to one request queue on its row lock (PostgreSQL) or on
SQLite's IMMEDIATE write lock, so no event is lost.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Required, TypedDict, Unpack

from django.db import connection, transaction
from django.utils import translation

from civic311.accounts.selectors import authorize
from civic311.catalog import routing
from civic311.catalog.models import Department, Service
from civic311.catalog.selectors import attribute_rules, routing_rules
from civic311.catalog.validation import validate_attributes
from civic311.core import clock
from civic311.core.errors import InvalidTransition, ValidationFailed
from civic311.geo import services as places
from civic311.geo.addresses import address_key
from civic311.geo.models import ConfirmedPoint
from civic311.media.processing import ProcessedPhoto
from civic311.media.services import save_photos
from civic311.notifications import services as alerts
from civic311.service_requests import workflow
from civic311.service_requests.models import (
    Channel,
    RepeatReport,
    RequestEvent,
    ServiceRequest,
    TrackingCounter,
)
from civic311.service_requests.tracking import format_tracking_number
from civic311.stats import expected
from civic311.stats import selectors as stats

MAX_DESCRIPTION_LENGTH = 4000
Event = RequestEvent.Type
if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class Requester:
    """The person who reported the problem; private, never published."""

    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    device_id: str = ""
    account_id: str = ""


@dataclass(frozen=True)
class Location:
    """Where the problem is: a point, an address, an address id, or several of them."""

    lat: float | None = None
    long: float | None = None
    address: str = ""
    address_id: str = ""
    zipcode: str = ""


def actor_label(actor: User | None, fallback: str = "civic311") -> str:
    """How the timeline names whoever acted (None is the system: CLI, demo, API clients)."""
    if actor is None:
        return fallback
    full_name = getattr(actor, "get_full_name", lambda: "")()
    return full_name or actor.get_username()


@dataclass(frozen=True)
class Submission:
    """A new request, validated, located and routed: everything read before the write lock."""

    service: Service
    channel: str
    location: Location
    description: str
    answers: dict[str, Any]
    requester: Requester
    ward: int | None
    department: Department
    community_area: int | None = None
    media_urls: tuple[str, ...] = ()
    actor: User | None = None
    via: str = ""
    is_test: bool = False
    photos: Sequence[ProcessedPhoto] = ()
    email_updates: bool = True
    email_vouched: bool = False  # the filer proved the address is the requester's (ADR 0015)
    precision: str = ""  # how the point was found (geocoding.Precision), "" when unknown
    address_derived: bool = False  # civic311 wrote the address from the point
    confirms_point: bool = False  # a resident's own pin beside the address they typed


class NewRequest(TypedDict, total=False):
    """What a caller says about a new request (service, channel and location are required)."""

    service: Required[Service]
    channel: Required[str]
    location: Required[Location]
    description: str
    attributes: Mapping[str, Sequence[str]] | None
    requester: Requester | None
    media_urls: Sequence[str]
    actor: User | None
    via: str
    is_test: bool
    photos: Sequence[ProcessedPhoto]
    email_updates: bool
    email_vouched: bool


def submit_request(**new: Unpack[NewRequest]) -> ServiceRequest:
    """File a new request: validate, locate, route, number it, and open its timeline.

    With `email_updates` (the default) a requester who gave an email address gets a receipt
    with a link to confirm the updates; pass False when they opted out. With `email_vouched`
    the updates start without that link (docs/adr/0015).
    """
    submission = prepare_submission(**new)
    with transaction.atomic():
        return record_submission(submission)


def prepare_submission(**new: Unpack[NewRequest]) -> Submission:
    """Check and route a new request without writing anything.

    Done before the filing transaction because on SQLite that transaction holds the
    database's only write lock: reading the catalogue inside it made concurrent POSTs queue.
    """
    service, location = new["service"], new["location"]
    description, actor = new.get("description", ""), new.get("actor")
    _authorize(actor, None, "file")
    answers = validate_attributes(attribute_rules(service), new.get("attributes") or {})
    _check_description(description)
    place = _place(location)
    ward = place.ward
    department_id = routing.choose_department(
        routing_rules(service), ward, default=service.department_id
    )
    return Submission(
        service=service,
        channel=new["channel"],
        location=_filled(location, place),
        precision=place.precision.value,
        address_derived=place.address_derived,
        confirms_point=new["channel"] == Channel.WEB and _pin_beside_address(location),
        description=description,
        answers=answers,
        requester=new.get("requester") or Requester(),
        ward=ward,
        community_area=place.community_area,
        department=Department.objects.get(pk=department_id),
        media_urls=tuple(new.get("media_urls", ())),
        actor=actor,
        via=new.get("via", ""),
        is_test=new.get("is_test", False),
        photos=new.get("photos", ()),
        email_updates=new.get("email_updates", True),
        email_vouched=new.get("email_vouched", False),
    )


def record_submission(submission: Submission) -> ServiceRequest:
    """Write a prepared request with its number and first events; call inside a transaction."""
    now = clock.now()
    service, location, requester = submission.service, submission.location, submission.requester
    key = address_key(location.address)
    request = ServiceRequest.objects.create(
        tracking_number=_next_tracking_number(now.year),
        token=secrets.token_hex(12),
        service=service,
        department=submission.department,
        status=workflow.Status.OPEN,
        description=submission.description,
        attributes=submission.answers,
        address=location.address,
        street_key=key.street,
        address_block=key.block,
        address_id=location.address_id,
        zipcode=location.zipcode,
        lat=location.lat,
        long=location.long,
        ward_id=submission.ward,
        community_area_id=submission.community_area,
        location_precision=submission.precision,
        address_derived=submission.address_derived,
        channel=submission.channel,
        media_urls=list(submission.media_urls),
        is_test=submission.is_test,
        requester_first_name=requester.first_name,
        requester_last_name=requester.last_name,
        requester_email=requester.email,
        requester_phone=requester.phone,
        requester_device_id=requester.device_id,
        requester_account_id=requester.account_id,
        requested_datetime=now,
        updated_datetime=now,
        **_expected(service, submission.ward, now),
    )
    _open_timeline(request, submission, now)
    if submission.confirms_point and location.lat is not None and location.long is not None:
        # The resident typed the address and put the pin there: later geocodes learn from it.
        places.confirm_point(
            address=location.address,
            lat=location.lat,
            long=location.long,
            source=ConfirmedPoint.Source.RESIDENT,
        )
    return request


def _open_timeline(request: ServiceRequest, submission: Submission, now: dt.datetime) -> None:
    actor = submission.actor
    channel_words = _english(Channel(submission.channel).label)
    submitted = _append(
        request,
        Event.SUBMITTED,
        f"Request submitted via {channel_words}",
        actor=actor,
        label=submission.via or actor_label(actor, fallback=channel_words),
        to_value=submission.channel,
        at=now,
    )
    save_photos(
        request=request, photos=submission.photos, kind="resident", actor=actor, event=submitted
    )
    department = submission.department
    _append(
        request,
        Event.OPENED,
        f"Request opened by {department.public_name}",
        to_value=department.public_name,
        details={"department": department.code},
        at=now,
    )
    if submission.email_updates:
        alerts.welcome_requester(request=request, event=submitted, vouched=submission.email_vouched)


def change_status(
    request: ServiceRequest,
    *,
    status: str,
    actor: User | None,
    public_note: str = "",
    internal_note: str = "",
    photos: Sequence[ProcessedPhoto] = (),
    wording: Wording | None = None,
) -> ServiceRequest:
    """Move a request to another detailed status, with optional notes and crew photos."""
    with transaction.atomic():
        locked = _lock(request)
        _authorize(actor, locked, "change_status")
        workflow.check_change(locked.status, status)
        _check_after_photo(locked, status, photos)
        old = locked.status
        _apply_status(locked, status)
        if public_note:
            locked.status_notes = public_note
        closing = not workflow.is_open(status)
        changed = _append(
            locked,
            Event.CLOSED if closing else Event.STATUS_CHANGED,
            _status_summary(status, closing),
            actor=actor,
            description=public_note,
            from_value=old,
            to_value=status,
            details=_wording_details(public_note, wording),
        )
        save_photos(request=locked, photos=photos, kind="crew", actor=actor, event=changed)
        if internal_note:
            _append(
                locked,
                Event.NOTE,
                "Internal note",
                actor=actor,
                description=internal_note,
                is_public=False,
            )
        _save(locked)
        alerts.announce([changed])
    return locked


def add_note(
    request: ServiceRequest, *, text: str, public: bool, actor: User | None
) -> RequestEvent:
    """Add a note to the timeline; internal notes are never shown outside the back office."""
    text = text.strip()
    if not text:
        raise ValidationFailed({"text": "Write the note before adding it."})
    with transaction.atomic():
        locked = _lock(request)
        _authorize(actor, locked, "public_note" if public else "internal_note")
        event = _append(
            locked,
            Event.NOTE,
            "Update from the city" if public else "Internal note",
            actor=actor,
            description=text,
            is_public=public,
        )
        _save(locked)
        alerts.announce([event])
    return event


def transfer(
    request: ServiceRequest,
    *,
    to_department: Department,
    reason: str,
    actor: User | None,
    to_service: Service | None = None,
    wording: Wording | None = None,
) -> ServiceRequest:
    """Hand a request to another department (and maybe service); its tracking number stays."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(
            {"reason": "Say why the request is transferred; the public sees it."}
        )
    with transaction.atomic():
        locked = _lock(request)
        _authorize(actor, locked, "transfer")
        workflow.check_open_for_work(locked.status, "transferred")
        old_department = locked.department
        old_service = locked.service
        new_service = to_service or old_service
        if to_department.pk == old_department.pk and new_service.pk == old_service.pk:
            raise InvalidTransition(f"The request is already with {to_department.public_name}.")
        locked.department = to_department
        locked.service = new_service
        locked.assigned_to = None
        if new_service.pk != old_service.pk:
            for field, value in _expected(new_service, locked.ward_id, clock.now()).items():
                setattr(locked, field, value)
        summary = f"Transferred to {to_department.public_name}"
        if new_service.pk != old_service.pk:
            summary += f" as {new_service.name}"
        transferred = _append(
            locked,
            Event.TRANSFERRED,
            summary,
            actor=actor,
            description=reason,
            from_value=old_department.public_name,
            to_value=to_department.public_name,
            details={
                "from_department": old_department.code,
                "to_department": to_department.code,
                "from_service": old_service.service_code,
                "to_service": new_service.service_code,
                **_wording_details(reason, wording),
            },
        )
        _save(locked)
        alerts.announce([transferred])
    return locked


def mark_duplicate(
    request: ServiceRequest, *, parent: ServiceRequest, actor: User | None, note: str = ""
) -> ServiceRequest:
    """Close a request as a duplicate of `parent`, which now counts its reports."""
    if parent.pk == request.pk:
        raise InvalidTransition("A request cannot duplicate itself.")
    with transaction.atomic():
        # Lock both rows in id order so two opposite merges cannot deadlock.
        first, second = sorted([request.pk, parent.pk])
        locked_rows = {r.pk: r for r in _lock_many([first, second])}
        locked, locked_parent = locked_rows[request.pk], locked_rows[parent.pk]
        _authorize(actor, locked, "mark_duplicate")
        workflow.check_open_for_work(locked.status, "marked as a duplicate")
        if locked_parent.duplicate_of_id is not None:
            raise InvalidTransition(
                f"{locked_parent.tracking_number} is itself a duplicate; "
                "mark this one as a duplicate of its parent instead."
            )
        old = locked.status
        locked.duplicate_of = locked_parent
        _apply_status(locked, workflow.Status.DUPLICATE)
        locked.status_notes = f"Duplicate of {locked_parent.tracking_number}"
        marked = _append(
            locked,
            Event.DUPLICATE_MARKED,
            f"Marked as a duplicate of {locked_parent.tracking_number}",
            actor=actor,
            description=note,
            from_value=old,
            to_value=locked_parent.tracking_number,
            related=locked_parent,
        )
        locked_parent.report_count += locked.report_count
        _append(
            locked_parent,
            Event.DUPLICATE_MERGED,
            f"Another report of this problem ({locked.tracking_number}) was merged into this one",
            actor=actor,
            to_value=locked.tracking_number,
            related=locked,
        )
        _save(locked)
        _save(locked_parent)
        # Tell the duplicate's followers first, then they follow the parent from now on.
        alerts.announce([marked])
        alerts.follow_parent(duplicate=locked, parent=locked_parent)
    return locked


def reopen(request: ServiceRequest, *, actor: User | None, reason: str = "") -> ServiceRequest:
    """Open a closed request again, e.g. when the problem came back."""
    with transaction.atomic():
        locked = _lock(request)
        _authorize(actor, locked, "reopen")
        reopened = _reopen_locked(locked, actor=actor, description=reason)
        _save(locked)
        alerts.announce([reopened])
    return locked


def assign(request: ServiceRequest, *, to_user: User | None, actor: User | None) -> ServiceRequest:
    """Give a request to a staff member of its department (None takes it off everyone)."""
    with transaction.atomic():
        locked = _lock(request)
        _authorize(actor, locked, "assign")
        workflow.check_open_for_work(locked.status, "assigned")
        if to_user is not None:
            _authorize(to_user, locked, "be_assigned")
        if to_user is None and locked.assigned_to_id is None:
            raise InvalidTransition("The request is not assigned to anyone.")
        if to_user is not None and to_user.pk == locked.assigned_to_id:
            raise InvalidTransition(f"The request is already assigned to {actor_label(to_user)}.")
        previous = actor_label(locked.assigned_to) if locked.assigned_to_id else ""
        locked.assigned_to = to_user
        # The public sees that a crew has it; staff see who (details, never published).
        _append(
            locked,
            Event.ASSIGNED,
            "Assigned to a crew" if to_user is not None else "Assignment removed",
            actor=actor,
            details={
                "assignee": actor_label(to_user) if to_user is not None else "",
                "previous": previous,
            },
            is_public=to_user is not None,
        )
        _save(locked)
    return locked


def add_report(
    request: ServiceRequest,
    *,
    requester: Requester,
    email_updates: bool,
    actor: User | None,
    channel: str,
) -> ServiceRequest:
    """Count one more resident reporting this open problem, instead of filing a duplicate."""
    if email_updates and not requester.email:
        raise ValidationFailed({"email": "Give an email address to send them updates."})
    with transaction.atomic():
        locked = _lock(request)
        _authorize(actor, locked, "add_report")
        workflow.check_open_for_work(locked.status, "reported again")
        now = clock.now()
        RepeatReport.objects.create(
            request=locked,
            channel=channel,
            first_name=requester.first_name,
            last_name=requester.last_name,
            email=requester.email,
            phone=requester.phone,
            email_updates=email_updates,
            created_at=now,
            actor=actor,
        )
        locked.report_count += 1
        again = _append(
            locked,
            Event.REPORTED_AGAIN,
            "Another resident reported this problem",
            actor=actor,
            to_value=channel,
            details={"report_count": locked.report_count},
            at=now,
        )
        _save(locked)
        if email_updates:
            alerts.welcome_requester(
                request=locked, event=again, email=requester.email, first_name=requester.first_name
            )
    return locked


def add_comment(
    request: ServiceRequest,
    *,
    text: str,
    via: str,
    reopen_request: bool = False,
    external_id: str = "",
    details: Mapping[str, Any] | None = None,
) -> RequestEvent:
    """A public comment from outside the city (an app's user), reopening a closed request if asked.

    `via` names the app the comment came through; `external_id` is the app's own id
    for it (mySociety's update_id).
    """
    text = text.strip()
    extra = {**(details or {}), "via": via}
    with transaction.atomic():
        locked = _lock(request)
        if reopen_request:
            event = _reopen_locked(
                locked, label=via, description=text, details=extra, external_id=external_id
            )
        else:
            if not text:
                raise ValidationFailed({"description": "Write the comment before sending it."})
            event = _append(
                locked,
                Event.NOTE,
                f"Comment via {via}",
                label=via,
                description=text,
                details=extra,
                external_id=external_id,
            )
        _save(locked)
        alerts.announce([event])
    return event


# --- helpers -------------------------------------------------------------


def _reopen_locked(locked: ServiceRequest, **event_fields: Any) -> RequestEvent:
    """Open a locked, closed request again and append the REOPENED event (no save)."""
    workflow.check_reopen(locked.status)
    old = locked.status
    locked.duplicate_of = None
    _apply_status(locked, workflow.Status.OPEN)
    return _append(
        locked,
        Event.REOPENED,
        "Request reopened",
        from_value=old,
        to_value=workflow.Status.OPEN,
        **event_fields,
    )


def _authorize(actor: User | None, request: ServiceRequest | None, action: str) -> None:
    """Raise PermissionDenied unless `actor` may do `action` (None, the system, always may)."""
    if actor is None:
        return
    if request is None:
        authorize(actor, action)
    else:
        authorize(actor, action, department=request.department_id, ward=request.ward_id)


def _check_description(description: str) -> None:
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise ValidationFailed(
            {"description": f"description must be at most {MAX_DESCRIPTION_LENGTH} characters"}
        )


def _check_after_photo(
    request: ServiceRequest, status: str, photos: Sequence[ProcessedPhoto]
) -> None:
    # Some services (e.g. pothole repairs) must show the finished work before closing as fixed.
    if status == workflow.Status.FIXED and request.service.photo_required_to_close and not photos:
        raise ValidationFailed({"photo": "Attach an 'after' photo to close this request as fixed."})


OUTSIDE_THE_CITY = "the location is outside the city: it is not in any ward we serve"


def _place(location: Location) -> places.Located:
    """Where a request is, in the city, with an address: its point named, or its address placed.

    Filing and correcting a location both go through here. A point no street is near
    (a park, a rail yard) is filed under its coordinates, so every point has an address.
    """
    if _check_point(location):
        place = places.locate(address=location.address, lat=location.lat, long=location.long)
    else:
        place = places.locate(address=location.address or _address_id_text(location.address_id))
    if not places.in_city(place):
        raise ValidationFailed({"location": OUTSIDE_THE_CITY})
    if not place.address:
        coordinates = places.point_address(place.lat, place.long)
        place = replace(place, address=coordinates, address_derived=True)
    return place


def _check_point(location: Location) -> bool:
    """True when a point was given; ValidationFailed when it is half given or off the globe."""
    if location.lat is None and location.long is None:
        if not (location.address or location.address_id):
            raise ValidationFailed(
                {"location": "a location is required: lat and long, address_string or address_id"}
            )
        return False
    if location.lat is None or location.long is None:
        raise ValidationFailed({"location": "lat and long must be sent together"})
    if not (-90 <= location.lat <= 90 and -180 <= location.long <= 180):
        raise ValidationFailed({"location": "lat must be within ±90 and long within ±180"})
    return True


def _address_id_text(address_id: str) -> str:
    """An address_id that reads as a street address ("933 W Fullerton Ave") is geocoded.

    Any other id (Chicago's own address system's numbers) is one civic311 cannot look up.
    """
    key = address_key(address_id)
    if key.names_a_house:
        return address_id
    raise ValidationFailed(
        {
            "address_id": f"We could not find address_id {address_id[:60]}: civic311 reads an "
            "address_id only as a street address. Send address_string, or lat and long."
        }
    )


def _filled(location: Location, place: places.Located) -> Location:
    """The location as filed: the typed words kept, the point and address filled in."""
    return replace(
        location,
        lat=place.lat,
        long=place.long,
        address=place.address,
        zipcode=location.zipcode or place.zipcode,
    )


def _pin_beside_address(location: Location) -> bool:
    return location.lat is not None and location.long is not None and bool(location.address)


def _expected(service: Service, ward: int | None, start: dt.datetime) -> dict[str, Any]:
    """expected_datetime and its basis for a request of `service` in `ward` from `start`: the
    history stored by `civic311 refresh-stats`, else the catalogue target (stats.expected)."""
    basis = stats.expected_basis(service=service, ward=ward)
    return {
        "expected_datetime": expected.expected_at(start, basis),
        "expected_basis": basis.as_json() if basis else {},
    }


def _next_tracking_number(year: int) -> str:
    """Take the next number of `year` inside the caller's transaction."""
    table = TrackingCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last) VALUES (%s, 1) "
            f"ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [year],
        )
        (sequence,) = cursor.fetchone()
    return format_tracking_number(year, sequence)


def _lock(request: ServiceRequest) -> ServiceRequest:
    return (
        ServiceRequest.objects.select_for_update()
        .select_related("department", "service")
        .get(pk=request.pk)
    )


def _lock_many(ids: list[int]) -> list[ServiceRequest]:
    return list(ServiceRequest.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def _apply_status(request: ServiceRequest, status: str) -> None:
    request.status = status
    request.closed_datetime = None if workflow.is_open(status) else clock.now()


def _status_summary(status: str, closing: bool) -> str:
    label = _english(workflow.Status(status).label)
    return f"Request closed: {label}" if closing else f"Status changed to {label}"


def _english(label: object) -> str:
    """A label in English whatever language the caller's page speaks: summaries are the API's."""
    with translation.override("en"):
        return str(label)


@dataclass(frozen=True)
class Wording:
    """Words a response template adds to a public note: Spanish, and the email's own text."""

    spanish: str = ""
    email: str = ""


def _wording_details(note: str, wording: Wording | None) -> dict[str, str]:
    """What the event keeps of a template's extra words (nothing when there is no note)."""
    if wording is None or not note.strip():
        return {}
    kept = {"description_es": wording.spanish.strip(), "email_text": wording.email.strip()}
    return {key: value for key, value in kept.items() if value}


def _append(
    request: ServiceRequest,
    type: str,
    summary: str,
    *,
    actor: User | None = None,
    label: str = "",
    description: str = "",
    is_public: bool = True,
    from_value: str = "",
    to_value: str = "",
    related: ServiceRequest | None = None,
    details: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
    external_id: str = "",
) -> RequestEvent:
    now = at or clock.now()
    request.updated_datetime = now
    return RequestEvent.objects.create(
        request=request,
        type=type,
        created_at=now,
        actor=actor,
        actor_label=label or actor_label(actor),
        is_public=is_public,
        summary=str(summary)[:300],
        description=description,
        from_value=str(from_value)[:200],
        to_value=str(to_value)[:200],
        status_after=request.status,
        related_request=related,
        details=details or {},
        external_id=external_id[:100],
    )


def _save(request: ServiceRequest) -> None:
    request.save()


# --- correcting where a request is ------------------------------------------------


def correct_location(
    request: ServiceRequest,
    *,
    lat: float | None,
    long: float | None,
    address: str,
    actor: User | None,
) -> ServiceRequest:
    """Move a request to where staff say it is (a typed address or a point); internal event.

    The ward follows the new point, so the request moves to that ward's queue; the
    department stays (moving work between departments is a transfer, said in public).
    """
    located = _locate_correction(lat=lat, long=long, address=address.strip())
    with transaction.atomic():
        locked = _lock(request)
        _authorize(actor, locked, "correct_location")
        # Only the pin moved: the words name the points, or "from X to X" would say nothing.
        with_point = located.address == locked.address
        before = _place_words(
            locked.address, locked.lat, locked.long, locked.ward_id, with_point=with_point
        )
        after = _place_words(
            located.address, located.lat, located.long, located.ward, with_point=with_point
        )
        if (locked.lat, locked.long, locked.address) == (
            located.lat,
            located.long,
            located.address,
        ):
            raise InvalidTransition(f"The request is already at {after}.")
        details = {"from": _place_details(locked), "precision": str(located.precision)}
        ward_before = locked.ward_id
        _move_to(locked, located)
        details["to"] = _place_details(locked)
        if locked.is_open and locked.ward_id != ward_before:
            # Another ward's history sets the date, still counted from when it was filed.
            for field, value in _expected(
                locked.service, locked.ward_id, locked.requested_datetime
            ).items():
                setattr(locked, field, value)
        # Internal: a resident sees the new address, never the back office's correction.
        _append(
            locked,
            Event.LOCATION_CORRECTED,
            f"Location corrected from {before} to {after}",
            actor=actor,
            from_value=before,
            to_value=after,
            details=details,
            is_public=False,
        )
        _save(locked)
        if lat is not None and not located.address_derived:
            # Staff put this address at this point themselves: a confirmation worth learning.
            # (An address alone was placed by the geocoder: learning from it would be circular.)
            places.confirm_point(
                address=located.address,
                lat=located.lat,
                long=located.long,
                source=ConfirmedPoint.Source.STAFF,
            )
    return locked


def _locate_correction(*, lat: float | None, long: float | None, address: str) -> places.Located:
    """Where the correction puts the request; read before the write lock (it may call out)."""
    if lat is None and long is None and not address:
        raise ValidationFailed({"address": "Give the address or pick the point on the map."})
    return _place(Location(lat=lat, long=long, address=address))


def _move_to(request: ServiceRequest, located: places.Located) -> None:
    """Set every stored fact about the place from `located` (no save)."""
    if located.address != request.address:
        # Chicago's address id and the ZIP code named the old address, not the new one.
        request.address_id = ""
        request.zipcode = located.zipcode
    key = address_key(located.address)
    request.address = located.address
    request.street_key = key.street
    request.address_block = key.block
    request.lat = located.lat
    request.long = located.long
    request.ward_id = located.ward
    request.community_area_id = located.community_area
    request.location_precision = str(located.precision)
    request.address_derived = located.address_derived


def _place_words(
    address: str,
    lat: float | None,
    long: float | None,
    ward: int | None,
    *,
    with_point: bool = False,
) -> str:
    """A place as the timeline says it: "933 W Fullerton Ave (ward 43)", or "… at 41.9, -87.6"."""
    point = places.point_address(lat, long) if lat is not None and long is not None else ""
    where = address or point or "no location"
    if with_point and address and point:
        where = f"{address} at {point}"
    return f"{where} (ward {ward})" if ward is not None else where


def _place_details(request: ServiceRequest) -> dict[str, Any]:
    return {
        "address": request.address,
        "lat": request.lat,
        "long": request.long,
        "ward": request.ward_id,
    }
