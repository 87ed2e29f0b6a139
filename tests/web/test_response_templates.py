"""Response templates (issue 14, item 4): supervisors keep them in the admin; staff pick one in
the status and transfer forms, edit it, and send; the tracker shows its words in English and
Spanish and the update email says the template's email text."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from civic311.catalog.models import Department
from civic311.core import clock
from civic311.notifications.services import subscribe
from civic311.service_requests.models import RequestEvent
from civic311.staff.models import ResponseTemplate
from tests.support.mail import deliver, text_of
from tests.support.pages import visible_text
from tests.support.staff import file_pothole, logged_in, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def templates(pothole, abandoned_vehicle):
    """A pothole 'filled' template, one for any service, one for another service, a transfer."""
    return {
        "filled": ResponseTemplate.objects.create(
            title="Pothole filled",
            status="fixed",
            service=pothole,
            public_text="Our crew filled the pothole today.",
            public_text_es="Nuestro equipo rellenó el bache hoy.",
            email_text="Good news: the pothole on your street was filled today.",
        ),
        "any": ResponseTemplate.objects.create(
            title="Crew looking", status="investigating", public_text="A crew will look at it."
        ),
        "other": ResponseTemplate.objects.create(
            title="Vehicle towed", status="fixed", service=abandoned_vehicle, public_text="Towed."
        ),
        "sewer": ResponseTemplate.objects.create(
            title="Sewer, not pavement",
            use="transfer",
            public_text="The hole is a sewer cave-in: Water Management repairs sewers.",
            public_text_es="El hoyo es un hundimiento del alcantarillado.",
        ),
    }


def _option_titles(html: str, picker: str) -> list[str]:
    block = re.search(
        rf'<select name="template"[^>]*id="{picker}_template"(.*?)</select>', html, re.S
    )
    assert block, f"no {picker} picker"
    return re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", block.group(1))


def test_a_supervisor_manages_templates_in_the_admin_and_others_cannot(client, pothole):
    supervisor = make_staff("sam", "supervisor", departments=("cdot",))
    logged_in(client, supervisor)
    assert client.get("/admin/staff/responsetemplate/").status_code == 200
    added = client.post(
        "/admin/staff/responsetemplate/add/",
        {"title": "Filled", "use": "status", "status": "fixed", "service": pothole.pk,
         "public_text": "Filled.", "public_text_es": "Rellenado.", "email_text": "",
         "active": "on"},
    )  # fmt: skip
    assert added.status_code == 302 and ResponseTemplate.objects.get().title == "Filled"
    assert client.get("/admin/auth/user/").status_code == 403, "templates, nothing more"
    client.logout()
    logged_in(client, make_staff("crew", "department", departments=("cdot",)))
    assert client.get("/admin/staff/responsetemplate/").status_code == 302  # to the admin login


def test_the_request_page_offers_only_the_templates_that_fit(client, pothole, templates):
    logged_in(client, make_staff("crew", "department", departments=("cdot",)))
    html = client.get(f"/staff/requests/{file_pothole(pothole).tracking_number}/").text
    assert _option_titles(html, "status_tpl") == ["Crew looking", "Pothole filled"]
    assert _option_titles(html, "transfer_tpl") == ["Sewer, not pavement"]


def test_a_picked_template_fills_the_form_and_its_words_reach_tracker_and_email(
    client, pothole, templates, smtp_sink
):
    request = file_pothole(pothole)
    subscribe(request=request, email="ben@example.org", confirmed=True)
    deliver(smtp_sink.url)
    logged_in(client, make_staff("crew", "department", departments=("cdot",)))
    page = client.get(
        f"/staff/requests/{request.tracking_number}/?template={templates['filled'].pk}"
    )
    assert '<option value="fixed" selected>' in page.text
    assert "Our crew filled the pothole today.</textarea>" in page.text
    assert "Nuestro equipo rellenó el bache hoy.</textarea>" in page.text
    sent = client.post(
        f"/staff/requests/{request.tracking_number}/status/",
        {
            "status": "fixed",
            "public_note": "Our crew filled the pothole today, and the one beside it.",  # edited
            "public_note_es": "Nuestro equipo rellenó el bache hoy.",
            "email_text": "Good news: the pothole on your street was filled today.",
            "internal_note": "",
        },
    )
    assert sent.status_code == 302
    closed = RequestEvent.objects.get(request=request, type="closed")
    assert closed.description == "Our crew filled the pothole today, and the one beside it."
    english = visible_text(client.get(f"/requests/{request.tracking_number}"))
    spanish = visible_text(client.get(f"/es/requests/{request.tracking_number}"))
    assert "Our crew filled the pothole today, and the one beside it." in english
    assert "Nuestro equipo rellenó el bache hoy." in spanish
    assert "Our crew filled" not in spanish
    with clock.frozen_at(clock.now() + dt.timedelta(hours=1)):  # after the alert window
        deliver(smtp_sink.url)
    (update,) = [m for m in smtp_sink.mailbox.to("ben@example.org") if "Completed" in m["Subject"]]
    assert "Good news: the pothole on your street was filled today." in text_of(update)


def test_a_transfer_template_fills_the_reason(client, pothole, templates):
    request = file_pothole(pothole)
    logged_in(client, make_staff("crew", "department", departments=("cdot",)))
    page = client.get(
        f"/staff/requests/{request.tracking_number}/?template={templates['sewer'].pk}"
    )
    assert "The hole is a sewer cave-in: Water Management repairs sewers.</textarea>" in page.text
    water = Department.objects.get(code="water-management")
    client.post(
        f"/staff/requests/{request.tracking_number}/transfer/",
        {
            "department": water.pk,
            "reason": "The hole is a sewer cave-in: Water Management repairs sewers.",
            "reason_es": "El hoyo es un hundimiento del alcantarillado.",
            "email_text": "",
        },
    )
    spanish = visible_text(client.get(f"/es/requests/{request.tracking_number}"))
    assert "El hoyo es un hundimiento del alcantarillado." in spanish


def test_a_template_for_another_service_cannot_be_forced_in(client, pothole, templates):
    request = file_pothole(pothole)
    logged_in(client, make_staff("crew", "department", departments=("cdot",)))
    page = client.get(
        f"/staff/requests/{request.tracking_number}/?template={templates['other'].pk}"
    )
    assert "Towed.</textarea>" not in page.text
