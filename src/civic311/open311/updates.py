"""What a client's servicerequestupdates POST does to a request (docs/adr/0006).

The city, not a third-party app, decides when its work is done: a client's
FIXED or CLOSED is kept as a public comment carrying the client's status, never
a closure. A client may reopen a closed request: REOPEN always does; OPEN does
only when the client's own update time is after the city closed it (FixMyStreet
sends OPEN for any comment on a report it still thinks open, and that must not
undo a closure it has not heard of yet). Pure: no database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# mySociety's upper-case statuses (SPEC.md §4.4).
STATUSES = frozenset(
    {
        "OPEN",
        "CLOSED",
        "FIXED",
        "IN_PROGRESS",
        "PLANNED",
        "ACTION_SCHEDULED",
        "INVESTIGATING",
        "DUPLICATE",
        "NOT_COUNCILS_RESPONSIBILITY",
        "NO_FURTHER_ACTION",
        "INTERNAL_REFERRAL",
        "CANCELLED",
        "REOPEN",
        "FOR_TRIAGE",
        "UNCHANGED",
    }
)


@dataclass(frozen=True)
class Outcome:
    """What to record: a comment, or a reopening (which may carry the comment's text)."""

    reopen: bool


def decide(
    status: str,
    *,
    request_is_open: bool,
    closed_at: dt.datetime | None,
    client_time: dt.datetime | None,
) -> Outcome:
    """How a client's update with upper-case `status` changes a request."""
    if request_is_open:
        return Outcome(reopen=False)
    if status == "REOPEN":
        return Outcome(reopen=True)
    if status == "OPEN" and closed_at is not None and client_time is not None:
        return Outcome(reopen=client_time > closed_at)
    return Outcome(reopen=False)
