"""API test helpers: keys, posting, the GeoReport JSON Schemas and XML reading."""

from __future__ import annotations

import functools
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from civic311.catalog.models import Service
from civic311.catalog.services import load_catalog
from civic311.open311 import services
from tests.conftest import ABANDONED_VEHICLE, CITY_HALL, POTHOLE, WRIGLEY_FIELD

SCHEMAS = Path(__file__).parent / "schemas"
W3C_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
TRACKING_NUMBER = re.compile(r"^\d{2}-\d{8}$")

# No format packages are installed, so the two formats the schemas use are checked here,
# strictly: W3C datetimes with seconds and an offset, and absolute http(s) URLs.
FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time")
def _is_datetime(value: object) -> bool:
    return not isinstance(value, str) or W3C_DATETIME.match(value) is not None


@FORMATS.checks("uri")
def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


@functools.cache
def _registry() -> Registry:
    resources = [
        (path.name, Resource(contents=json.loads(path.read_text()), specification=DRAFT4))
        for path in SCHEMAS.glob("*.json")
    ]
    return Registry().with_resources(resources)


def assert_schema(document: object, schema_name: str) -> None:
    """Fail listing every way `document` breaks the named GeoReport JSON Schema."""
    schema = json.loads((SCHEMAS / schema_name).read_text())
    validator = Draft4Validator(schema, registry=_registry(), format_checker=FORMATS)
    problems = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert not problems, "\n".join(problems)


def xml_of(response) -> ET.Element:
    """The parsed XML body, after checking its declaration and content type."""
    body = response.content
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'), body[:80]
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(body)


def errors_of(response) -> list[dict]:
    """The GeoReport errors of a JSON response."""
    assert response["Content-Type"].startswith("application/json")
    return response.json()


@pytest.fixture(scope="package")
def _chicago_for_the_api_tests(django_db_setup, django_db_blocker):
    """Chicago's catalogue loaded once for this package (committed), and wiped after it.

    Loading it costs most of a second; the API tests use it nearly everywhere. Tests that
    run in a transaction roll back over it; transactional ones flush it, after which
    `chicago` loads it again as the root fixture would.
    """
    with django_db_blocker.unblock():
        if not Service.objects.filter(service_code=POTHOLE).exists():
            load_catalog(name_or_path="chicago-2012")
    yield
    with django_db_blocker.unblock():
        call_command("flush", verbosity=0, interactive=False)


@pytest.fixture
def chicago(_chicago_for_the_api_tests, db) -> None:
    """The Chicago 2012 catalogue (see the package fixture above)."""
    if not Service.objects.filter(service_code=POTHOLE).exists():
        load_catalog(name_or_path="chicago-2012")


@pytest.fixture
def api_key(db) -> str:
    """A production API key of a client named Chicago Works."""
    return services.create_client(name="Chicago Works", contact_email="dev@example.org")[1]


@pytest.fixture
def sandbox_key(db) -> str:
    """A sandbox API key."""
    return services.create_client(name="Sandbox App", sandbox=True)[1]


def vehicle_form(api_key: str, /, **extra) -> dict:
    """A complete abandoned-vehicle POST at Wrigley Field."""
    form = {
        "api_key": api_key,
        "service_code": ABANDONED_VEHICLE,
        "lat": str(WRIGLEY_FIELD[0]),
        "long": str(WRIGLEY_FIELD[1]),
        "address_string": "1060 W Addison St, Chicago, IL 60613",
        "description": "Blue car with flat tyres, not moved for weeks.",
        "attribute[HOWMANYD]": "14",
        "attribute[FQSKA3]": "BLU",
        "email": "resident@example.org",
        "first_name": "Rosa",
        "last_name": "Parks",
        "phone": "312-555-0100",
        "device_id": "device-42",
        "account_id": "account-7",
    }
    form.update(extra)
    return {k: v for k, v in form.items() if v is not None}


def pothole_form(api_key: str, /, **extra) -> dict:
    """A complete pothole POST at City Hall."""
    form = {
        "api_key": api_key,
        "service_code": POTHOLE,
        "lat": str(CITY_HALL[0]),
        "long": str(CITY_HALL[1]),
        "description": "Deep pothole in the curb lane.",
        "attribute[WHEREIST]": "CURB",
    }
    form.update(extra)
    return {k: v for k, v in form.items() if v is not None}


def file_vehicle(client, api_key: str, /, prefix: str = "/open311/v2/", **extra) -> str:
    """POST a vehicle request and return its tracking number (via its token)."""
    response = client.post(f"{prefix}requests.json", vehicle_form(api_key, **extra))
    assert response.status_code == 200, response.content
    token = response.json()[0]["token"]
    resolved = client.get(f"{prefix}tokens/{token}.json").json()
    return resolved[0]["service_request_id"]


def file_at(when, service, *, where=CITY_HALL, is_test=False, **extra):
    """File a request through the domain as if at `when` (for history and paging)."""
    from civic311.core import clock
    from civic311.service_requests import services as request_services

    answers = {"WHEREIST": ["CURB"]} if service.service_code == POTHOLE else {"HOWMANYD": ["9"]}
    with clock.frozen_at(when):
        return request_services.submit_request(
            service=service,
            channel=extra.pop("channel", "web"),
            location=request_services.Location(lat=where[0], long=where[1]),
            attributes=extra.pop("attributes", answers),
            is_test=is_test,
            **extra,
        )
