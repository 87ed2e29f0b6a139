"""The resident and staff forms refuse text that was not sent as UTF-8, at the field, and keep
what else was typed (issue 13, item 12)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from civic311.service_requests.models import ServiceRequest
from tests.support.pages import visible_text
from tests.support.staff import logged_in, make_staff
from tests.web.public.test_report_form import details_url, field_block, pothole_answers

pytestmark = pytest.mark.django_db

NOT_UTF8 = "Some characters here could not be read (the text was not sent as UTF-8)."


def _body(form: dict, **raw: bytes) -> bytes:
    percent = {k: "".join(f"%{b:02X}" for b in v) for k, v in raw.items()}
    return (urlencode(form) + "".join(f"&{k}={v}" for k, v in percent.items())).encode()


def test_the_report_form_names_the_garbled_field_and_keeps_the_rest(client, chicago, pothole):
    answers = {k: v for k, v in pothole_answers().items() if k != "description"}
    response = client.post(
        details_url(pothole),
        _body(answers, description=b"Deep hole by the caf\xe9"),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert NOT_UTF8 in field_block(response.text, "description")
    assert 'value="ana@example.org"' in field_block(response.text, "email")
    assert "García" in field_block(response.text, "last_name")
    assert not ServiceRequest.objects.exists()


def test_the_spanish_form_says_it_in_spanish(client, chicago, pothole):
    answers = {k: v for k, v in pothole_answers().items() if k != "first_name"}
    response = client.post(
        "/es" + details_url(pothole),
        _body(answers, first_name=b"Jos\xe9"),
        content_type="application/x-www-form-urlencoded",
    )
    assert "no se pudieron leer" in field_block(response.text, "first_name")


def test_staff_intake_refuses_it_at_the_field_too(client, pothole):
    logged_in(client, make_staff("operator", "operator"))
    form = {
        "service": pothole.pk,
        "attr_WHEREIST": "CURB",
        "address": "121 N LaSalle St",
        "phone": "312-555-0100",
    }
    response = client.post(
        "/staff/intake/",
        _body(form, first_name=b"Jos\xe9"),
        content_type="application/x-www-form-urlencoded",
    )
    page = visible_text(response)
    assert "Caller's first name " + NOT_UTF8 in page
    assert 'value="312-555-0100"' in response.text
    assert not ServiceRequest.objects.exists()
