"""Domain errors: what went wrong, in words an API client or a staff member can act on.

HTTP packages translate these into GeoReport error bodies or form errors; the
domain never knows about HTTP status codes.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base class for errors the domain raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the asker)."""


class ValidationFailed(DomainError):
    """Input broke a rule; `errors` maps field names to sentences."""

    def __init__(self, errors: dict[str, str] | str) -> None:
        if isinstance(errors, str):
            errors = {"__all__": errors}
        self.errors = errors
        super().__init__("; ".join(errors.values()))


class InvalidTransition(DomainError):
    """A status change the workflow does not allow."""


class PermissionDenied(DomainError):
    """The acting user may not do this to this request."""
