"""GeoReport errors: an HTTP status and one or more `{code, description}` entries.

Views raise ApiError; the endpoint wrapper renders it as `errors/error` in the
format the client asked for. Domain errors are translated here, once.
"""

from __future__ import annotations

from collections.abc import Iterable

from civic311.core.errors import InvalidTransition, NotFound, ValidationFailed


class ApiError(Exception):
    """An answer that is an error: `status` for HTTP, `errors` as (code, description) pairs."""

    def __init__(
        self,
        status: int,
        descriptions: str | Iterable[str],
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        if isinstance(descriptions, str):
            descriptions = [descriptions]
        self.status = status
        self.errors = [(status, text) for text in descriptions]
        self.headers = headers or {}
        super().__init__("; ".join(text for _, text in self.errors))


def bad_request(*descriptions: str) -> ApiError:
    """400: the request cannot be fulfilled as sent."""
    return ApiError(400, descriptions)


def not_found(description: str) -> ApiError:
    """404: the service, request, token or jurisdiction does not exist."""
    return ApiError(404, description)


def forbidden(description: str) -> ApiError:
    """403: the api_key is missing, wrong or revoked."""
    return ApiError(403, description)


def from_validation(error: ValidationFailed) -> ApiError:
    """A 400 listing every field's problem, one error each (`HOWMANYD required`)."""
    return ApiError(400, list(error.errors.values()))


def from_domain(error: Exception) -> ApiError:
    """Translate a domain error into the GeoReport error it means."""
    if isinstance(error, ValidationFailed):
        return from_validation(error)
    if isinstance(error, NotFound):
        return not_found(str(error))
    if isinstance(error, InvalidTransition):
        return bad_request(str(error))
    raise TypeError(f"not a domain error: {error!r}")
