"""Which detailed statuses exist, which are open, and which changes are allowed.

The set is mySociety's extended one, so FixMyStreet-style clients understand
it; GeoReport's `open`/`closed` is derived from it. Pure: no database.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from civic311.core.errors import InvalidTransition


class Status(models.TextChoices):
    """A request's detailed status, labelled in the words residents read."""

    OPEN = "open", _("Received")
    INVESTIGATING = "investigating", _("Under review")
    ACTION_SCHEDULED = "action_scheduled", _("Work scheduled")
    IN_PROGRESS = "in_progress", _("In progress")
    FIXED = "fixed", _("Completed")
    DUPLICATE = "duplicate", _("Duplicate of another request")
    NOT_COUNCILS_RESPONSIBILITY = "not_councils_responsibility", _("Not the city's responsibility")
    NO_FURTHER_ACTION = "no_further_action", _("Closed: no further action")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = frozenset(
    {Status.OPEN, Status.INVESTIGATING, Status.ACTION_SCHEDULED, Status.IN_PROGRESS}
)
CLOSED_STATUSES = frozenset(set(Status) - OPEN_STATUSES)

# Closing as a duplicate needs a parent, so only mark_duplicate may do it.
_REACHABLE_BY_CHANGE = frozenset(set(Status) - {Status.DUPLICATE})


def is_open(status: str) -> bool:
    """True while the city still has work to do on a request in this status."""
    return status in OPEN_STATUSES


def georeport_status(status: str) -> str:
    """GeoReport's `open` or `closed` for a detailed status."""
    return "open" if is_open(status) else "closed"


def allowed_changes(current: str) -> list[str]:
    """The statuses change_status may move a request in `current` to."""
    if not is_open(current):
        return []
    return [s.value for s in Status if s in _REACHABLE_BY_CHANGE and s != current]


def check_change(current: str, new: str) -> None:
    """Raise InvalidTransition unless change_status may move `current` to `new`."""
    if new not in Status.values:
        raise InvalidTransition(f"'{new}' is not a status.")
    if not is_open(current):
        raise InvalidTransition(
            f"The request is closed ({current}); reopen it before changing its status."
        )
    if new == current:
        raise InvalidTransition(f"The request is already {current}.")
    if new == Status.DUPLICATE:
        raise InvalidTransition("Mark a request as a duplicate of another one instead.")


def check_reopen(current: str) -> None:
    """Raise InvalidTransition unless a request in `current` can be reopened."""
    if is_open(current):
        raise InvalidTransition("The request is still open; only closed requests can be reopened.")


def check_open_for_work(current: str, action: str) -> None:
    """Raise InvalidTransition when `action` needs an open request and this one is closed."""
    if not is_open(current):
        raise InvalidTransition(f"A closed request cannot be {action}; reopen it first.")


# How maps colour a request's pin: not yet acted on, work planned or under way, closed.
MAP_GROUPS = ("new", "progress", "closed")
_WORK_UNDER_WAY = frozenset({Status.ACTION_SCHEDULED, Status.IN_PROGRESS})


def map_group(status: str) -> str:
    """Which colour a request in `status` has on the maps: `new`, `progress` or `closed`."""
    if not is_open(status):
        return "closed"
    return "progress" if status in _WORK_UNDER_WAY else "new"
