"""Chicago's extensions (item 6), JSONP and CORS."""

import json
import xml.etree.ElementTree as ET

import pytest

from civic311.catalog.models import Department
from civic311.service_requests import services as request_services
from tests.api.conftest import file_at, file_vehicle, xml_of
from tests.conftest import WRIGLEY_FIELD

pytestmark = pytest.mark.django_db


def record(client, number, fmt="json", **params):
    response = client.get(f"/open311/v2/requests/{number}.{fmt}", params)
    assert response.status_code == 200, response.content
    return response.json()[0] if fmt == "json" else xml_of(response).find("request")


def test_without_extensions_there_are_none(client, chicago, api_key):
    number = file_vehicle(client, api_key)
    plain = record(client, number)
    assert "notes" not in plain and "attributes" not in plain
    assert "extended_attributes" not in plain


def test_attributes_and_extended_attributes(client, chicago, api_key):
    number = file_vehicle(client, api_key, **{"attribute[A511OPTN]": "312-555-0199"})
    found = record(client, number, extensions="true")
    # A511OPTN is the resident's mobile number: a private answer, never published.
    assert found["attributes"] == {"HOWMANYD": 14, "FQSKA3": "BLU"}
    assert found["extended_attributes"] == {
        "channel": "open311",
        "ward": "44",
        "zip": "60613",  # from the point: the app sent none
        "community_area": "6",  # Lake View, from the point
        "duplicate": False,
        "parent_service_request_id": None,
        "address_derived": False,
        "location_precision": "address",
        "photos": [],
    }


def test_notes_follow_the_public_timeline_in_chicagos_vocabulary(client, chicago, api_key):
    number = file_vehicle(client, api_key)
    from civic311.service_requests.models import ServiceRequest

    request = ServiceRequest.objects.get(tracking_number=number)
    request_services.add_note(request, text="Crew sent.", public=True, actor=None)
    request_services.add_note(request, text="Owner is a friend.", public=False, actor=None)
    request_services.transfer(
        request,
        to_department=Department.objects.get(code="water-management"),
        reason="It is a sewer cave-in.",
        actor=None,
    )
    request_services.change_status(request, status="fixed", actor=None, public_note="Towed.")
    notes = record(client, number, extensions="1")["notes"]
    assert [n["type"] for n in notes] == [
        "submitted",
        "opened",
        "activity",
        "activity",
        "closed",
    ]
    assert notes[0]["summary"] == "Request received via app"
    assert notes[1]["summary"] == "Sent to Streets and Sanitation"
    assert notes[2] == {**notes[2], "summary": "Update from the city", "description": "Crew sent."}
    assert notes[3]["summary"] == "Transferred to Water Management"
    assert notes[3]["description"] == "It is a sewer cave-in."
    assert notes[4]["summary"] == "Status changed from Received to Completed"
    assert "Owner is a friend." not in json.dumps(notes)
    assert all(n["datetime"][-6:] in {"-05:00", "-06:00"} for n in notes)


def test_notes_are_english_whatever_the_client_accepts(client, chicago, api_key):
    number = file_vehicle(client, api_key)
    response = client.get(
        f"/open311/v2/requests/{number}.json?extensions=true", HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.json()[0]["notes"][0]["summary"] == "Request received via app"


def test_duplicates_name_their_parent(client, chicago, pothole):
    import datetime as dt

    now = dt.datetime.now(dt.UTC)
    parent = file_at(now, pothole)
    child = file_at(now, pothole, where=WRIGLEY_FIELD)
    request_services.mark_duplicate(child, parent=parent, actor=None)
    extended = record(client, child.tracking_number, extensions="true")["extended_attributes"]
    assert extended["duplicate"] is True
    assert extended["parent_service_request_id"] == parent.tracking_number
    assert record(client, child.tracking_number)["status"] == "closed"


def test_extensions_in_xml_follow_the_spark_shape(client, chicago, api_key, pothole):
    import datetime as dt

    number = file_vehicle(client, api_key)
    debris = file_at(
        dt.datetime.now(dt.UTC),
        pothole,
        attributes={"WHEREIST": ["CURB"]},
    )
    found = record(client, number, "xml", extensions="true")
    assert found.findtext("attributes/HOWMANYD") == "14"
    assert found.findtext("extended_attributes/channel") == "open311"
    assert found.findtext("extended_attributes/duplicate") == "false"
    assert found.find("extended_attributes/photos") is not None
    notes = found.findall("notes/note")
    assert [n.findtext("type") for n in notes] == ["submitted", "opened"]
    assert notes[0].findtext("summary") == "Request received via app"
    listed = xml_of(client.get("/open311/v2/requests.xml?extensions=true"))
    assert {r.findtext("service_request_id") for r in listed.findall("request")} == {
        number,
        debris.tracking_number,
    }


def test_an_attribute_code_that_is_no_xml_name_is_still_well_formed(client, chicago):
    import datetime as dt

    from civic311.catalog.models import Service

    tree_debris = Service.objects.get(name="Tree Debris")
    answers = {"ISTHEAMO": ["YES"], "IFYES,WH": ["ALLEY"]}
    made = file_at(dt.datetime.now(dt.UTC), tree_debris, attributes=answers)
    found = record(client, made.tracking_number, "xml", extensions="true")
    odd = found.find("attributes/attribute[@code='IFYES,WH']")
    assert odd is not None and odd.text == "ALLEY"
    assert record(client, made.tracking_number, extensions="true")["attributes"]["IFYES,WH"] == (
        "ALLEY"
    )


def test_jsonp_wraps_json_in_the_named_function(client, chicago):
    response = client.get("/open311/v2/services.json", {"callback": "jQuery123_456.done"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    body = response.content.decode()
    assert body.startswith("/**/jQuery123_456.done(") and body.endswith(");")
    assert len(json.loads(body[len("/**/jQuery123_456.done(") : -2])) == 14


@pytest.mark.parametrize("name", ["alert(1)//", "a b", "<script>", "x" * 101, "1abc"])
def test_a_callback_that_is_not_a_plain_name_is_refused(client, chicago, name):
    response = client.get("/open311/v2/services.json", {"callback": name})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "callback" in response.json()[0]["description"]


def test_jsonp_applies_to_errors_too(client, chicago):
    response = client.get("/open311/v2/requests/26-99999999.json", {"callback": "cb"})
    assert response.status_code == 404
    assert response.content.startswith(b"/**/cb([{")


def test_gets_allow_any_origin_and_posts_do_not(client, chicago, api_key):
    get = client.get("/open311/v2/services.xml", HTTP_ORIGIN="https://app.example")
    assert get["Access-Control-Allow-Origin"] == "*"
    error = client.get("/open311/v2/services/nope.json", HTTP_ORIGIN="https://app.example")
    assert error.status_code == 404 and error["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/open311/v2/requests.json", HTTP_ORIGIN="https://app.example")
    assert preflight.status_code == 204 and preflight["Access-Control-Allow-Origin"] == "*"
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    post = client.post("/open311/v2/requests.json", {"api_key": api_key})
    assert "Access-Control-Allow-Origin" not in post


def test_xml_of_a_list_is_never_parsed_as_json(client, chicago):
    body = client.get("/open311/v2/services.xml", {"callback": "cb"}).content
    assert ET.fromstring(body).tag == "services"
