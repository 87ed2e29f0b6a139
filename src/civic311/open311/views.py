"""GeoReport v2 views: read the call, ask one selector or service, shape the answer.

Every view runs inside `http.endpoint`, which owns formats, errors, JSONP,
CORS and the jurisdiction check. The same views serve the sandbox
(`/open311/sandbox/v2/`), where `call.sandbox` is true.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from civic311.catalog.selectors import attribute_rules
from civic311.catalog.validation import validate_attributes
from civic311.core import clock, site
from civic311.core.errors import NotFound, ValidationFailed
from civic311.media.models import absolute_media_url
from civic311.media.services import prepare_photos
from civic311.open311 import errors, params, selectors, services, shapes
from civic311.open311.http import (
    MAX_PHOTOS,
    Answer,
    Call,
    authenticate,
    endpoint,
    error_response,
    guess_format,
    key_service,
)
from civic311.open311.records import records
from civic311.service_requests.selectors import resolve_number
from civic311.service_requests.services import Location, Requester
from civic311.status_checks import channels as check_channels
from civic311.status_checks import services as status_checks

# When this API's shape last changed (discovery's changeset, a cache hint for clients).
API_CHANGESET = "2026-11-25T00:00:00Z"


def _zone() -> str:
    return settings.TIME_ZONE


def _media_url(name: str) -> str:
    return absolute_media_url(name)


@endpoint("GET")
def discovery(call: Call) -> Answer:
    """discovery.{fmt}: the production API and the sandbox, with contact and key service."""
    document = shapes.discovery(
        base_url=site.base_url(),
        changeset=API_CHANGESET,
        contact=settings.CIVIC311.contact,
        key_service=key_service(),
    )
    return Answer("discovery", document, bare_content_type=True)


@endpoint("GET")
def service_list(call: Call) -> Answer:
    """services.{fmt}: every active service, alphabetically."""
    return Answer("services", [shapes.service(row) for row in selectors.services()])


@endpoint("GET")
def service_definition(call: Call, service_code: str) -> Answer:
    """services/{code}.{fmt}: the service's questions."""
    service = selectors.active_service(service_code)
    attributes = selectors.definition_attributes(service)
    return Answer("service_definition", shapes.definition(service.service_code, attributes))


@endpoint("GET", "POST")
def requests(call: Call) -> Answer:
    """requests.{fmt}: GET lists requests; POST files one."""
    if call.request.method == "POST":
        return _file(call)
    query = params.parse_request_query(call.params, now=clock.now(), zone=_zone())
    rows = selectors.requests(query, sandbox=call.sandbox)
    return Answer("service_requests", _records(rows, extensions=query.extensions))


@endpoint("GET")
def request_detail(call: Call, service_request_id: str) -> Answer:
    """requests/{id}.{fmt}: one request, as a list of one."""
    number = _tracking_number(service_request_id)
    extensions = params.flag(call.params, "extensions")
    row = selectors.request(number, sandbox=call.sandbox, extensions=extensions)
    answer = Answer("service_requests", _records([row], extensions=extensions))
    _count_status_check(call)
    return answer


@endpoint("GET")
def token(call: Call, token: str) -> Answer:
    """tokens/{token}.{fmt}: the id a POST's token stands for (filing is synchronous)."""
    number = selectors.token(token, sandbox=call.sandbox)
    _count_status_check(call)
    return Answer("service_requests", [shapes.token_answer(tracking_number=number, token=token)])


def _count_status_check(call: Call) -> None:
    """Count a found request's lookup as an API status check (in memory; written later).

    Not counted: the sandbox (test data), HEAD requests and self-declared crawlers; scripts
    and apps are exactly who calls the API, so they count.
    """
    if call.sandbox or call.request.method != "GET":
        return
    if check_channels.is_bot(call.request.headers.get("User-Agent", ""), page=False):
        return
    status_checks.note_check(channel=check_channels.API)


@endpoint("GET", "POST")
def service_request_updates(call: Call) -> Answer:
    """servicerequestupdates.{fmt}: mySociety's update feed (GET) and a client's update (POST)."""
    if call.request.method == "POST":
        return _post_update(call)
    query = params.parse_updates_query(call.params, now=clock.now(), zone=_zone())
    events = selectors.updates(query, sandbox=call.sandbox)
    shaped = [shapes.update(event, zone=_zone(), media=_media_url) for event in events]
    return Answer("service_request_updates", shaped)


@endpoint("POST")
def sandbox_keys(call: Call) -> Answer:
    """keys.{fmt} in the sandbox: anyone may take a sandbox key, no staff involved."""
    client, secret = services.create_client(
        name=params.single(call.params, "name") or "",
        contact_email=params.single(call.params, "email") or "",
        sandbox=True,
    )
    answer = {
        "name": client.name,
        "api_key": secret,
        "endpoint": f"{site.base_url()}/open311/sandbox/v2",
        "note": "Keep this key: it is shown once. Requests filed with it are test requests, "
        "deleted after 7 days.",
    }
    return Answer("keys", [answer], status=201)


@csrf_exempt
def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any other address under /open311/: a GeoReport 404, never an HTML page."""
    fmt = guess_format(request)
    problem = errors.not_found(
        f"{request.path} is not a GeoReport method; see {site.base_url()}"
        "/open311/discovery.json (methods end in .json or .xml)"
    )
    response = error_response(request, fmt, problem)
    response["Access-Control-Allow-Origin"] = "*"
    return response


# --- helpers -------------------------------------------------------------------


def _tracking_number(typed: str) -> str:
    number = resolve_number(typed)
    if number is None:
        raise NotFound(f"service_request_id {typed[:40]} not found")
    return number


def _records(rows: list[dict[str, Any]], *, extensions: bool) -> list[dict[str, Any]]:
    return records(rows, extensions=extensions)


def _file(call: Call) -> Answer:
    client = authenticate(call)
    idempotency_key = _idempotency_key(call)
    try:
        submission = params.submission(call.params)
    except ValidationFailed as problem:
        raise _with_attribute_errors(problem, call) from None
    service = selectors.active_service(submission.service_code)
    # Photos are checked and re-encoded before the filing transaction opens.
    photos = prepare_photos(files=call.files, max_count=MAX_PHOTOS) if call.files else []
    filing = services.file_request(
        client=client,
        service=service,
        location=Location(
            lat=submission.lat,
            long=submission.long,
            address=submission.address,
            address_id=submission.address_id,
        ),
        description=submission.description,
        attributes=submission.attributes,
        requester=Requester(
            first_name=submission.first_name,
            last_name=submission.last_name,
            email=submission.email,
            phone=submission.phone,
            device_id=submission.device_id,
            account_id=submission.account_id,
        ),
        media_urls=submission.media_urls,
        photos=photos,
        idempotency_key=idempotency_key,
        fingerprint=params.fingerprint(call.params, call.files) if idempotency_key else "",
    )
    return Answer("service_requests", [filing.answer])


def _idempotency_key(call: Call) -> str:
    header = params.without_control(call.request.headers.get("Idempotency-Key", ""))
    key = header.strip() or (params.single(call.params, "client_request_id") or "")
    if len(key) > 200:
        raise errors.bad_request("Idempotency-Key (or client_request_id) must be at most 200 long")
    return key


def _with_attribute_errors(problem: ValidationFailed, call: Call) -> ValidationFailed:
    """Add the attribute problems to the form's, so one answer lists them all."""
    code = params.single(call.params, "service_code")
    if code is None:
        return problem
    try:
        service = selectors.active_service(code)
        validate_attributes(attribute_rules(service), params.attributes(call.params))
    except NotFound:
        return ValidationFailed(
            {**problem.errors, "service_code": f"service_code {code} not found"}
        )
    except ValidationFailed as more:
        return ValidationFailed({**problem.errors, **more.errors})
    return problem


def _post_update(call: Call) -> Answer:
    client = authenticate(call)
    update = params.update_submission(call.params, zone=_zone())
    request = selectors.request_for_update(
        _tracking_number(update.service_request_id), sandbox=call.sandbox
    )
    event = services.post_update(
        client=client,
        request=request,
        update_id=update.update_id,
        status=update.status,
        description=update.description,
        client_time=update.client_time,
        media_urls=update.media_urls,
    )
    return Answer("service_request_updates", [{"update_id": str(event.pk)}])
