"""POST requests (item 3): bodies, keys, locations, attributes, private fields, media URLs."""

import pytest
from django.test.client import encode_multipart

from civic311.open311.models import ApiSubmission
from civic311.service_requests.models import RequestEvent, ServiceRequest
from tests.api.conftest import file_vehicle, pothole_form, vehicle_form, xml_of
from tests.conftest import ABANDONED_VEHICLE, LAKE_MICHIGAN

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests.json"


def only_request() -> ServiceRequest:
    (request,) = ServiceRequest.objects.all()
    return request


def test_form_encoded_post_files_an_open311_request_recording_the_client(client, chicago, api_key):
    number = file_vehicle(client, api_key)
    request = ServiceRequest.objects.get(tracking_number=number)
    assert request.channel == "open311" and request.is_test is False
    assert request.service.service_code == ABANDONED_VEHICLE
    assert request.attributes == {"HOWMANYD": 14, "FQSKA3": "BLU"}
    assert request.address == "1060 W Addison St, Chicago, IL 60613"
    assert request.ward_id == 44
    assert ApiSubmission.objects.get(request=request).client.name == "Chicago Works"
    submitted = RequestEvent.objects.get(request=request, type="submitted")
    assert submitted.actor_label == "Chicago Works"


def test_multipart_post_is_accepted_too(client, chicago, api_key):
    body = encode_multipart("BoUnDaRy", vehicle_form(api_key))
    response = client.post(URL, body, content_type="multipart/form-data; boundary=BoUnDaRy")
    assert response.status_code == 200, response.content
    assert only_request().attributes["HOWMANYD"] == 14


def test_submitter_fields_are_stored_privately(client, chicago, api_key):
    file_vehicle(client, api_key)
    request = only_request()
    assert (request.requester_first_name, request.requester_last_name) == ("Rosa", "Parks")
    assert request.requester_email == "resident@example.org"
    assert request.requester_phone == "312-555-0100"
    assert request.requester_device_id == "device-42"
    assert request.requester_account_id == "account-7"


def test_deviceid_is_accepted_for_device_id(client, chicago, api_key):
    file_vehicle(client, api_key, device_id=None, deviceid="fms-device")
    assert only_request().requester_device_id == "fms-device"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"api_key": None}, "api_key required"),
        ({"api_key": "live_not-a-key"}, "Invalid api_key"),
    ],
)
def test_a_missing_or_wrong_key_is_403_in_the_requested_format(
    client, chicago, api_key, fields, expected
):
    response = client.post(URL, vehicle_form(api_key, **fields))
    assert response.status_code == 403
    ((error),) = response.json()
    assert error["code"] == 403 and expected in error["description"]
    xml = client.post("/open311/v2/requests.xml", vehicle_form(api_key, **fields))
    assert xml.status_code == 403
    assert xml_of(xml).findtext("error/code") == "403"
    assert not ServiceRequest.objects.exists()


def test_the_key_may_come_in_the_query_string(client, chicago, api_key):
    form = vehicle_form(api_key, api_key=None)
    response = client.post(f"{URL}?api_key={api_key}", form)
    assert response.status_code == 200


def test_a_revoked_key_is_refused(client, chicago, api_key):
    from civic311.open311.models import ApiClient
    from civic311.open311.services import revoke_client

    revoke_client(client=ApiClient.objects.get())
    response = client.post(URL, vehicle_form(api_key))
    assert response.status_code == 403 and "revoked" in response.json()[0]["description"]


@pytest.mark.parametrize(
    ("fields", "description"),
    [
        ({"lat": None, "long": None, "address_string": None}, "a location is required"),
        ({"long": None}, "lat and long must be sent together"),
        ({"lat": "north"}, "lat must be a decimal number"),
        ({"lat": "nan"}, "lat must be a decimal number"),
        ({"lat": "95"}, "lat must be within ±90"),
    ],
)
def test_location_rules(client, chicago, api_key, fields, description):
    response = client.post(URL, vehicle_form(api_key, **fields))
    assert response.status_code == 400
    assert any(description in e["description"] for e in response.json())


def test_an_address_or_an_address_id_alone_is_enough(client, chicago, api_key):
    file_vehicle(client, api_key, lat=None, long=None)
    file_vehicle(
        client, api_key, lat=None, long=None, address_string=None, address_id="1060 W Addison St"
    )
    placed = ServiceRequest.objects.filter(ward_id=44, lat__isnull=False)
    assert placed.count() == 2 and placed.filter(address_id="1060 W Addison St").exists()


def test_a_point_in_lake_michigan_is_outside_every_ward(client, chicago, api_key):
    lat, long = LAKE_MICHIGAN
    response = client.post(URL, vehicle_form(api_key, lat=str(lat), long=str(long)))
    assert response.status_code == 400
    assert "outside the city" in response.json()[0]["description"]


def test_unknown_service_is_404_and_missing_service_is_400(client, chicago, api_key):
    response = client.post(URL, vehicle_form(api_key, service_code="nope"))
    assert response.status_code == 404
    assert response.json() == [{"code": 404, "description": "service_code nope not found"}]
    response = client.post(URL, vehicle_form(api_key, service_code=None))
    assert response.status_code == 400
    assert {"code": 400, "description": "service_code required"} in response.json()


def test_attribute_spellings_for_a_multivaluelist(client, chicago, api_key, pothole):
    from civic311.catalog.models import AttributeValue, ServiceAttribute

    sides = ServiceAttribute.objects.create(
        service=pothole, code="SIDES", datatype="multivaluelist", order=3, description="Sides?"
    )
    for key in ("N", "S", "E"):
        AttributeValue.objects.create(attribute=sides, key=key, name=key)
    bracketed = pothole_form(api_key, **{"attribute[SIDES][]": ["N", "S"]})
    repeated = pothole_form(api_key, **{"attribute[SIDES]": ["S", "E"]})
    for form in (bracketed, repeated):
        assert client.post(URL, form).status_code == 200
    answers = [r.attributes["SIDES"] for r in ServiceRequest.objects.order_by("id")]
    assert answers == [["N", "S"], ["S", "E"]]


def test_bad_attribute_values_are_400_naming_each(client, chicago, api_key):
    form = vehicle_form(api_key, **{"attribute[HOWMANYD]": "lots", "attribute[FQSKA3]": "PLAID"})
    response = client.post(URL, form)
    assert response.status_code == 400
    descriptions = sorted(e["description"] for e in response.json())
    assert descriptions == ["FQSKA3 has no value PLAID", "HOWMANYD must be a number"]


def test_several_wrong_fields_are_answered_at_once(client, chicago, api_key):
    form = vehicle_form(
        api_key,
        lat="x",
        email="not-an-address",
        description="y" * 4001,
        **{"attribute[HOWMANYD]": None},
    )
    response = client.post(URL, form)
    assert response.status_code == 400
    descriptions = " | ".join(e["description"] for e in response.json())
    for expected in (
        "lat must be",
        "email",
        "description must be at most 4000",
        "HOWMANYD required",
    ):
        assert expected in descriptions
    assert all(e["code"] == 400 for e in response.json())


def test_description_is_plain_text_kept_as_sent_with_line_breaks(client, chicago, api_key):
    text = "Car <b>blocking</b> the alley.\r\nSecond line & more."
    file_vehicle(client, api_key, description=text)
    assert only_request().description == "Car <b>blocking</b> the alley.\nSecond line & more."


def test_description_of_4000_is_fine_and_4001_is_not(client, chicago, api_key):
    assert client.post(URL, vehicle_form(api_key, description="a" * 4000)).status_code == 200
    response = client.post(URL, vehicle_form(api_key, description="a" * 4001))
    assert response.status_code == 400
    assert response.json() == [
        {"code": 400, "description": "description must be at most 4000 characters"}
    ]


def test_nul_and_control_characters_never_reach_the_database(client, chicago, api_key):
    file_vehicle(client, api_key, description="tab\there\x00 nul\x07", first_name="Ro\x00sa")
    request = only_request()
    assert request.description == "tab\there nul" and request.requester_first_name == "Rosa"


def test_overlong_private_fields_are_refused_not_truncated(client, chicago, api_key):
    response = client.post(URL, vehicle_form(api_key, phone="1" * 41, first_name="n" * 101))
    assert response.status_code == 400
    descriptions = {e["description"] for e in response.json()}
    assert descriptions == {
        "phone must be at most 40 characters",
        "first_name must be at most 100 characters",
    }


def test_media_urls_are_stored_as_given_and_never_fetched(client, chicago, api_key):
    # Nothing listens on this port: fetching it would fail the POST.
    urls = ["http://127.0.0.1:9/photos/a.jpg?size=large", "https://example.org/b.png"]
    number = file_vehicle(client, api_key, media_url=urls)
    assert only_request().media_urls == urls
    (record,) = client.get(f"/open311/v2/requests/{number}.json").json()
    assert record["media_url"] == urls[0]


def test_a_media_url_that_is_not_http_is_refused(client, chicago, api_key):
    response = client.post(URL, vehicle_form(api_key, media_url="javascript:alert(1)"))
    assert response.status_code == 400
    assert "media_url must be an http or https address" in response.json()[0]["description"]


def test_jurisdiction_id_is_accepted_in_the_body_and_unknown_is_404(client, chicago, api_key):
    ok = client.post(URL, vehicle_form(api_key, jurisdiction_id="cityofchicago.org"))
    assert ok.status_code == 200
    wrong = client.post(URL, vehicle_form(api_key, jurisdiction_id="sfgov.org"))
    assert wrong.status_code == 404
    assert "jurisdiction_id sfgov.org not found" in wrong.json()[0]["description"]
    assert ServiceRequest.objects.count() == 1
