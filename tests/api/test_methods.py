"""Every GeoReport method in JSON and in XML: shapes, element names, schemas, content types."""

import re

import pytest

from civic311.service_requests.models import ServiceRequest
from tests.api.conftest import (
    TRACKING_NUMBER,
    W3C_DATETIME,
    assert_schema,
    file_vehicle,
    pothole_form,
    vehicle_form,
    xml_of,
)
from tests.conftest import ABANDONED_VEHICLE, POTHOLE

pytestmark = pytest.mark.django_db

RECORD_KEYS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


def test_discovery_json_lists_production_and_sandbox_with_both_formats(client, settings):
    response = client.get("/open311/discovery.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = response.json()
    assert document["contact"] == settings.CIVIC311.contact
    assert document["key_service"].endswith("/developers/")
    assert W3C_DATETIME.match(document["changeset"])
    kinds = {e["type"]: e for e in document["endpoints"]}
    assert set(kinds) == {"production", "test"}
    assert kinds["production"]["url"].endswith("/open311/v2")
    assert kinds["test"]["url"].endswith("/open311/sandbox/v2")
    for endpoint in document["endpoints"]:
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint["formats"] == ["text/xml", "application/json"]
        assert W3C_DATETIME.match(endpoint["changeset"])


def test_discovery_xml_has_the_spec_elements(client):
    response = client.get("/open311/discovery.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml"
    root = xml_of(response)
    assert root.tag == "discovery"
    assert root.findtext("contact") and root.findtext("key_service") and root.findtext("changeset")
    endpoints = root.findall("endpoints/endpoint")
    assert [e.findtext("type") for e in endpoints] == ["production", "test"]
    for endpoint in endpoints:
        assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
        assert [f.text for f in endpoint.findall("formats/format")] == [
            "text/xml",
            "application/json",
        ]


def test_services_xml_has_services_service(client, chicago):
    root = xml_of(client.get("/open311/v2/services.xml"))
    assert root.tag == "services"
    services = root.findall("service")
    assert len(services) == 14
    first = services[0]
    assert first.findtext("service_code") == ABANDONED_VEHICLE
    assert first.findtext("service_name") == "Abandoned Vehicle"
    assert first.findtext("metadata") == "true"
    assert first.findtext("type") == "batch"
    assert first.findtext("group") == "Vehicles"
    assert first.find("keywords") is not None and first.find("description") is not None


def test_services_json_types_are_strict(client, chicago):
    services = client.get("/open311/v2/services.json").json()
    for service in services:
        assert isinstance(service["service_code"], str)
        assert isinstance(service["metadata"], bool)
        assert isinstance(service["group"], str)
        assert service["type"] in {"realtime", "batch", "blackbox"}
    alley = next(s for s in services if s["service_name"] == "Alley Light Out")
    assert alley["metadata"] is False


def test_service_definition_xml_has_attributes_and_values(client, chicago):
    root = xml_of(client.get(f"/open311/v2/services/{POTHOLE}.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == POTHOLE
    attributes = root.findall("attributes/attribute")
    assert [a.findtext("order") for a in attributes] == ["1", "2"]
    where = attributes[0]
    assert where.findtext("code") == "WHEREIST"
    assert where.findtext("required") == "true" and where.findtext("variable") == "true"
    assert where.findtext("datatype") == "singlevaluelist"
    keys = [v.findtext("key") for v in where.findall("values/value")]
    assert keys == ["BIKE", "CROSS", "CURB", "INTERSEC", "TRAFFIC"]
    assert where.find("values/value/name").text == "Bike Lane"
    # A free-text attribute has no values list at all.
    assert attributes[1].find("values") is None


def test_service_definition_json_matches_the_schema(client, chicago):
    definition = client.get(f"/open311/v2/services/{POTHOLE}.json").json()
    assert_schema(definition, "service-definition.json")
    assert [a["order"] for a in definition["attributes"]] == [1, 2]
    assert definition["attributes"][0]["values"][0] == {"key": "BIKE", "name": "Bike Lane"}


def test_post_xml_answers_service_requests_request_token(client, chicago, api_key):
    response = client.post("/open311/v2/requests.xml", vehicle_form(api_key))
    assert response.status_code == 200
    root = xml_of(response)
    assert root.tag == "service_requests"
    (request,) = root.findall("request")
    token = request.findtext("token")
    assert token and request.find("service_request_id") is None
    assert request.find("service_notice") is not None and request.find("account_id") is not None
    resolved = xml_of(client.get(f"/open311/v2/tokens/{token}.xml"))
    assert resolved.tag == "service_requests"
    assert resolved.findtext("request/token") == token
    assert TRACKING_NUMBER.match(resolved.findtext("request/service_request_id"))


def test_a_realtime_service_answers_the_id_itself(client, chicago, api_key, pothole):
    pothole.type = "realtime"
    pothole.save()
    response = client.post("/open311/v2/requests.json", pothole_form(api_key))
    (answer,) = response.json()
    assert TRACKING_NUMBER.match(answer["service_request_id"]) and "token" not in answer
    assert answer["service_notice"] is None and answer["account_id"] is None


def test_get_requests_json_has_every_key_and_validates(client, chicago, api_key):
    file_vehicle(client, api_key)
    client.post("/open311/v2/requests.json", pothole_form(api_key, description=None))
    response = client.get("/open311/v2/requests.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    records = response.json()
    assert len(records) == 2
    assert_schema(records, "requests.json")
    for record in records:
        assert set(record) == RECORD_KEYS
        assert record["media_url"] is None
        assert W3C_DATETIME.match(record["requested_datetime"])
    newest = records[0]
    assert newest["service_code"] == POTHOLE and newest["description"] is None
    assert newest["lat"] == pytest.approx(41.8837) and isinstance(newest["lat"], float)


def test_get_requests_xml_has_service_requests_request(client, chicago, api_key):
    number = file_vehicle(client, api_key)
    root = xml_of(client.get("/open311/v2/requests.xml"))
    assert root.tag == "service_requests"
    (request,) = root.findall("request")
    assert {child.tag for child in request} == RECORD_KEYS
    assert request.findtext("service_request_id") == number
    assert request.findtext("status") == "open"
    assert request.find("media_url").text is None  # an empty element, not ""
    assert re.match(r".*-0[56]:00$", request.findtext("requested_datetime"))


def test_one_request_is_a_list_of_one_in_both_formats(client, chicago, api_key):
    number = file_vehicle(client, api_key)
    records = client.get(f"/open311/v2/requests/{number}.json").json()
    assert isinstance(records, list) and len(records) == 1
    assert_schema(records, "requests.json")
    assert records[0]["service_request_id"] == number
    root = xml_of(client.get(f"/open311/v2/requests/{number}.xml"))
    assert root.tag == "service_requests"
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [number]


def test_dates_are_in_chicago_time_to_the_second(client, chicago, api_key, settings):
    number = file_vehicle(client, api_key)
    (record,) = client.get(f"/open311/v2/requests/{number}.json").json()
    stored = ServiceRequest.objects.get(tracking_number=number)
    from zoneinfo import ZoneInfo

    local = stored.requested_datetime.astimezone(ZoneInfo("America/Chicago"))
    assert record["requested_datetime"] == local.replace(microsecond=0).isoformat()
    assert record["requested_datetime"][-6:] in {"-05:00", "-06:00"}
    assert record["expected_datetime"] is not None  # the service has a 30-day target


def test_updates_feed_json_and_xml(client, chicago, api_key):
    number = file_vehicle(client, api_key)
    updates = client.get("/open311/v2/servicerequestupdates.json").json()
    assert updates, "the opening of the request is an update"
    update = updates[0]
    assert set(update) == {
        "update_id",
        "service_request_id",
        "status",
        "updated_datetime",
        "description",
        "media_url",
    }
    assert update["service_request_id"] == number and update["status"] == "open"
    assert update["description"] == "Sent to Streets and Sanitation"
    assert update["media_url"] == "" and isinstance(update["update_id"], str)
    root = xml_of(client.get("/open311/v2/servicerequestupdates.xml"))
    assert root.tag == "service_request_updates"
    assert [u.findtext("update_id") for u in root.findall("request_update")] == [
        u["update_id"] for u in updates
    ]


def test_post_update_json_and_xml_answer_update_ids(client, chicago, api_key):
    number = file_vehicle(client, api_key)
    form = {
        "api_key": api_key,
        "service_request_id": number,
        "status": "OPEN",
        "updated_datetime": "2026-01-01T10:00:00-06:00",
        "description": "Still there this morning.",
    }
    first = client.post("/open311/v2/servicerequestupdates.json", {**form, "update_id": "c-1"})
    assert first.status_code == 200, first.content
    (answer,) = first.json()
    assert set(answer) == {"update_id"} and answer["update_id"].isdigit()
    second = client.post("/open311/v2/servicerequestupdates.xml", {**form, "update_id": "c-2"})
    root = xml_of(second)
    assert root.tag == "service_request_updates"
    assert root.findtext("request_update/update_id").isdigit()


def test_yes_and_no_keys_stay_words_not_yaml_booleans(client, chicago):
    from civic311.catalog.models import Service

    code = Service.objects.get(name="Tree Debris").service_code
    definition = client.get(f"/open311/v2/services/{code}.json").json()
    amount = next(a for a in definition["attributes"] if a["code"] == "ISTHEAMO")
    assert amount["values"] == [{"key": "YES", "name": "Yes"}, {"key": "NO", "name": "No"}]
