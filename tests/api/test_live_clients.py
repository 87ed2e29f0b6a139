"""Real third-party Open311 clients against a live civic311 server over HTTP.

`georeport` and `civicbot` are the PyPI packages, unmodified. FixMyStreet's Perl
client cannot run here, so `FixMyStreetClient` below plays it exactly as
`perllib/Open311.pm` behaves (SPEC.md §4.3): XML only, jurisdiction_id on every
call, the api_key in POST bodies, CRLF descriptions, tokens polled up to five
times two seconds apart, errors read from `errors/error`.
"""

from __future__ import annotations

import datetime as dt
import time
import xml.etree.ElementTree as ET

import pytest
import requests
from civicbot import HttpTransport, Open311Client
from civicbot.http import RateLimiter
from civicbot.registry import Endpoint
from georeport import GeoReport

from civic311.open311.services import create_client
from tests.api.conftest import TRACKING_NUMBER, W3C_DATETIME, assert_schema
from tests.conftest import ABANDONED_VEHICLE, POTHOLE, WRIGLEY_FIELD

pytestmark = pytest.mark.django_db(transaction=True)

JURISDICTION = "cityofchicago.org"


@pytest.fixture
def live_key(chicago) -> str:
    return create_client(name="Live Client")[1]


@pytest.fixture
def filed(live_server, live_key) -> list[str]:
    """Two requests filed over HTTP, newest last."""
    numbers = []
    for form in (
        {"service_code": POTHOLE, "attribute[WHEREIST]": "CURB"},
        {"service_code": ABANDONED_VEHICLE, "attribute[HOWMANYD]": "12"},
    ):
        response = requests.post(
            f"{live_server.url}/open311/v2/requests.json",
            data={"api_key": live_key, "lat": "41.8837", "long": "-87.6325", **form},
            timeout=30,
        )
        response.raise_for_status()
        token = response.json()[0]["token"]
        resolved = requests.get(f"{live_server.url}/open311/v2/tokens/{token}.json", timeout=30)
        numbers.append(resolved.json()[0]["service_request_id"])
    return numbers


# --- georeport (PyPI): every GET, JSON and XML ------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_every_get(live_server, filed, fmt):
    api = GeoReport(f"{live_server.url}/open311/v2", jurisdiction=JURISDICTION, output_format=fmt)

    services = api.get_service_list()
    assert len(services) == 14 and services[0]["service_name"] == "Abandoned Vehicle"
    assert {s["service_code"] for s in services} >= {POTHOLE, ABANDONED_VEHICLE}

    definition = api.get_service_definition(ABANDONED_VEHICLE)
    assert definition["service_code"] == ABANDONED_VEHICLE
    attributes = definition["attributes"]
    attributes = attributes if fmt == "json" else attributes["attribute"]
    howmanyd = next(a for a in attributes if a["code"] == "HOWMANYD")
    assert howmanyd["required"] in (True, "true")

    listed = api.get_service_requests()
    listed = listed if isinstance(listed, list) else [listed]
    assert [r["service_request_id"] for r in listed] == filed[::-1]

    only_potholes = api.get_service_requests(service_code=POTHOLE, status="open")
    only_potholes = only_potholes if isinstance(only_potholes, list) else [only_potholes]
    assert [r["service_request_id"] for r in only_potholes] == [filed[0]]

    by_ids = api.get_service_requests(service_request_id=",".join(filed))
    assert len(by_ids) == 2

    window = api.get_service_requests(
        start_date=(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat(),
        end_date=(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    assert len(window) == 2

    one = api.get_service_request(filed[1])
    assert one["service_request_id"] == filed[1]
    assert one["service_code"] == ABANDONED_VEHICLE
    assert W3C_DATETIME.match(one["requested_datetime"])
    if fmt == "json":
        assert_schema([one], "requests.json")


def test_georeport_sees_http_errors_as_errors(live_server, chicago):
    api = GeoReport(f"{live_server.url}/open311/v2", jurisdiction="sfgov.org")
    with pytest.raises(requests.HTTPError) as caught:
        api.get_service_list()
    assert caught.value.response.status_code == 404
    assert caught.value.response.json()[0]["code"] == 404


# --- civicbot (PyPI): services → definition → POST → token → request --------------


def test_civicbot_files_a_request_and_follows_its_token(live_server, live_key):
    endpoint = Endpoint(
        id="civic311", name="civic311 test", base_url=f"{live_server.url}/open311/v2", write=True
    )
    # civicbot waits 0.5 s between calls to one host; a test server needs no politeness.
    transport = HttpTransport(rate_limiter=RateLimiter(min_interval=0.0))
    bot = Open311Client(endpoint, transport, jurisdiction_id=JURISDICTION)

    services = bot.list_services()
    vehicle = next(s for s in services if s["service_code"] == ABANDONED_VEHICLE)
    assert vehicle["metadata"] is True
    definition = bot.get_service_definition(ABANDONED_VEHICLE)
    assert any(a["code"] == "HOWMANYD" and a["required"] for a in definition["attributes"])

    prepared = bot.create_request(
        ABANDONED_VEHICLE,
        dry_run=False,
        confirm="SEND",
        api_key=live_key,
        validate_remote=True,
        lat=WRIGLEY_FIELD[0],
        lng=WRIGLEY_FIELD[1],
        address_string="1060 W Addison St",
        description="Silver sedan, no plates, two weeks.",
        attributes={"HOWMANYD": 14, "FQSKA3": "SIL"},
        email="bot-user@example.org",
    )
    (answer,) = prepared.response
    token = answer["token"]
    (resolved,) = bot.get_token(token)
    assert resolved["token"] == token and TRACKING_NUMBER.match(resolved["service_request_id"])
    request = bot.get_request(resolved["service_request_id"])
    assert request["service_code"] == ABANDONED_VEHICLE
    assert request["description"] == "Silver sedan, no plates, two weeks."
    assert request["status"] == "open"
    assert bot.list_requests(service_request_ids=[resolved["service_request_id"]])[0] == request


def test_civicbot_gets_chicagos_400_for_a_missing_attribute(live_server, live_key):
    from civicbot import HttpError

    endpoint = Endpoint(id="c", name="c", base_url=f"{live_server.url}/open311/v2", write=True)
    bot = Open311Client(endpoint, HttpTransport(rate_limiter=RateLimiter(min_interval=0.0)))
    with pytest.raises(HttpError) as caught:
        bot.http.post_form(
            f"{live_server.url}/open311/v2/requests.json",
            {
                "api_key": live_key,
                "service_code": ABANDONED_VEHICLE,
                "lat": 41.9484,
                "long": -87.6553,
            },
        )
    assert caught.value.status == 400
    assert caught.value.body == '[{"code":400,"description":"HOWMANYD required"}]'


# --- FixMyStreet's client, played faithfully ----------------------------------------


class FixMyStreetClient:
    """What FixMyStreet's Open311.pm does, call for call (XML only)."""

    def __init__(self, endpoint: str, api_key: str, jurisdiction: str) -> None:
        self.endpoint, self.api_key, self.jurisdiction = endpoint, api_key, jurisdiction
        self.polls = 0
        self.errors: list[str] = []

    def _get(self, path: str, params: dict | None = None) -> ET.Element | None:
        params = {**(params or {}), "jurisdiction_id": self.jurisdiction}
        response = requests.get(f"{self.endpoint}{path}", params=params, timeout=30)
        # LWP::Simple's get() returns undef on any non-2xx.
        return ET.fromstring(response.content) if response.ok else None

    def _post(self, path: str, params: dict) -> ET.Element | None:
        body = {"jurisdiction_id": self.jurisdiction, "api_key": self.api_key, **params}
        response = requests.post(f"{self.endpoint}{path}", data=body, timeout=30)
        if response.ok:
            return ET.fromstring(response.content)
        root = ET.fromstring(response.content)  # _process_error reads errors/error
        self.errors += [f"{e.findtext('code')}: {e.findtext('description')}" for e in root]
        return None

    def get_service_list(self) -> list[dict]:
        root = self._get("services.xml")
        services = []
        for service in root.findall("service"):
            if not service.findtext("service_code"):
                continue  # PopulateServiceList skips entries without a code
            services.append({child.tag: child.text for child in service})
        return services

    def get_service_meta_info(self, code: str) -> list[dict]:
        root = self._get(f"services/{code}.xml")
        attributes = []
        for attribute in root.findall("attributes/attribute"):
            found = {child.tag: child.text for child in attribute if child.tag != "values"}
            found["description"] = (found["description"] or "").rstrip(":")
            found["values"] = [
                (v.findtext("key"), v.findtext("name")) for v in attribute.findall("values/value")
            ]
            attributes.append(found)
        return sorted(attributes, key=lambda a: int(a["order"]))

    def send_service_request(self, report: dict, code: str, extra: dict) -> str | None:
        description = (
            f"title: {report['title']}\r\n\r\ndetail: {report['detail']}\r\n\r\n"
            f"url: {report['url']}\r\n\r\nSubmitted via FixMyStreet\r\n"
        )
        first, last = report["name"].split(" ", 1)
        params = {
            "lat": _six_decimals(report["lat"]),
            "long": _six_decimals(report["long"]),
            "email": report["email"],
            "description": description,
            "service_code": code,
            "first_name": first,
            "last_name": last,
            "phone": report["phone"],
            **{f"attribute[{name}]": value for name, value in extra.items()},
        }
        root = self._post("requests.xml", params)
        if root is None:
            return None
        request = root.find("request")
        if request.findtext("service_request_id"):
            return request.findtext("service_request_id")
        return self._poll_token(request.findtext("token"))

    def _poll_token(self, token: str) -> str | None:
        for _ in range(5):  # O311_POLLING_MAX_TRIES, O311_POLLING_INTERVAL 2 s
            self.polls += 1
            root = self._get(f"tokens/{token}.xml")
            if root is not None and root.findtext("request/service_request_id"):
                return root.findtext("request/service_request_id")
            time.sleep(2)
        return None

    def get_service_request_updates(self, start: dt.datetime, end: dt.datetime) -> list[dict]:
        params = {"api_key": self.api_key, "start_date": _w3c(start), "end_date": _w3c(end)}
        root = self._get("servicerequestupdates.xml", params)
        updates = []
        for update in root.findall("request_update"):
            found = {child.tag: child.text for child in update}
            if not found.get("update_id"):
                continue  # ignored without an id
            when = dt.datetime.fromisoformat(found["updated_datetime"])
            if not start <= when <= end:
                continue  # outside the window asked for: discarded
            updates.append(found)
        return updates

    def post_service_request_update(self, comment: dict) -> str | None:
        root = self._post("servicerequestupdates.xml", comment)
        return None if root is None else root.findtext("request_update/update_id")


def _six_decimals(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _w3c(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S%z")[:-2] + ":" + moment.strftime("%z")[-2:]


def test_fixmystreet_files_over_xml_and_reads_the_updates(live_server, live_key):
    from civic311.service_requests.models import ServiceRequest

    fms = FixMyStreetClient(f"{live_server.url}/open311/v2/", live_key, JURISDICTION)
    services = fms.get_service_list()
    vehicle = next(s for s in services if s["service_name"] == "Abandoned Vehicle")
    assert vehicle["metadata"].lower() == "true"
    attributes = fms.get_service_meta_info(vehicle["service_code"])
    required = [a["code"] for a in attributes if a["required"] == "true"]
    assert required == ["HOWMANYD"]

    report = {
        "title": "Abandoned car",
        "detail": "Rusty van on the corner.\r\nNo plates since June.",
        "url": "https://fixmystreet.example/report/123",
        "name": "Ana Lucia Torres",
        "email": "ana@example.org",
        "phone": "07700 900123",
        "lat": WRIGLEY_FIELD[0],
        "long": WRIGLEY_FIELD[1],
    }
    number = fms.send_service_request(report, vehicle["service_code"], {"HOWMANYD": "40"})
    assert number is not None, fms.errors
    assert TRACKING_NUMBER.match(number) and fms.polls == 1  # resolved on the first poll
    stored = ServiceRequest.objects.get(tracking_number=number)
    assert stored.description.startswith("title: Abandoned car\n\ndetail: Rusty van")
    assert "\r" not in stored.description and "No plates since June." in stored.description
    assert stored.requester_first_name == "Ana" and stored.requester_last_name == "Lucia Torres"

    comment_id = fms.post_service_request_update(
        {
            "update_id": "fms-9001",
            "updated_datetime": _w3c(dt.datetime.now(dt.UTC)),
            "service_request_id": number,
            "service_request_id_ext": "123",
            "status": "OPEN",
            "email": "ana@example.org",
            "description": "Still here.\r\nStill rusty.",
            "public_anonymity_required": "FALSE",
        }
    )
    assert comment_id and comment_id.isdigit(), fms.errors

    # FixMyStreet asks for the last two hours up to now, to the second; the comment was made
    # within this very second, so the window's end is the next one.
    now = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=1)
    updates = fms.get_service_request_updates(now - dt.timedelta(hours=2), now)
    mine = [u for u in updates if u["service_request_id"] == number]
    assert [u["status"] for u in mine] == ["open", "open"]
    assert mine[-1]["update_id"] == comment_id
    assert mine[-1]["description"] == "Still here.\nStill rusty."
    assert all(u["media_url"] is None for u in mine)  # an empty element

    refused = fms.send_service_request(report, vehicle["service_code"], {})
    assert refused is None and fms.errors == ["400: HOWMANYD required"]
