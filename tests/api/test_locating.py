"""Every request placed (issue 10): an address alone gets a point and a ward, a point alone an
address, in JSON and XML; an address nobody can find is a GeoReport 400."""

import re

import pytest

from civic311.catalog.models import Department, RoutingRule, Service
from civic311.geo.distance import metres_between
from civic311.geo.services import NOT_FOUND
from civic311.service_requests.models import ServiceRequest
from tests.api.conftest import assert_schema, file_vehicle, vehicle_form, xml_of
from tests.conftest import ABANDONED_VEHICLE, WRIGLEY_FIELD

pytestmark = pytest.mark.django_db

FULLERTON = (41.92537, -87.65276)  # 933 W Fullerton Ave, ward 43 (near the city's own point)
STREET_ADDRESS = re.compile(r"^\d+[A-Z]? [NSEW] \S.*$")


def record(client, number, fmt="json"):
    response = client.get(f"/open311/v2/requests/{number}.{fmt}", {"extensions": "true"})
    assert response.status_code == 200, response.content
    return response.json()[0] if fmt == "json" else xml_of(response).find("request")


def file_xml(client, api_key, **fields) -> str:
    """POST in XML and read the new request's number back through its token, in XML."""
    response = client.post("/open311/v2/requests.xml", vehicle_form(api_key, **fields))
    assert response.status_code == 200, response.content
    token = xml_of(response).findtext("request/token")
    resolved = xml_of(client.get(f"/open311/v2/tokens/{token}.xml"))
    return resolved.findtext("request/service_request_id")


@pytest.fixture
def ward_43_to_water(chicago):
    """A ward rule: abandoned vehicles in ward 43 go to Water Management (not the default)."""
    water = Department.objects.get(code="water-management")
    vehicle = Service.objects.get(service_code=ABANDONED_VEHICLE)
    assert vehicle.department != water
    RoutingRule.objects.create(service=vehicle, ward_id=43, department=water)
    return water


def test_an_address_alone_gets_a_point_a_ward_and_its_wards_department(
    client, chicago, api_key, ward_43_to_water
):
    typed = "933 W Fullerton Ave"
    number = file_vehicle(client, api_key, lat=None, long=None, address_string=typed)
    found = record(client, number)
    assert_schema([found], "requests.json")
    assert metres_between(found["lat"], found["long"], *FULLERTON) < 150
    assert found["address"] == typed
    assert found["extended_attributes"]["ward"] == "43"
    assert found["agency_responsible"] == ward_43_to_water.public_name
    assert found["extended_attributes"]["address_derived"] is False
    assert found["extended_attributes"]["location_precision"] == "address"


def test_an_address_alone_in_xml_too(client, chicago, api_key, ward_43_to_water):
    number = file_xml(client, api_key, lat=None, long=None, address_string="933 W Fullerton Ave")
    found = record(client, number, "xml")
    lat, long = float(found.findtext("lat")), float(found.findtext("long"))
    assert metres_between(lat, long, *FULLERTON) < 150
    assert found.findtext("extended_attributes/ward") == "43"
    assert found.findtext("agency_responsible") == ward_43_to_water.public_name
    assert found.findtext("extended_attributes/location_precision") == "address"


def test_city_hall_is_in_ward_42(client, chicago, api_key):
    number = file_vehicle(client, api_key, lat=None, long=None, address_string="121 N LaSalle St")
    assert record(client, number)["extended_attributes"]["ward"] == "42"
    assert ServiceRequest.objects.get(tracking_number=number).ward_id == 42


def test_an_intersection_is_found_as_one(client, chicago, api_key):
    number = file_vehicle(client, api_key, lat=None, long=None, address_string="Clark & Division")
    found = record(client, number)
    assert found["extended_attributes"]["location_precision"] == "intersection"
    # The corner is on a ward line (2 and 27): any ward, but the corner's point.
    assert found["extended_attributes"]["ward"] is not None
    assert metres_between(found["lat"], found["long"], 41.9039, -87.6314) < 50
    assert found["address"] == "Clark & Division"


def test_a_point_alone_gets_an_address_marked_as_derived(client, chicago, api_key):
    lat, long = WRIGLEY_FIELD
    number = file_vehicle(client, api_key, address_string=None)
    found = record(client, number)
    assert_schema([found], "requests.json")
    assert (found["lat"], found["long"]) == (lat, long)
    assert STREET_ADDRESS.match(found["address"]), found["address"]
    assert found["extended_attributes"]["address_derived"] is True
    assert found["extended_attributes"]["location_precision"] == "address"
    stored = ServiceRequest.objects.get(tracking_number=number)
    assert stored.address_derived and stored.street_key and stored.address_block is not None


def test_a_point_alone_in_xml_too(client, chicago, api_key):
    number = file_xml(client, api_key, address_string=None)
    found = record(client, number, "xml")
    assert STREET_ADDRESS.match(found.findtext("address") or ""), found.findtext("address")
    assert found.findtext("extended_attributes/address_derived") == "true"


def test_a_typed_address_beside_a_point_is_not_derived(client, chicago, api_key):
    number = file_vehicle(client, api_key)  # Wrigley Field's point and "1060 W Addison St…"
    found = record(client, number)
    assert found["address"] == "1060 W Addison St, Chicago, IL 60613"
    assert found["extended_attributes"]["address_derived"] is False


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_address_nobody_can_find_is_a_georeport_400(client, chicago, api_key, fmt):
    form = vehicle_form(api_key, lat=None, long=None, address_string="1 Nowhere St")
    response = client.post(f"/open311/v2/requests.{fmt}", form)
    assert response.status_code == 400
    if fmt == "json":
        assert response.json() == [{"code": 400, "description": NOT_FOUND}]
    else:
        error = xml_of(response).find("error")
        assert (error.findtext("code"), error.findtext("description")) == ("400", NOT_FOUND)
    assert not ServiceRequest.objects.exists()


def test_an_address_id_that_reads_as_an_address_is_geocoded(client, chicago, api_key):
    number = file_vehicle(
        client, api_key, lat=None, long=None, address_string=None, address_id="121 N LaSalle St"
    )
    stored = ServiceRequest.objects.get(tracking_number=number)
    assert stored.ward_id == 42 and stored.lat is not None
    assert stored.address and stored.address_id == "121 N LaSalle St"


def test_an_address_id_civic311_cannot_read_is_a_400(client, chicago, api_key):
    form = vehicle_form(api_key, lat=None, long=None, address_string=None, address_id="A-17")
    response = client.post("/open311/v2/requests.json", form)
    assert response.status_code == 400
    (error,) = response.json()
    assert error["description"].startswith("We could not find address_id A-17")
    assert not ServiceRequest.objects.exists()


def test_every_listed_request_with_a_point_has_an_address(client, chicago, api_key):
    file_vehicle(client, api_key, address_string=None)
    file_vehicle(client, api_key, lat=None, long=None, address_string="121 N LaSalle St")
    file_vehicle(client, api_key)
    listed = client.get("/open311/v2/requests.json").json()
    assert len(listed) == 3
    assert all(r["lat"] is not None and r["address"] for r in listed), listed
    xml = xml_of(client.get("/open311/v2/requests.xml")).findall("request")
    assert len(xml) == 3 and all(r.findtext("address") for r in xml)
