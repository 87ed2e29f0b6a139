"""Plain words for the timeline: the one projection every public view shares.

The tracker page, the emails, Chicago's `notes` and mySociety's update feed
all describe events the same way, so the wording lives here once and is
translated at display time (the stored `summary` stays English for the API).
Pure: works on event values, no queries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from civic311.service_requests.models import Channel, RequestEvent
from civic311.service_requests.workflow import Status

Event = RequestEvent.Type

# Chicago's note types (SPEC.md §2.4) for each of our event types.
CHICAGO_NOTE_TYPES: dict[str, str] = {
    Event.SUBMITTED: "submitted",
    Event.OPENED: "opened",
    Event.CLOSED: "closed",
    Event.DUPLICATE_MARKED: "closed",
}

# mySociety's lower-case extended status for the updates feed, by event type.
UPDATE_STATUS_OVERRIDES: dict[str, str] = {
    Event.REOPENED: "reopen",
    Event.DUPLICATE_MARKED: "duplicate",
}


@dataclass(frozen=True)
class TimelineEntry:
    """One public step of a request's life, in words a resident reads."""

    when: object
    headline: str
    detail: str
    type: str


def status_words(status: str) -> str:
    """A detailed status in plain, translated words ("In progress")."""
    return str(Status(status).label)


def channel_words(channel: str) -> str:
    """How the request arrived, in plain words ("phone", "app")."""
    return str(Channel(channel).label)


def department_words(name: str, department_names: Mapping[str, str] | None) -> str:
    """A department's stored (English) public name in the reader's language, when known."""
    return (department_names or {}).get(name, name)


def headline(event: RequestEvent, department_names: Mapping[str, str] | None = None) -> str:
    """The one-line plain-words description of an event.

    `department_names` maps the public names events store to the reader's language;
    the Open311 API passes none and keeps the catalogue's English.
    """
    department = department_words(event.to_value, department_names)
    match event.type:
        case Event.SUBMITTED:
            return _("Request received via %(channel)s") % {
                "channel": channel_words(event.to_value)
            }
        case Event.OPENED:
            return _("Sent to %(department)s") % {"department": department}
        case Event.STATUS_CHANGED | Event.CLOSED:
            return _("Status changed from %(old)s to %(new)s") % {
                "old": status_words(event.from_value),
                "new": status_words(event.to_value),
            }
        case Event.TRANSFERRED:
            return _("Transferred to %(department)s") % {"department": department}
        case Event.DUPLICATE_MARKED:
            return _("Closed as a duplicate of %(parent)s") % {"parent": event.to_value}
        case Event.DUPLICATE_MERGED:
            return _("Another report of this problem (%(child)s) was added to this request") % {
                "child": event.to_value
            }
        case Event.REPORTED_AGAIN:
            return _("Another resident reported this problem")
        case Event.REOPENED:
            return _("Request reopened")
        case Event.NOTE:
            if event.details.get("via"):
                # A comment sent by an app's user (servicerequestupdates), not by the city.
                return _("Comment received via %(app)s") % {"app": event.details["via"]}
            return _("Update from the city")
        case Event.ASSIGNED:
            return _("Assigned to a crew")
    return str(event.summary)


def public_words(event: RequestEvent) -> str:
    """The event's public note in the reader's language: the Spanish words a response template
    gave, for Spanish readers, else the note as written."""
    translated = event.details.get(f"description_{translation.get_language()}", "")
    return translated or event.description


def entry(event: RequestEvent, department_names: Mapping[str, str] | None = None) -> TimelineEntry:
    """A public event as the tracker and emails show it (headline, then the public detail)."""
    return TimelineEntry(
        when=event.created_at,
        headline=headline(event, department_names),
        detail=public_words(event),
        type=event.type,
    )


def chicago_note_type(event: RequestEvent) -> str:
    """Chicago's `notes[].type` for an event (`activity` for the work in between)."""
    return CHICAGO_NOTE_TYPES.get(event.type, "activity")


def update_status(event: RequestEvent) -> str:
    """mySociety's lower-case extended status after an event, for servicerequestupdates."""
    return UPDATE_STATUS_OVERRIDES.get(event.type, event.status_after)
