"""Who may do what to which request: pure rules over a staff member's scope.

The domain services call `check` before every write, so a hidden button is
never the only protection. See docs/adr/0004-staff-roles.md for the reasoning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from civic311.core.errors import PermissionDenied


class Action(StrEnum):
    """Everything a staff member can do in the back office."""

    VIEW = "view"
    QUEUE = "queue"  # see a department's or a ward's queue
    FILE = "file"  # intake: file a request for a caller or a visitor
    ADD_REPORT = "add_report"  # add a caller to an existing request
    LOOKUP = "lookup"
    INTERNAL_NOTE = "internal_note"
    PUBLIC_NOTE = "public_note"
    CHANGE_STATUS = "change_status"
    TRANSFER = "transfer"
    MARK_DUPLICATE = "mark_duplicate"
    REOPEN = "reopen"
    ASSIGN = "assign"
    BE_ASSIGNED = "be_assigned"
    CORRECT_LOCATION = "correct_location"  # move a request's point (internal, ward may change)
    SEE_STATUS_CALLS = "see_status_calls"
    SEE_DASHBOARD = "see_dashboard"  # the figures of one's own departments or ward


# Actions that need no particular request.
_ANYWHERE = {
    "operator": {Action.FILE, Action.ADD_REPORT, Action.LOOKUP, Action.VIEW},
    "ward_office": {Action.FILE, Action.ADD_REPORT, Action.LOOKUP, Action.SEE_DASHBOARD},
    "department": {Action.VIEW, Action.LOOKUP},
    "supervisor": {Action.VIEW, Action.LOOKUP, Action.SEE_STATUS_CALLS, Action.SEE_DASHBOARD},
}
# Actions on a request inside the staff member's own ward or departments.
_IN_SCOPE = {
    "operator": {Action.INTERNAL_NOTE, Action.CORRECT_LOCATION},
    "ward_office": {Action.VIEW, Action.QUEUE, Action.INTERNAL_NOTE, Action.CORRECT_LOCATION},
    "department": {
        Action.QUEUE,
        Action.INTERNAL_NOTE,
        Action.PUBLIC_NOTE,
        Action.CHANGE_STATUS,
        Action.TRANSFER,
        Action.MARK_DUPLICATE,
        Action.BE_ASSIGNED,
        Action.CORRECT_LOCATION,
    },
    "supervisor": {
        Action.QUEUE,
        Action.INTERNAL_NOTE,
        Action.PUBLIC_NOTE,
        Action.CHANGE_STATUS,
        Action.TRANSFER,
        Action.MARK_DUPLICATE,
        Action.REOPEN,
        Action.ASSIGN,
        Action.BE_ASSIGNED,
        Action.CORRECT_LOCATION,
    },
}
# Operators serve any caller about any request, so their scope is the whole city.
_CITY_WIDE = {"operator", "administrator"}


@dataclass(frozen=True)
class Scope:
    """A staff member's role and where it applies; empty role means no back-office access."""

    role: str = ""
    ward: int | None = None
    departments: frozenset[int] = field(default_factory=frozenset)
    name: str = ""


@dataclass(frozen=True)
class Target:
    """The facts about a request that permissions depend on."""

    department: int | None = None
    ward: int | None = None


def in_scope(scope: Scope, target: Target) -> bool:
    """True when the request is inside the staff member's ward or departments."""
    if scope.role in _CITY_WIDE:
        return True
    if scope.role == "ward_office":
        return scope.ward is not None and target.ward == scope.ward
    return target.department in scope.departments


def allows(scope: Scope, action: str, target: Target | None = None) -> bool:
    """True when `scope` may perform `action` (on `target`, when the action concerns one)."""
    if scope.role == "administrator":
        return True
    if action in _ANYWHERE.get(scope.role, set()):
        return True
    if target is None or action not in _IN_SCOPE.get(scope.role, set()):
        return False
    return in_scope(scope, target)


def check(scope: Scope, action: str, target: Target | None = None) -> None:
    """Raise PermissionDenied, in words a staff member understands, unless `allows`."""
    if allows(scope, action, target):
        return
    who = scope.name or "This account"
    if not scope.role:
        raise PermissionDenied(f"{who} has no back-office role; ask an administrator.")
    if target is not None and not in_scope(scope, target):
        where = f"ward {scope.ward}" if scope.role == "ward_office" else "your department"
        raise PermissionDenied(
            f"{who} may not {_words(action)} this request: it is not in {where}."
        )
    raise PermissionDenied(f"{who} may not {_words(action)} as {scope.role.replace('_', ' ')}.")


def _words(action: str) -> str:
    words: dict[str, str] = {
        Action.VIEW: "see",
        Action.QUEUE: "see the queue of",
        Action.FILE: "file requests",
        Action.ADD_REPORT: "add a caller to",
        Action.LOOKUP: "look up requests",
        Action.INTERNAL_NOTE: "add an internal note to",
        Action.PUBLIC_NOTE: "add a public note to",
        Action.CHANGE_STATUS: "change the status of",
        Action.TRANSFER: "transfer",
        Action.MARK_DUPLICATE: "mark as duplicate",
        Action.REOPEN: "reopen",
        Action.ASSIGN: "assign",
        Action.BE_ASSIGNED: "be assigned",
        Action.CORRECT_LOCATION: "correct the location of",
        Action.SEE_STATUS_CALLS: "see status-call counts",
        Action.SEE_DASHBOARD: "see the supervisors' dashboard",
    }
    return words.get(action, action)
