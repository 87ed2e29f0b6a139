"""The issue's acceptance with Chicago's catalogue, as Chicago's own 2012 tests checked it."""

import pytest

from civic311.service_requests.models import ServiceRequest
from tests.api.conftest import TRACKING_NUMBER, assert_schema, vehicle_form
from tests.conftest import ABANDONED_VEHICLE

pytestmark = pytest.mark.django_db

FOURTEEN = [
    "Abandoned Vehicle",
    "Alley Light Out",
    "Building Violation",
    "Graffiti Removal",
    "Pavement Cave-In Survey",
    "Pothole in Street",
    "Restaurant Complaint",
    "Rodent Baiting / Rat Complaint",
    "Sanitation Code Violation",
    "Street Cut Complaints",
    "Street Light 1 / Out",
    "Street Lights All / Out",
    "Traffic Signal Out",
    "Tree Debris",
]


def test_services_json_lists_the_fourteen_alphabetically(client, chicago):
    response = client.get("/open311/v2/services.json")
    assert response.status_code == 200
    services = response.json()
    assert_schema(services, "services.json")
    assert [s["service_name"] for s in services] == FOURTEEN
    assert services[0]["service_name"] == "Abandoned Vehicle"


def test_the_abandoned_vehicle_definition_requires_howmanyd(client, chicago):
    response = client.get(f"/open311/v2/services/{ABANDONED_VEHICLE}.json")
    assert response.status_code == 200
    definition = response.json()
    assert_schema(definition, "service-definition.json")
    howmanyd = next(a for a in definition["attributes"] if a["code"] == "HOWMANYD")
    assert howmanyd["required"] is True and howmanyd["datatype"] == "number"


def test_a_post_without_howmanyd_is_chicagos_400(client, chicago, api_key):
    response = client.post(
        "/open311/v2/requests.json", vehicle_form(api_key, **{"attribute[HOWMANYD]": None})
    )
    assert response.status_code == 400
    assert response.json() == [{"code": 400, "description": "HOWMANYD required"}]
    assert not ServiceRequest.objects.exists()


def test_a_post_with_howmanyd_gets_a_token_that_resolves_to_a_chicago_number(
    client, chicago, api_key
):
    response = client.post("/open311/v2/requests.json", vehicle_form(api_key))
    assert response.status_code == 200
    (answer,) = response.json()
    assert set(answer) >= {"token"} and "service_request_id" not in answer
    resolved = client.get(f"/open311/v2/tokens/{answer['token']}.json")
    assert resolved.status_code == 200
    (record,) = resolved.json()
    assert record["token"] == answer["token"]
    assert TRACKING_NUMBER.match(record["service_request_id"])
    detail = client.get(f"/open311/v2/requests/{record['service_request_id']}.json")
    assert detail.status_code == 200
    assert_schema(detail.json(), "requests.json")
    (request,) = detail.json()
    assert request["service_code"] == ABANDONED_VEHICLE
    assert request["service_name"] == "Abandoned Vehicle"
    assert request["status"] == "open"
