"""SPEC.md §7, "Behaviours real clients depend on": one test per bullet, in its order.

The last bullet (georeport has no POST; civicbot covers services → definition → POST with
`attribute[CODE]` → token → request, its rate limiter off) is test_live_clients.py, which
drives both PyPI clients against a live server.
"""

import datetime as dt
import secrets
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from civic311.catalog.models import Department, Service
from civic311.service_requests.models import ServiceRequest
from tests.api.conftest import file_vehicle, vehicle_form, xml_of
from tests.api.test_methods import RECORD_KEYS
from tests.conftest import POTHOLE

pytestmark = pytest.mark.django_db


def test_a_single_request_by_id_is_a_json_array_of_one(client, chicago, api_key):
    number = file_vehicle(client, api_key)
    body = client.get(f"/open311/v2/requests/{number}.json").json()
    assert isinstance(body, list) and len(body) == 1 and body[0]["service_request_id"] == number


def test_services_json_is_an_array_with_string_codes_boolean_metadata_and_string_groups(
    client, chicago
):
    Service.objects.create(
        service_code="001",
        name="Cans left out",
        group="",
        type="realtime",
        department=Department.objects.first(),
    )
    services = client.get("/open311/v2/services.json").json()
    assert isinstance(services, list) and len(services) == 15
    for service in services:
        assert isinstance(service["service_code"], str)
        assert isinstance(service["metadata"], bool)
        assert service["type"] in {"realtime", "batch", "blackbox"}
        assert isinstance(service["group"], str)
    cans = next(s for s in services if s["service_code"] == "001")
    assert cans["group"] == "" and cans["metadata"] is False


def test_every_record_has_every_key_media_url_null_and_string_codes(client, chicago, api_key):
    file_vehicle(client, api_key, description=None, address_string=None)
    (record,) = client.get("/open311/v2/requests.json").json()
    assert set(record) == RECORD_KEYS
    assert record["media_url"] is None and record["description"] is None
    # No address was sent, but strict clients need a string: civic311 names the point's.
    assert isinstance(record["address"], str) and record["address"]
    assert isinstance(record["zipcode"], str)
    assert isinstance(record["service_code"], str)
    assert isinstance(record["service_request_id"], str)


def test_a_successful_get_is_exactly_200_and_a_post_200(client, chicago, api_key):
    assert client.post("/open311/v2/requests.json", vehicle_form(api_key)).status_code == 200
    for path in ("services.json", "requests.json", "servicerequestupdates.xml"):
        assert client.get(f"/open311/v2/{path}").status_code == 200


def _bulk_requests(count: int, service: Service) -> list[str]:
    """`count` requests an hour apart, written directly (the reads are what is tested here)."""
    now = dt.datetime.now(dt.UTC)
    year = now.year % 100
    rows = [
        ServiceRequest(
            tracking_number=f"{year:02d}-{90000000 + n:08d}",
            token=secrets.token_hex(12),
            service=service,
            department=service.department,
            channel="web",
            lat=41.8837,
            long=-87.6325,
            requested_datetime=now - dt.timedelta(hours=n + 1),
            updated_datetime=now - dt.timedelta(hours=n + 1),
        )
        for n in range(count)
    ]
    ServiceRequest.objects.bulk_create(rows)
    return [row.tracking_number for row in rows]


@pytest.mark.django_db(transaction=True)
def test_page_size_200_pages_are_full_dates_are_lenient_and_15_pages_at_once(live_server, chicago):
    numbers = _bulk_requests(450, Service.objects.get(service_code=POTHOLE))
    url = f"{live_server.url}/open311/v2/requests.json"
    pages = [
        requests.get(url, {"page_size": 200, "page": page}, timeout=30).json() for page in (1, 2, 3)
    ]
    assert [len(p) for p in pages] == [200, 200, 50]
    assert [r["service_request_id"] for p in pages for r in p] == numbers

    now = dt.datetime.now(dt.UTC)
    lenient = {
        # chicagorequests: microseconds and an offset
        "end_date": (now + dt.timedelta(hours=1)).astimezone().isoformat(timespec="microseconds"),
        # srtracker: a naive datetime, and utcnow().isoformat() + "Z"
        "updated_after": (now - dt.timedelta(days=30)).replace(tzinfo=None).isoformat(),
        "start_date": (now - dt.timedelta(days=30)).replace(tzinfo=None).isoformat() + "Z",
        "page_size": 200,
    }
    response = requests.get(url, lenient, timeout=30)
    assert response.status_code == 200 and len(response.json()) == 200

    # chicagorequests fetches 15 pages at once.
    def fetch(page):
        return requests.get(url, {"page_size": 30, "page": page}, timeout=60)

    with ThreadPoolExecutor(max_workers=15) as pool:
        answers = list(pool.map(fetch, range(1, 16)))
    assert {a.status_code for a in answers} == {200}
    assert [r["service_request_id"] for a in answers for r in a.json()] == numbers


def test_jurisdiction_id_in_the_query_string_and_in_a_post_body(client, chicago, api_key):
    query = client.get("/open311/v2/services.xml?jurisdiction_id=cityofchicago.org")
    assert query.status_code == 200
    body = client.post(
        "/open311/v2/requests.json", vehicle_form(api_key, jurisdiction_id="cityofchicago.org")
    )
    assert body.status_code == 200
    query_on_post = client.post(
        "/open311/v2/requests.json?jurisdiction_id=cityofchicago.org", vehicle_form(api_key)
    )
    assert query_on_post.status_code == 200


def test_a_description_with_crlf_line_breaks_is_accepted(client, chicago, api_key):
    number = file_vehicle(client, api_key, description="title: Car\r\n\r\ndetail: Rusty\r\n")
    (record,) = client.get(f"/open311/v2/requests/{number}.json").json()
    assert record["description"] == "title: Car\n\ndetail: Rusty"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_error_bodies_are_always_in_the_requested_format(client, chicago, api_key, fmt):
    cases = [
        client.get(f"/open311/v2/services/unknown.{fmt}"),
        client.get(f"/open311/v2/requests.{fmt}?start_date=yesterday"),
        client.post(f"/open311/v2/requests.{fmt}", {"service_code": POTHOLE}),
        client.post(f"/open311/v2/requests.{fmt}", vehicle_form(api_key, lat="x")),
        client.get(f"/open311/v2/unknown.{fmt}"),
    ]
    for response in cases:
        assert response.status_code >= 400
        assert b"<html" not in response.content.lower()
        if fmt == "json":
            assert all({"code", "description"} == set(e) for e in response.json())
        else:
            assert xml_of(response).tag == "errors"


@pytest.mark.django_db(transaction=True)
def test_tokens_resolve_within_a_few_seconds(live_server, chicago):
    from civic311.open311.services import create_client

    key = create_client(name="Poller")[1]
    base = f"{live_server.url}/open311/v2"
    token = requests.post(f"{base}/requests.xml", vehicle_form(key), timeout=30).text
    token = token.split("<token>")[1].split("</token>")[0]
    started = time.monotonic()
    resolved = requests.get(f"{base}/tokens/{token}.xml", timeout=30)
    assert resolved.status_code == 200 and "<service_request_id>" in resolved.text
    assert time.monotonic() - started < 2


def test_discovery_has_the_exact_specification_and_one_production_endpoint(client):
    document = client.get("/open311/discovery.json").json()
    assert {e["specification"] for e in document["endpoints"]} == {
        "http://wiki.open311.org/GeoReport_v2"
    }
    assert [e["type"] for e in document["endpoints"]].count("production") == 1
