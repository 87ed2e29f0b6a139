"""Documentation for app developers: the OpenAPI document and the /developers/ page.

Both describe the live server: the document's server URL and every curl
example on the page use this site's own address, and the examples name a
real service (and a real recent request when there is one), so they can be
pasted into a terminal as they are.
"""

from __future__ import annotations

import datetime as dt
import shlex
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlencode

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from civic311.core import clock, site
from civic311.open311 import openapi

SANDBOX_KEYS_PATH = "/open311/sandbox/v2/keys.json"


def _site_url(request: HttpRequest) -> str:
    """The configured public address, or the address this request came to."""
    if settings.CIVIC311.base_url:
        return site.base_url()
    return f"{request.scheme}://{request.get_host()}"


@lru_cache(maxsize=16)
def _document(site_url: str, sandbox: bool) -> bytes:
    return orjson.dumps(openapi.build(server_url=f"{site_url}/open311", sandbox=sandbox))


@require_safe
def openapi_document(request: HttpRequest, sandbox: bool = False) -> HttpResponse:
    """The OpenAPI 3.1 document of the production API (or of the sandbox)."""
    response = HttpResponse(_document(_site_url(request), sandbox), content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@dataclass(frozen=True)
class Example:
    """One curl example on the developer page."""

    title: str
    method: str
    command: str
    note: str = ""


@require_safe
def developers(request: HttpRequest) -> HttpResponse:
    """The developer page: endpoints, curl examples, extensions, rules, keys."""
    site = _site_url(request)
    facts = _facts()
    context = {
        "site": site,
        "api": f"{site}/open311/v2",
        "sandbox": f"{site}/open311/sandbox/v2",
        "discovery": f"{site}/open311/discovery.json",
        "openapi": f"{site}/open311/v2/openapi.json",
        "sandbox_openapi": f"{site}/open311/sandbox/v2/openapi.json",
        "sandbox_keys": f"{site}{SANDBOX_KEYS_PATH}",
        "jurisdiction_id": settings.CIVIC311.jurisdiction_id,
        "contact": settings.CIVIC311.contact,
        "time_zone": settings.CIVIC311.time_zone,
        "rate_limit": settings.CIVIC311.api_rate_limit_per_minute,
        "page_size_default": openapi.PAGE_SIZE_DEFAULT,
        "page_size_max": openapi.PAGE_SIZE_MAX,
        "max_rows": openapi.MAX_ROWS,
        "facts": facts,
        "sections": examples(site, facts),
    }
    return render(request, "open311/developers.html", context)


@dataclass(frozen=True)
class Facts:
    """Real values from this server's catalogue and data for the examples."""

    service_code: str
    service_name: str
    answers: tuple[tuple[str, str], ...]
    tracking_number: str
    lat: float
    long: float
    address: str


def _facts() -> Facts:
    """A service with questions (required ones answered) and a recent public request."""
    from civic311.catalog.models import Service
    from civic311.service_requests.models import ServiceRequest

    service = (
        Service.objects.filter(active=True, attributes__required=True).order_by("name").first()
        or Service.objects.filter(active=True).order_by("name").first()
    )
    answers: list[tuple[str, str]] = []
    if service is not None:
        for attribute in service.attributes.filter(required=True, variable=True).order_by("order"):
            first = attribute.values.order_by("order", "id").first()
            answers.append((attribute.code, first.key if first else _sample(attribute.datatype)))
    latest = (
        ServiceRequest.objects.filter(is_test=False)
        .order_by("-requested_datetime")
        .values_list("tracking_number", flat=True)
        .first()
    )
    return Facts(
        service_code=service.service_code if service else "SERVICE_CODE",
        service_name=service.name if service else "a service",
        answers=tuple(answers),
        tracking_number=latest or f"{clock.now().year % 100:02d}-00000001",
        lat=41.8837,
        long=-87.6325,
        address="121 N LaSalle St, Chicago, IL",
    )


def _sample(datatype: str) -> str:
    return {"number": "10", "datetime": "2026-03-01T09:00:00-06:00"}.get(datatype, "example")


def _get(url: str, **query: str) -> str:
    target = f"{url}?{urlencode(query)}" if query else url
    return f"curl -s {shlex.quote(target)}"


def _post(url: str, fields: list[tuple[str, str]], *, files: tuple[str, ...] = ()) -> str:
    parts = [f"curl -s -X POST {shlex.quote(url)}"]
    flag = "-F" if files else "--data-urlencode"
    for name, value in fields:
        # Shell variables stay unquoted-expandable; everything else is quoted.
        if value.startswith("$"):
            parts.append(f'{flag} "{name}={value}"')
        else:
            parts.append(f"{flag} {shlex.quote(f'{name}={value}')}")
    parts += [f"-F {shlex.quote(f)}" for f in files]
    return " \\\n  ".join(parts)


def _w3c(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def examples(site: str, facts: Facts) -> list[tuple[str, list[Example]]]:
    """Every method in JSON and XML, grouped as the page shows them."""
    api = f"{site}/open311/v2"
    now = clock.now().replace(microsecond=0)
    month_ago = now - dt.timedelta(days=30)
    submission = [
        ("api_key", "$API_KEY"),
        ("service_code", facts.service_code),
        ("lat", str(facts.lat)),
        ("long", str(facts.long)),
        ("address_string", facts.address),
        *((f"attribute[{code}]", key) for code, key in facts.answers),
        ("description", "Reported from the developer page example."),
    ]
    update = [
        ("api_key", "$API_KEY"),
        ("service_request_id", facts.tracking_number),
        ("update_id", "my-app-comment-1"),
        ("status", "OPEN"),
        ("updated_datetime", _w3c(now)),
        ("description", "The resident says the problem is still there."),
    ]
    sections: list[tuple[str, list[Example]]] = [
        ("Discovery", [
            Example("Discovery (JSON)", "GET", _get(f"{site}/open311/discovery.json")),
            Example("Discovery (XML)", "GET", _get(f"{site}/open311/discovery.xml")),
        ]),
        ("Services", [
            Example("Service list (JSON)", "GET", _get(f"{api}/services.json")),
            Example("Service list (XML)", "GET", _get(f"{api}/services.xml")),
            Example(f"Definition of {facts.service_name} (JSON)", "GET",
                    _get(f"{api}/services/{facts.service_code}.json")),
            Example(f"Definition of {facts.service_name} (XML)", "GET",
                    _get(f"{api}/services/{facts.service_code}.xml")),
        ]),
        ("Filing a request", [
            Example("File a request (JSON)", "POST", _post(f"{api}/requests.json", submission),
                    "Answers [{\"token\": …}] for batch services; keep the token."),
            Example("File a request (XML)", "POST", _post(f"{api}/requests.xml", submission)),
            Example("File a request with a photo (multipart)", "POST",
                    _post(f"{api}/requests.json", submission, files=("media=@pothole.jpg",)),
                    "The photo is re-encoded without EXIF or GPS and becomes media_url."),
            Example("Resolve the token (JSON)", "GET", f'curl -s "{api}/tokens/$TOKEN.json"',
                    "200 with the token alone while pending; poll a few seconds apart."),
            Example("Resolve the token (XML)", "GET", f'curl -s "{api}/tokens/$TOKEN.xml"'),
        ]),
        ("Finding requests", [
            Example("One request (JSON)", "GET",
                    _get(f"{api}/requests/{facts.tracking_number}.json")),
            Example("One request with Chicago's extensions (JSON)", "GET",
                    _get(f"{api}/requests/{facts.tracking_number}.json", extensions="true")),
            Example("One request (XML)", "GET",
                    _get(f"{api}/requests/{facts.tracking_number}.xml")),
            Example("Open requests of one service in 30 days (JSON)", "GET",
                    _get(f"{api}/requests.json", service_code=facts.service_code,
                         status="open", start_date=_w3c(month_ago), end_date=_w3c(now))),
            Example("The same as XML", "GET",
                    _get(f"{api}/requests.xml", service_code=facts.service_code,
                         status="open", start_date=_w3c(month_ago), end_date=_w3c(now))),
            Example("Harvest what changed in the last day, page 2 (JSON)", "GET",
                    _get(f"{api}/requests.json",
                         updated_after=_w3c(now - dt.timedelta(days=1)),
                         extensions="true", page_size="200", page="2")),
            Example("Several requests by tracking number (JSON)", "GET",
                    _get(f"{api}/requests.json", service_request_id=facts.tracking_number)),
            Example("JSONP for a browser page", "GET",
                    _get(f"{api}/services.json", callback="showServices")),
        ]),
        ("Updates (mySociety's extension)", [
            Example("Updates in the last day (JSON)", "GET",
                    _get(f"{api}/servicerequestupdates.json",
                         start_date=_w3c(now - dt.timedelta(days=1)), end_date=_w3c(now))),
            Example("Updates in the last day (XML)", "GET",
                    _get(f"{api}/servicerequestupdates.xml",
                         start_date=_w3c(now - dt.timedelta(days=1)), end_date=_w3c(now))),
            Example("Send an update (JSON)", "POST",
                    _post(f"{api}/servicerequestupdates.json", update),
                    "Answers [{\"update_id\": …}]; the same update_id twice is refused."),
            Example("Send an update (XML)", "POST",
                    _post(f"{api}/servicerequestupdates.xml",
                          [*update[:2], ("update_id", "my-app-comment-2"), *update[3:]])),
        ]),
        ("The sandbox", [
            Example("Take a sandbox key (JSON)", "POST",
                    _post(f"{site}/open311/sandbox/v2/keys.json",
                          [("name", "My 311 App"), ("email", "me@example.org")]),
                    "Answers [{\"api_key\": …}] once; set SANDBOX_KEY to it."),
            Example("Sandbox service list (JSON)", "GET",
                    _get(f"{site}/open311/sandbox/v2/services.json")),
            Example("File a test request in the sandbox (JSON)", "POST",
                    _post(f"{site}/open311/sandbox/v2/requests.json",
                          [("api_key", "$SANDBOX_KEY"), *submission[1:]])),
        ]),
    ]  # fmt: skip
    return sections
