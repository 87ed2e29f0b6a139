"""The OpenAPI document and the server agree on the cases fuzzing found apart (issue 13, item 11).

Each case is asked of the server and of the served document: an answer of 200 must be
a value the document admits, a 400 one it forbids (or, for a rule between parameters
the schema cannot express, one its description names). The decisions, for clients:
an empty optional parameter means "not given" (clients fill URL templates with empty
values), a malformed `callback` is a 400 whatever the format, `end_date` before
`start_date` is a 400, and a required field sent empty is missing.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.api.conftest import pothole_form
from tests.conftest import POTHOLE

pytestmark = pytest.mark.django_db

OPENAPI = "/open311/v2/openapi.json"
BACKWARDS = "start_date=2026-03-01T00:00:00-06:00&end_date=2026-02-01T00:00:00-06:00"

QUERY_CASES = [
    ("/v2/requests.json?updated_before=", 200),
    ("/v2/requests.json?updated_after=", 200),
    ("/v2/requests.json?start_date=", 200),
    ("/v2/requests.json?end_date=", 200),
    ("/v2/requests.json?callback=", 200),
    ("/v2/requests.xml?callback=", 200),
    ("/v2/services.json?callback=", 200),
    ("/v2/servicerequestupdates.json?start_date=", 200),
    ("/v2/servicerequestupdates.xml?end_date=", 200),
    ("/v2/requests.json?callback=%FF%FE", 400),
    ("/v2/requests.xml?callback=%FF%FE", 400),
    ("/v2/requests.xml?callback=alert(1)", 400),
    ("/v2/services.xml?callback=a-b", 400),
]


@pytest.fixture
def document(client) -> dict:
    return client.get(OPENAPI).json()


def _schema_validator(document: dict, schema: dict) -> Draft202012Validator:
    registry = Registry().with_resource(
        "urn:civic311:openapi", Resource(contents=document, specification=DRAFT202012)
    )
    rebased = _rebase(schema)
    return Draft202012Validator(
        rebased, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def _rebase(node):
    if isinstance(node, dict):
        return {
            k: (f"urn:civic311:openapi{v}" if k == "$ref" else _rebase(v)) for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rebase(v) for v in node]
    return node


def _parameter(document: dict, path: str, method: str, name: str) -> dict:
    for parameter in document["paths"][path][method]["parameters"]:
        if "$ref" in parameter:
            parameter = document["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        if parameter["name"] == name and parameter["in"] == "query":
            return parameter
    raise AssertionError(f"{path} documents no query parameter {name}")


def _document_admits_query(document: dict, address: str) -> bool:
    parts = urlsplit(address)
    for name, value in parse_qsl(parts.query, keep_blank_values=True, errors="replace"):
        parameter = _parameter(document, parts.path, "get", name)
        if value == "" and parameter.get("allowEmptyValue"):
            continue
        if not _schema_validator(document, parameter["schema"]).is_valid(value):
            return False
    return True


@pytest.mark.parametrize(("address", "status"), QUERY_CASES)
def test_server_and_document_agree_on_the_query(client, chicago, document, address, status):
    answer = client.get(f"/open311{address}")
    assert answer.status_code == status, answer.content[:200]
    assert _document_admits_query(document, address) is (status == 200)


@pytest.mark.parametrize("method", ["requests", "servicerequestupdates"])
def test_end_date_before_start_date_is_a_400_the_document_names(client, document, method):
    answer = client.get(f"/open311/v2/{method}.json?{BACKWARDS}")
    assert answer.status_code == 400
    assert answer.json()[0]["description"] == "end_date must not be before start_date"
    end_date = _parameter(document, f"/v2/{method}.json", "get", "end_date")
    assert "before start_date it is a 400" in end_date["description"]


def test_a_request_posted_with_an_empty_service_code_is_refused_by_both(
    client, chicago, api_key, document
):
    form = {**pothole_form(api_key), "service_code": "  "}
    answer = client.post("/open311/v2/requests.json", form)
    assert answer.status_code == 400
    assert "service_code required" in {e["description"] for e in answer.json()}
    submission = _schema_validator(document, {"$ref": "#/components/schemas/Submission"})
    assert not submission.is_valid({"service_code": "  "})
    assert submission.is_valid({"service_code": POTHOLE})


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("service_request_id", "", "service_request_id required"),
        ("update_id", " ", "update_id required"),
        ("update_id", "u" * 101, "update_id must be at most 100 characters"),
    ],
)
def test_an_update_with_an_empty_or_overlong_id_is_refused_by_both(
    client, chicago, api_key, document, field, value, problem
):
    body = {
        "api_key": api_key,
        "service_request_id": "26-00000001",
        "update_id": "u-1",
        "status": "OPEN",
        "updated_datetime": "2026-03-01T09:00:00-06:00",
        "description": "Still there",
        field: value,
    }
    answer = client.post("/open311/v2/servicerequestupdates.json", body)
    assert answer.status_code == 400
    assert problem in {e["description"] for e in answer.json()}
    update = _schema_validator(document, {"$ref": "#/components/schemas/UpdateSubmission"})
    assert update.is_valid({k: v for k, v in body.items() if k != field} | {field: "ok"})
    assert not update.is_valid(body)
