"""The one wrapper every GeoReport view goes through: format, errors, JSONP, CORS, keys, limits.

A view receives a `Call` (format, sandbox or not, the parameters) and returns
an `Answer` (root element and data); everything HTTP happens here. Whatever
goes wrong, from a bad date to an unexpected exception, the client gets a
GeoReport `errors` body in the format it asked for, never an HTML page.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.views.decorators.csrf import csrf_exempt

from civic311.core import site
from civic311.core.encoding import undecodable_fields
from civic311.core.errors import DomainError
from civic311.open311 import codec, errors, selectors, services
from civic311.open311.models import ApiClient
from civic311.open311.params import Params, single, without_control

logger = logging.getLogger("civic311.open311")

MB = 1024 * 1024
MAX_PHOTOS = 3
CORS_HEADERS = {"Access-Control-Allow-Origin": "*"}


@dataclass
class Call:
    """One API call as a view sees it."""

    request: HttpRequest
    fmt: str
    sandbox: bool
    params: Params
    files: list[Any] = field(default_factory=list)


@dataclass
class Answer:
    """What a view answers: `data` rendered under XML root `root`."""

    root: str
    data: Any
    status: int = 200
    bare_content_type: bool = False


View = Callable[..., Answer]


def endpoint(*methods: str) -> Callable[[View], Callable[..., HttpResponse]]:
    """Wrap a GeoReport view: parse, check the jurisdiction, render, and turn errors into bodies."""

    def wrap(view: View) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @functools.wraps(view)
        def handle(
            request: HttpRequest, fmt: str, sandbox: bool = False, **kwargs: Any
        ) -> HttpResponse:
            cors = request.method in {"GET", "HEAD", "OPTIONS"}
            try:
                if request.method == "OPTIONS":
                    return _preflight(methods)
                if request.method not in (*methods, "HEAD" if "GET" in methods else ""):
                    raise errors.ApiError(
                        405,
                        f"{request.method} is not allowed here; use {' or '.join(methods)}",
                        headers={"Allow": ", ".join(methods)},
                    )
                if request.method == "POST":
                    # Counted before the body is read, so a flood costs us little.
                    limit_address(request)
                call = _call(request, fmt, sandbox)
                callback = _callback(call) if cors else None
                _check_jurisdiction(call.params)
                # A NUL in a path segment would make PostgreSQL refuse the query.
                kwargs = {name: without_control(value) for name, value in kwargs.items()}
                answer = view(call, **kwargs)
                response = _respond(fmt, answer, callback)
            except Exception as exc:
                response = error_response(request, fmt, exc)
            if cors:
                _set_headers(response, CORS_HEADERS)
            return response

        return handle

    return wrap


def _preflight(methods: tuple[str, ...]) -> HttpResponse:
    response = HttpResponse(status=204)
    _set_headers(response, CORS_HEADERS)
    response["Access-Control-Allow-Methods"] = "GET, OPTIONS"
    response["Access-Control-Max-Age"] = "86400"
    response["Allow"] = ", ".join((*methods, "OPTIONS"))
    return response


def _call(request: HttpRequest, fmt: str, sandbox: bool) -> Call:
    params: dict[str, list[str]] = dict(request.GET.lists())
    files: list[Any] = []
    if request.method == "POST":
        body, files = _read_body(request)
        params.update(body)
    # Control characters mean nothing in any parameter, and a NUL breaks PostgreSQL.
    clean = {
        without_control(name): [without_control(value) for value in values]
        for name, values in params.items()
    }
    _refuse_undecodable(clean)
    return Call(request=request, fmt=fmt, sandbox=sandbox, params=clean, files=files)


def _refuse_undecodable(params: Params) -> None:
    """A 400 per parameter (query string or body) whose bytes were not UTF-8, never garble."""
    names = undecodable_fields(params)
    if names:
        raise errors.bad_request(
            *(f"{name} is not UTF-8 text; send every parameter encoded as UTF-8" for name in names)
        )


def _read_body(request: HttpRequest) -> tuple[dict[str, list[str]], list[Any]]:
    """The form fields and uploaded files of a POST, refusing oversized or broken bodies."""
    length, largest = _content_length(request), max_body_bytes()
    if length > largest:
        photo_mb = settings.CIVIC311.max_photo_mb
        raise errors.bad_request(
            f"the request is {length / MB:.1f} MB; at most {largest / MB:.0f} MB is accepted "
            f"(up to {MAX_PHOTOS} photos of at most {photo_mb} MB each, and the form)"
        )
    try:
        fields = dict(request.POST.lists())
        files = [upload for _, uploads in request.FILES.lists() for upload in uploads]
    except RequestDataTooBig:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        raise errors.bad_request(
            f"the form fields are larger than {limit / MB:.1f} MB; send photos as files "
            "(multipart/form-data) and keep the text short"
        ) from None
    except (TooManyFieldsSent, TooManyFilesSent) as exc:
        raise errors.bad_request(f"the form has too many fields or files: {exc}") from None
    except (MultiPartParserError, UnreadablePostError) as exc:
        raise errors.bad_request(f"the multipart/form-data body cannot be read: {exc}") from None
    return fields, files


def max_body_bytes() -> int:
    """The largest POST body read at all; bigger ones are refused from their Content-Length."""
    return MAX_PHOTOS * settings.CIVIC311.max_photo_mb * MB + MB


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise errors.bad_request("the Content-Length header is not a number") from None


def _callback(call: Call) -> str | None:
    """The JSONP function name for a JSON answer; a malformed one is a 400 in XML too."""
    callback = single(call.params, "callback")
    if callback is None:
        return None
    if not codec.valid_callback(callback):
        raise errors.bad_request(
            "callback must be a JavaScript function name (letters, digits, _ and $, dotted)"
        )
    return callback if call.fmt == codec.JSON else None


def _check_jurisdiction(params: Params) -> None:
    given = single(params, "jurisdiction_id")
    ours = settings.CIVIC311.jurisdiction_id
    if given is not None and given.lower() != ours.lower():
        raise errors.not_found(
            f"jurisdiction_id {given[:100]} not found; this server answers for {ours}"
        )


def _respond(fmt: str, answer: Answer, callback: str | None) -> HttpResponse:
    if callback is not None:
        body = codec.render_jsonp(answer.data, callback)
        return HttpResponse(body, status=answer.status, content_type=codec.JSONP_CONTENT_TYPE)
    types = codec.BARE_CONTENT_TYPES if answer.bare_content_type else codec.CONTENT_TYPES
    body = codec.render(fmt, answer.root, answer.data)
    return HttpResponse(body, status=answer.status, content_type=types[fmt])


def error_response(request: HttpRequest, fmt: str, exc: Exception) -> HttpResponse:
    """Any exception as a GeoReport errors body in `fmt` with the status it deserves."""
    error = _as_api_error(request, exc)
    data = [{"code": code, "description": text} for code, text in error.errors]
    callback = None
    if fmt == codec.JSON and request.method == "GET":
        candidate = request.GET.get("callback", "")
        callback = candidate if candidate and codec.valid_callback(candidate) else None
    answer = Answer("errors", data, status=error.status)
    response = _respond(fmt, answer, callback)
    _set_headers(response, error.headers)
    return response


def _set_headers(response: HttpResponse, headers: dict[str, str]) -> None:
    for name, value in headers.items():
        response[name] = value


def _as_api_error(request: HttpRequest, exc: Exception) -> errors.ApiError:
    if isinstance(exc, errors.ApiError):
        return exc
    if isinstance(exc, DomainError):
        return errors.from_domain(exc)
    if isinstance(exc, SuspiciousOperation):
        return errors.bad_request(f"the request was refused: {exc}")
    logger.exception("Unexpected error answering %s %s", request.method, request.path)
    return errors.ApiError(
        500, "the server failed to answer this request; it has been logged, please try again"
    )


def guess_format(request: HttpRequest) -> str:
    """The format for a URL that is not an API method: its suffix, else Accept, else XML."""
    path = request.path.lower()
    if path.endswith(".json") or (
        not path.endswith(".xml") and "json" in request.headers.get("Accept", "")
    ):
        return codec.JSON
    return codec.XML


# --- keys and limits -----------------------------------------------------------


def client_address(request: HttpRequest) -> str:
    """The caller's IP address, read through the configured number of trusted proxies."""
    hops = settings.CIVIC311.trusted_proxies
    if hops:
        forwarded = [
            part.strip()
            for part in request.headers.get("X-Forwarded-For", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def authenticate(call: Call) -> ApiClient:
    """The API client whose key the call carries; 403 otherwise, 429 over the key's limit."""
    limit = settings.CIVIC311.api_rate_limit_per_minute
    secret = single(call.params, "api_key")
    if secret is None:
        raise errors.forbidden(f"api_key required to write; get one at {key_service()}")
    client = selectors.client_for_key(secret)
    if client is None:
        raise errors.forbidden(f"Invalid api_key received; get one at {key_service()}")
    if not client.is_active:
        raise errors.forbidden(f"This api_key was revoked; get a new one at {key_service()}")
    if client.is_sandbox != call.sandbox:
        where = "/open311/sandbox/v2/" if client.is_sandbox else "/open311/v2/"
        kind = "a sandbox" if client.is_sandbox else "a production"
        raise errors.forbidden(f"This is {kind} api_key: it works only at {where}")
    _limit(f"key:{client.pk}", limit, "with this api_key")
    return client


def limit_address(request: HttpRequest) -> None:
    """Count a POST against the caller's address; 429 over the limit."""
    limit = settings.CIVIC311.api_rate_limit_per_minute
    _limit(f"ip:{client_address(request)}", limit, "from this address")


def _limit(bucket: str, limit: int, who: str) -> None:
    wait = services.count_request(bucket=bucket, limit=limit)
    if wait is not None:
        raise errors.ApiError(
            429,
            f"Too many POSTs {who}: at most {limit} a minute. Try again in {wait} seconds.",
            headers={"Retry-After": str(wait)},
        )


def key_service() -> str:
    """Where developers get an API key (discovery's key_service)."""
    return settings.CIVIC311.key_service or f"{site.base_url()}/developers/"
