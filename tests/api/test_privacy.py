"""Privacy (item 9): no requester name, email, phone, device or account id in any GET or feed."""

import pytest

from tests.api.conftest import file_vehicle
from tests.support.privacy import SECRETS

pytestmark = pytest.mark.django_db

MOBILE = "312-555-0177"  # A511OPTN: the resident's mobile number


@pytest.mark.parametrize("prefix", ["/open311/v2/", "/open311/sandbox/v2/"])
def test_no_private_value_appears_in_any_get(client, chicago, api_key, sandbox_key, prefix):
    key = sandbox_key if "sandbox" in prefix else api_key
    number = file_vehicle(client, key, prefix=prefix, **SECRETS, **{"attribute[A511OPTN]": MOBILE})
    comment = {
        "api_key": key,
        "service_request_id": number,
        "update_id": "c-1",
        "status": "OPEN",
        "updated_datetime": "2026-01-01T00:00:00Z",
        "description": "Still there.",
        **SECRETS,
    }
    assert client.post(f"{prefix}servicerequestupdates.json", comment).status_code == 200
    paths = [
        "/open311/discovery.{fmt}",
        f"{prefix}services.{{fmt}}",
        f"{prefix}requests.{{fmt}}",
        f"{prefix}requests.{{fmt}}?extensions=true",
        f"{prefix}requests/{number}.{{fmt}}",
        f"{prefix}requests/{number}.{{fmt}}?extensions=true",
        f"{prefix}servicerequestupdates.{{fmt}}",
    ]
    seen = 0
    for path in paths:
        for fmt in ("json", "xml"):
            response = client.get(path.format(fmt=fmt))
            assert response.status_code == 200
            body = response.content.decode()
            seen += number in body
            for name, value in {**SECRETS, "A511OPTN": MOBILE}.items():
                assert value not in body, f"{name} leaked in {path.format(fmt=fmt)}"
    assert seen >= 10  # the request itself was in the answers checked


def test_the_post_answer_does_not_echo_private_fields(client, chicago, api_key):
    from tests.api.conftest import vehicle_form

    response = client.post("/open311/v2/requests.json", vehicle_form(api_key, **SECRETS))
    assert response.status_code == 200
    for value in SECRETS.values():
        assert value not in response.content.decode()
