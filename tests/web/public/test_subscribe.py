"""Stay up to date: the tracker's email box, double opt-in, emails in the follower's language."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.test import Client

from civic311.core import clock
from civic311.notifications.models import OutboxMessage, Subscription
from civic311.service_requests import services
from tests.support.mail import deliver, html_of, text_of
from tests.support.pages import visible_text as page_text
from tests.web.public.conftest import file_pothole, water_management

pytestmark = pytest.mark.django_db


def after_the_alert_window():
    window = dt.timedelta(minutes=settings.CIVIC311.alert_window_minutes + 1)
    return clock.frozen_at(clock.now() + window)


def confirm_link(message) -> str:
    found = re.search(r"https?://[^/\s]+((?:/es)?/subscriptions/confirm/\S+)", text_of(message))
    assert found, text_of(message)
    return found.group(1)


def test_the_box_posts_without_a_csrf_token_and_asks_the_inbox_to_confirm(pothole):
    request = file_pothole(pothole)
    browser = Client(enforce_csrf_checks=True)
    tracker = browser.get(f"/requests/{request.tracking_number}").text
    assert f'action="/requests/{request.tracking_number}/subscribe"' in tracker
    response = browser.post(
        f"/requests/{request.tracking_number}/subscribe", {"email": "Ben@Example.org"}
    )
    assert response.status_code == 200
    assert "Check your inbox." in page_text(response)
    assert "We sent a link to ben@example.org" in page_text(response)
    assert "no-store" in response["Cache-Control"]
    subscription = Subscription.objects.get(email="ben@example.org")
    assert subscription.state == "pending" and subscription.language == "en"
    (message,) = OutboxMessage.objects.filter(kind="confirmation")
    assert message.subject == f"Confirm email alerts for {request.tracking_number}"


def test_htmx_gets_just_the_box(client, pothole):
    request = file_pothole(pothole)
    response = client.post(
        f"/requests/{request.tracking_number}/subscribe",
        {"email": "ben@example.org"},
        HTTP_HX_REQUEST="true",
    )
    assert response.text.lstrip().startswith('<section class="card subscribe" id="subscribe"')
    assert "<html" not in response.text
    assert "HX-Request" in response["Vary"]


def test_refusals_are_shown_at_the_field_with_the_address_kept(client, pothole):
    request = file_pothole(pothole)
    address = f"/requests/{request.tracking_number}/subscribe"
    bad = client.post(address, {"email": "not an address"})
    assert "Enter a valid email address." in bad.text
    assert 'value="not an address"' in bad.text and 'aria-invalid="true"' in bad.text
    client.post(address, {"email": "ben@example.org"})
    again = client.post(address, {"email": "ben@example.org"})
    assert "We already sent a confirmation link to ben@example.org" in page_text(again)
    assert Subscription.objects.count() == 1


def test_an_unknown_request_cannot_be_followed(client, chicago):
    response = client.post("/requests/26-09999999/subscribe", {"email": "ben@example.org"})
    assert response.status_code == 404
    assert not Subscription.objects.exists()


def test_a_request_closed_long_ago_offers_no_box(client, pothole):
    request = file_pothole(pothole)
    with clock.frozen_at(clock.now() - dt.timedelta(days=40)):
        services.change_status(request, status="fixed", actor=None)
    html = client.get(f"/requests/{request.tracking_number}").text
    assert "takes no new email alerts" in html
    assert 'name="email"' not in html


def test_followers_get_their_emails_in_their_own_language(client, pothole, smtp_sink):
    request = file_pothole(pothole)
    number = request.tracking_number
    client.post(f"/requests/{number}/subscribe", {"email": "ben@example.org"})
    client.post(f"/es/requests/{number}/subscribe", {"email": "ana@example.org"})
    assert Subscription.objects.get(email="ana@example.org").language == "es"
    deliver(smtp_sink.url)
    smtp_sink.mailbox.wait_for(2)
    (english,) = smtp_sink.mailbox.to("ben@example.org")
    (spanish,) = smtp_sink.mailbox.to("ana@example.org")
    assert english["Subject"] == f"Confirm email alerts for {number}"
    assert spanish["Subject"] == f"Confirme las alertas por correo de {number}"
    assert "Alguien, ojalá usted, pidió alertas por correo" in text_of(spanish)
    assert confirm_link(spanish).startswith("/es/subscriptions/confirm/")
    assert confirm_link(english).startswith("/subscriptions/confirm/")

    # Each confirms on a page in their language, in the site's layout.
    for message, words in ((english, "Confirm alerts"), (spanish, "Confirmar las alertas")):
        page = client.get(confirm_link(message))
        assert words in page.text and 'class="site-header"' in page.text
        done = client.post(confirm_link(message))
        assert done.status_code == 200
    assert "Está siguiendo" in page_text(done)

    services.transfer(
        request,
        to_department=water_management(),
        reason="The photo shows a sewer cave-in.",
        actor=None,
    )
    with after_the_alert_window():
        deliver(smtp_sink.url)
    smtp_sink.mailbox.wait_for(4)
    english_update = smtp_sink.mailbox.to("ben@example.org")[-1]
    spanish_update = smtp_sink.mailbox.to("ana@example.org")[-1]
    assert english_update["Subject"] == f"{number} was transferred to Water Management"
    assert spanish_update["Subject"] == f"{number} fue transferida a Gestión del Agua"
    spanish_text = text_of(spanish_update)
    assert "Transferida a Gestión del Agua" in spanish_text
    assert "Su número de seguimiento sigue siendo" in spanish_text
    assert f"{settings.BASE_URL}/es/requests/{number}" in spanish_text
    assert f'href="{settings.BASE_URL}/requests/{number}?from=email"' in html_of(english_update)


def test_email_me_updates_on_the_form_sends_a_receipt_in_the_page_language(
    client, pothole, smtp_sink
):
    from tests.web.public.test_report_form import pothole_answers

    review = client.post(
        f"/es/report/{pothole.service_code}/", pothole_answers(email_updates="on")
    )["Location"]
    done = client.post(review, follow=True)
    assert "Enviamos un comprobante a ana@example.org. Para recibir un correo" in page_text(done)
    deliver(smtp_sink.url)
    (receipt,) = smtp_sink.mailbox.wait_for(1)
    subscription = Subscription.objects.get()
    assert subscription.source == "requester" and subscription.language == "es"
    number = subscription.request.tracking_number
    assert receipt["Subject"] == f"Recibida: {number} Bache en la calle"
    text = text_of(receipt)
    assert "Recibimos su solicitud, Ana. Gracias." in text
    assert "Servicio: Bache en la calle" in text and "A cargo de: Transporte" in text
    assert "Pothole in Street" not in text and "Transportation" not in text
    # Issue 13 item 2: the typed address follows nothing until its owner confirms.
    assert subscription.state == "pending"
    assert "No le enviaremos nada más hasta que lo haga." in text
    assert "Dejar de recibir correos de esta solicitud" in text
    confirmed = client.post(confirm_link(receipt))
    assert confirmed.status_code == 200 and f"Está siguiendo {number}" in page_text(confirmed)
    assert Subscription.objects.get().state == "active"


def test_without_email_me_updates_there_is_no_email(client, pothole, smtp_sink):
    from tests.web.public.test_report_form import pothole_answers

    review = client.post(f"/report/{pothole.service_code}/", pothole_answers())["Location"]
    done = client.post(review, follow=True)
    assert "We sent a receipt" not in page_text(done)
    assert deliver(smtp_sink.url).sent == 0
    assert not Subscription.objects.exists()
