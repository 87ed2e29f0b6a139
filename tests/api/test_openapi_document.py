"""The OpenAPI 3.1 document: valid, complete (every method in JSON and XML), and strict
where real clients need it to be (string ids, every GeoReport key present)."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

PRODUCTION = "/open311/v2/openapi.json"
SANDBOX = "/open311/sandbox/v2/openapi.json"
METHODS = [
    ("get", "/discovery"),
    ("get", "/v2/services"),
    ("get", "/v2/services/{service_code}"),
    ("post", "/v2/requests"),
    ("get", "/v2/tokens/{token}"),
    ("get", "/v2/requests"),
    ("get", "/v2/requests/{service_request_id}"),
    ("get", "/v2/servicerequestupdates"),
    ("post", "/v2/servicerequestupdates"),
]
FORMATS = {"json": "application/json", "xml": "text/xml"}


def _document(client, path=PRODUCTION) -> dict:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def _validator(document: dict, component: str) -> Draft202012Validator:
    registry = Registry().with_resource(
        "urn:civic311:openapi", Resource(contents=document, specification=DRAFT202012)
    )
    ref = {"$ref": f"urn:civic311:openapi#/components/schemas/{component}"}
    return Draft202012Validator(ref, registry=registry)


@pytest.mark.parametrize("path", [PRODUCTION, SANDBOX])
def test_the_served_documents_are_valid_openapi_3_1(client, path):
    document = _document(client, path)
    validate(document)  # raises with the first problem
    assert document["openapi"] == "3.1.0"
    assert document["servers"][0]["url"] == "http://testserver/open311"


@pytest.mark.parametrize(("method", "stem"), METHODS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_method_is_described_in_both_formats_with_its_errors(client, method, stem, fmt):
    operation = _document(client)["paths"][f"{stem}.{fmt}"][method]
    assert next(iter(operation["responses"]["200"]["content"])) == FORMATS[fmt]
    if stem != "/discovery":
        error = operation["responses"]["400"]["$ref"].rsplit("/", 1)[-1]
        assert error == f"Error400{fmt.upper()}"
    if method == "post":
        assert operation["security"] == [{"api_key": []}]
        assert {"403", "429"} <= set(operation["responses"])


def test_the_sandbox_document_describes_the_sandbox_paths(client):
    paths = _document(client, SANDBOX)["paths"]
    assert "/sandbox/v2/requests.json" in paths
    assert "/sandbox/v2/keys.json" in paths, "sandbox keys are self-service"
    assert not any(p.startswith("/v2/") for p in paths)
    assert "purged after 7 days" in paths["/sandbox/v2/requests.json"]["post"]["description"]


def test_request_records_must_carry_every_key_with_string_ids(client):
    validator = _validator(_document(client), "Requests")
    record = {
        "service_request_id": "26-00001234", "status": "open", "status_notes": None,
        "service_name": "Pothole in Street", "service_code": "4fd3b656e750846c53000004",
        "description": "Deep pothole", "agency_responsible": "Transportation",
        "service_notice": None, "requested_datetime": "2026-03-01T09:15:00-06:00",
        "updated_datetime": "2026-03-01T09:15:00-06:00", "expected_datetime": None,
        "address": "121 N LaSalle St", "address_id": None, "zipcode": None,
        "lat": 41.8837, "long": -87.6325, "media_url": None,
        "attributes": {"WHEREIST": "CURB"},
        "extended_attributes": {"channel": "open311", "ward": "42", "duplicate": False},
        "notes": [{"datetime": "2026-03-01T09:15:00-06:00", "summary": "Request opened",
                   "type": "opened"}],
    }  # fmt: skip
    assert validator.is_valid([record])
    assert not validator.is_valid([{k: v for k, v in record.items() if k != "media_url"}])
    assert not validator.is_valid([{**record, "service_request_id": 1234}])
    assert not validator.is_valid(record), "a single request is still an array of one"
    bad_note = {**record, "notes": [{**record["notes"][0], "type": "status_changed"}]}
    assert not validator.is_valid([bad_note]), "notes use Chicago's vocabulary"


def test_errors_and_post_answers_have_the_georeport_shapes(client):
    document = _document(client)
    assert _validator(document, "Errors").is_valid(
        [{"code": 400, "description": "HOWMANYD required"}]
    )
    assert not _validator(document, "Errors").is_valid([{"code": "400", "description": "x"}])
    created = _validator(document, "CreatedList")
    assert created.is_valid([{"token": "abc"}])
    assert created.is_valid([{"service_request_id": "26-00000001", "service_notice": None}])
    assert not created.is_valid([{"service_notice": "neither id nor token"}])


def test_the_document_is_open_to_other_sites_tools(client):
    assert client.get(PRODUCTION)["Access-Control-Allow-Origin"] == "*"
    assert client.post(PRODUCTION).status_code == 405
