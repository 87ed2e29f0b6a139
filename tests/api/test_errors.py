"""Errors (item 8): always GeoReport bodies in the asked format, with the right status."""

import pytest

from tests.api.conftest import file_vehicle, xml_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "status", "description"),
    [
        ("/open311/v2/services/nope.{fmt}", 404, "service_code nope not found"),
        ("/open311/v2/requests/26-99999999.{fmt}", 404, "service_request_id 26-99999999 not found"),
        (
            "/open311/v2/requests/not-a-number.{fmt}",
            404,
            "service_request_id not-a-number not found",
        ),
        ("/open311/v2/tokens/abc.{fmt}", 404, "token abc not found"),
        (
            "/open311/v2/services.{fmt}?jurisdiction_id=sfgov.org",
            404,
            "jurisdiction_id sfgov.org not found; this server answers for cityofchicago.org",
        ),
        ("/open311/v2/requests.{fmt}?status=pending", 400, "status must be open or closed"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_errors_come_in_the_requested_format(client, chicago, fmt, path, status, description):
    response = client.get(path.format(fmt=fmt))
    assert response.status_code == status
    if fmt == "json":
        ((error),) = response.json()
        code, text = error["code"], error["description"]
    else:
        root = xml_of(response)
        assert root.tag == "errors"
        code, text = int(root.findtext("error/code")), root.findtext("error/description")
    assert code == status and text.startswith(description)


def test_jurisdiction_id_is_optional_and_accepted_when_right(client, chicago):
    assert client.get("/open311/v2/services.json").status_code == 200
    right = client.get("/open311/v2/services.json?jurisdiction_id=cityofchicago.org")
    assert right.status_code == 200 and len(right.json()) == 14
    empty = client.get("/open311/v2/services.json?jurisdiction_id=")
    assert empty.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/open311/",
        "/open311/v2/",
        "/open311/v2/services",
        "/open311/v2/services.html",
        "/open311/v3/services.json",
        "/open311/v2/requests/26-00000001/notes.json",
    ],
)
def test_unknown_addresses_under_open311_are_georeport_404s(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert not response.content.lstrip().lower().startswith((b"<!doctype", b"<html"))
    if path.endswith(".json"):
        assert response.json()[0]["code"] == 404
    else:
        assert xml_of(response).findtext("error/code") == "404"


def test_unknown_addresses_answer_json_to_a_json_client(client):
    response = client.get("/open311/v2/nothing", HTTP_ACCEPT="application/json")
    assert response.status_code == 404 and response.json()[0]["code"] == 404


def test_a_wrong_method_is_a_georeport_405(client, chicago):
    response = client.post("/open311/v2/services.json", {})
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert "POST is not allowed here" in response.json()[0]["description"]
    xml = client.delete("/open311/v2/requests.xml")
    assert xml.status_code == 405 and xml_of(xml).findtext("error/code") == "405"


def test_posts_need_no_csrf_token(chicago, api_key):
    from django.test import Client

    from tests.api.conftest import vehicle_form

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/open311/v2/requests.json", vehicle_form(api_key)).status_code == 200
    assert strict.post("/open311/v2/nowhere.json", {}).status_code == 404


def test_an_unexpected_failure_is_a_georeport_500_not_a_page(client, chicago, caplog):
    from django.db import connection

    from civic311.catalog.models import ServiceAttribute

    # A real failure, not a stand-in: the table the service list reads is gone (the test's
    # transaction puts it back).
    table = ServiceAttribute._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} RENAME TO gone_for_this_test")
    response = client.get("/open311/v2/services.xml")
    assert response.status_code == 500
    assert xml_of(response).findtext("error/code") == "500"
    assert "gone_for_this_test" not in response.content.decode()
    assert table not in response.content.decode()
    assert "Unexpected error answering GET /open311/v2/services.xml" in caplog.text


def test_a_bad_content_length_is_a_400(client, chicago, api_key):
    response = client.generic(
        "POST",
        "/open311/v2/requests.json",
        b"api_key=x",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH="lots",
    )
    assert response.status_code == 400
    assert "Content-Length" in response.json()[0]["description"]


def test_a_successful_get_is_exactly_200(client, chicago, api_key):
    number = file_vehicle(client, api_key)
    for path in (
        "/open311/discovery.json",
        "/open311/v2/services.json",
        "/open311/v2/requests.json",
        f"/open311/v2/requests/{number}.json",
        "/open311/v2/servicerequestupdates.json",
    ):
        assert client.get(path).status_code == 200


def test_the_api_skips_the_site_middleware(client, chicago):
    api = client.get("/open311/v2/services.json", HTTP_ACCEPT_LANGUAGE="es")
    assert api.status_code == 200
    assert "Content-Language" not in api and "Vary" not in api and not api.cookies
    assert api["X-Content-Type-Options"] == "nosniff"  # the security headers still apply
    site = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="es")
    assert site["X-Frame-Options"] == "DENY" and site["Content-Language"] == "es"


@pytest.mark.parametrize(
    "query",
    [
        "end_date=0001-01-05T00:00:00Z",
        "start_date=9999-12-31T23:59:59-05:00",
        "start_date=0001-01-01T00:00:00%2B05:00",
        "page=1000000&page_size=500",
        "service_request_id=" + "9" * 500,
        "service_code=%00%01",
        "status=OPEN",
    ],
)
def test_edge_values_never_fail_the_server(client, chicago, query):
    for fmt in ("json", "xml"):
        response = client.get(f"/open311/v2/requests.{fmt}?{query}&extensions=true")
        assert response.status_code in {200, 400}, response.content


def test_a_huge_number_answer_is_still_served(client, chicago, api_key):
    number = file_vehicle(client, api_key, **{"attribute[HOWMANYD]": "1e30"})
    for fmt in ("json", "xml"):
        response = client.get(f"/open311/v2/requests/{number}.{fmt}?extensions=true")
        assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    "path",
    [
        "/open311/v2/services/%00.json",
        "/open311/v2/requests/26-%0000000001.xml",
        "/open311/v2/tokens/%00abc.json",
        "/open311/v2/requests.json?service_request_id=26-0000000%001",
        "/open311/v2/servicerequestupdates.json?service_request_id=%00",
    ],
)
def test_nul_bytes_anywhere_are_harmless(client, chicago, path):
    assert client.get(path).status_code in {200, 404}
