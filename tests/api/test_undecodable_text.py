"""Bytes that are not UTF-8 are refused with a 400 naming the field, never stored garbled
(issue 13, item 12). Django decodes them as U+FFFD; the API now says so instead."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from civic311.service_requests.models import ServiceRequest
from tests.api.conftest import pothole_form, xml_of

pytestmark = pytest.mark.django_db

LATIN1_CAFE = b"Caf\xe9 on the corner"  # what a Latin-1 client sends for "Café"


def _urlencoded(form: dict, **raw: bytes) -> bytes:
    """The form, encoded as UTF-8, with the `raw` fields' bytes percent-encoded as they are."""
    return (urlencode(form) + "".join(f"&{k}=" + _percent(v) for k, v in raw.items())).encode()


def _percent(value: bytes) -> str:
    return "".join(f"%{b:02X}" for b in value)


def test_a_latin1_description_is_a_400_naming_the_field_and_nothing_is_filed(
    client, chicago, api_key
):
    form = {k: v for k, v in pothole_form(api_key).items() if k != "description"}
    answer = client.post(
        "/open311/v2/requests.json",
        _urlencoded(form, description=LATIN1_CAFE),
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code == 400
    assert answer.json() == [
        {"code": 400, "description": "description is not UTF-8 text; "
         "send every parameter encoded as UTF-8"}
    ]  # fmt: skip
    assert not ServiceRequest.objects.exists()


def test_the_same_in_a_multipart_body_and_in_xml(client, chicago, api_key):
    boundary = "civic311boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        + (value if isinstance(value, bytes) else value.encode())
        + b"\r\n"
        for name, value in {**pothole_form(api_key), "last_name": b"Garc\xeda"}.items()
    ]
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    answer = client.post(
        "/open311/v2/requests.xml", body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert answer.status_code == 400
    assert xml_of(answer).findtext("error/description").startswith("last_name is not UTF-8")
    assert not ServiceRequest.objects.exists()


def test_a_query_string_that_is_not_utf8_is_a_400_too(client, chicago):
    answer = client.get("/open311/v2/requests.json?service_code=%FF%FE&status=open")
    assert answer.status_code == 400
    assert answer.json()[0]["description"].startswith("service_code is not UTF-8 text")


def test_real_utf8_text_in_any_script_is_kept_exactly(client, chicago, api_key):
    words = "Café, niño, 中文, and a pothole 🕳"
    answer = client.post("/open311/v2/requests.json", pothole_form(api_key, description=words))
    assert answer.status_code == 200, answer.content
    assert ServiceRequest.objects.get().description == words
