"""The staff view of a timeline: the public words, plus internal notes and who did what.

Pure: works on event values. Public headlines come from service_requests.timeline
so staff read exactly what the resident reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from civic311.service_requests import timeline
from civic311.service_requests.models import RequestEvent

Event = RequestEvent.Type


@dataclass(frozen=True)
class HistoryEntry:
    """One event as staff see it."""

    when: object
    headline: str
    detail: str
    who: str
    internal: bool
    type: str


def staff_headline(event: RequestEvent) -> str:
    """The headline staff read: the public one, except where staff need more."""
    if event.type == Event.NOTE and not event.is_public:
        return "Internal note"
    if event.type == Event.ASSIGNED:
        assignee = (event.details or {}).get("assignee")
        return f"Assigned to {assignee}" if assignee else "Assignment removed"
    return timeline.headline(event)


def entry(event: RequestEvent) -> HistoryEntry:
    """An event for the staff history."""
    return HistoryEntry(
        when=event.created_at,
        headline=staff_headline(event),
        detail=event.description,
        who=event.actor_label,
        internal=not event.is_public,
        type=event.type,
    )
