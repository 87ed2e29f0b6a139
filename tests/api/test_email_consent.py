"""Issue 13, item 2: an app filing with an email address sends it a receipt, nothing more.

Before the fix `email=victim@example.org` on a POST subscribed that address as already
confirmed, so a stranger received every update. Now the receipt carries the confirm link,
unless staff marked the app as verifying its users' addresses (docs/adr/0015).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from civic311.core import clock
from civic311.notifications.models import OutboxMessage, Subscription
from civic311.open311.models import ApiClient
from civic311.service_requests import services
from civic311.service_requests.models import ServiceRequest
from tests.api.conftest import vehicle_form
from tests.support.mail import deliver, text_of

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests.json"
VICTIM = "victim@example.org"


def file_and_change(client, key) -> ServiceRequest:
    """File through the API with the victim's address; the city then reviews the request."""
    response = client.post(URL, vehicle_form(key, email=VICTIM))
    assert response.status_code == 200, response.content
    request = ServiceRequest.objects.get()
    services.change_status(request, status="investigating", actor=None, public_note="Seen.")
    return request


def later():
    return clock.frozen_at(
        clock.now() + dt.timedelta(minutes=settings.CIVIC311.alert_window_minutes + 1)
    )


def test_an_apps_filing_sends_the_address_a_receipt_with_a_confirm_link_and_nothing_more(
    client, chicago, api_key, smtp_sink
):
    file_and_change(client, api_key)
    with later():
        assert deliver(smtp_sink.url).sent == 1
    (receipt,) = smtp_sink.mailbox.to(VICTIM)
    assert receipt["Subject"].startswith("Received: ")
    text = text_of(receipt)
    assert "/subscriptions/confirm/" in text and "Nothing more is sent until you do." in text
    assert "Not you? Ignore it, or stop: you will get nothing more." in text
    assert Subscription.objects.get(email=VICTIM).state == "pending"


def test_an_app_staff_marked_as_verifying_addresses_vouches_for_them(
    client, chicago, api_key, admin_client, smtp_sink
):
    app = ApiClient.objects.get()
    form = {"name": app.name, "contact_email": app.contact_email, "verifies_emails": "on"}
    changed = admin_client.post(f"/admin/open311/apiclient/{app.pk}/change/", form)
    assert changed.status_code == 302
    app.refresh_from_db()
    assert app.verifies_emails
    file_and_change(client, api_key)
    assert Subscription.objects.get(email=VICTIM).state == "active"
    with later():
        assert deliver(smtp_sink.url).sent == 2
    receipt, update = smtp_sink.mailbox.to(VICTIM)
    assert "/subscriptions/confirm/" not in text_of(receipt)
    assert "We will email you when its status changes." in text_of(receipt)
    assert update["Subject"].startswith(f"{ServiceRequest.objects.get().tracking_number} is now")
    assert OutboxMessage.objects.filter(kind="update").count() == 1


def test_a_new_app_is_not_trusted_with_addresses_unless_staff_say_so(admin_client, chicago):
    admin_client.post(
        "/admin/open311/apiclient/add/",
        {"name": "Trusted App", "contact_email": "t@example.org", "verifies_emails": "on"},
    )
    admin_client.post("/admin/open311/apiclient/add/", {"name": "Other App"})
    trust = dict(ApiClient.objects.values_list("name", "verifies_emails"))
    assert trust == {"Trusted App": True, "Other App": False}
