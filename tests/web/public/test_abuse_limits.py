"""Issue 13, item 1: the resident site sends email within limits, and a honeypot stops bots.

Before the fix one address posted to every request's subscribe box from one IP queued a
confirmation email per request (172 in 11 s), and every web filing sent a receipt.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

import civic311
from civic311.core import clock
from civic311.notifications.models import OutboxMessage, Subscription
from civic311.open311.models import RateCounter
from civic311.open311.services import count_request
from civic311.public.models import ReportDraft
from civic311.service_requests.models import ServiceRequest
from tests.support.mail import deliver
from tests.support.pages import visible_text
from tests.web.public.conftest import file_pothole
from tests.web.public.test_report_form import pothole_answers

pytestmark = pytest.mark.django_db

VICTIM = "victim@example.org"


@pytest.fixture
def limits(settings):
    """Set some of the resident site's limits for one test."""

    def change(**values):
        settings.CIVIC311 = dataclasses.replace(settings.CIVIC311, **values)

    return change


def subscribe(client, number, email=VICTIM, address="203.0.113.5", **extra):
    return client.post(
        f"/requests/{number}/subscribe", {"email": email}, REMOTE_ADDR=address, **extra
    )


def to_review(client, pothole, address="203.0.113.9", prefix="", **answers):
    response = client.post(
        f"{prefix}/report/{pothole.service_code}/", pothole_answers(**answers), REMOTE_ADDR=address
    )
    assert response.status_code == 302, visible_text(response)[:1500]
    return response["Location"]


# --- subscriptions ---------------------------------------------------------------------


def test_one_address_over_every_request_gets_a_few_confirmations_a_day(client, pothole, smtp_sink):
    numbers = [file_pothole(pothole).tracking_number for _ in range(8)]
    answers = [subscribe(client, number) for number in numbers]
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 3
    refused = answers[-1]
    assert 1 <= int(refused["Retry-After"]) <= 86400
    page = visible_text(refused)
    assert (
        f"We have sent {VICTIM} as many confirmation emails today as we send one address "
        "in a day (5)" in page
    )
    assert f"Back to request {numbers[-1]}" in page  # the way back to the request
    deliver(smtp_sink.url)
    assert len(smtp_sink.mailbox.to(VICTIM)) == 5
    assert Subscription.objects.filter(email=VICTIM).count() == 5


def test_one_ip_gets_its_subscriptions_an_hour_whatever_the_addresses(client, pothole, limits):
    limits(subscriptions_per_ip_per_hour=3)
    number = file_pothole(pothole).tracking_number
    answers = [subscribe(client, number, email=f"r{n}@example.org") for n in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert (
        "asked for email alerts as often this hour as we allow one connection (3)"
        in visible_text(answers[-1])
    )
    assert OutboxMessage.objects.filter(kind="confirmation").count() == 3
    # Another connection is not held back, and the hour passes.
    assert (
        subscribe(client, number, email="r9@example.org", address="198.51.100.2").status_code == 200
    )
    with clock.frozen_at(clock.now() + dt.timedelta(hours=1)):
        assert subscribe(client, number, email="r8@example.org").status_code == 200


def test_htmx_gets_the_box_saying_when_to_try_again(client, pothole, limits):
    limits(subscriptions_per_ip_per_hour=1)
    number = file_pothole(pothole).tracking_number
    subscribe(client, number, email="a@example.org", HTTP_HX_REQUEST="true")
    refused = subscribe(client, number, email="b@example.org", HTTP_HX_REQUEST="true")
    assert refused.status_code == 429
    assert refused.text.lstrip().startswith('<section class="card subscribe" id="subscribe"')
    assert "Please wait before trying again" in refused.text


def test_the_limit_page_speaks_spanish(client, pothole, limits):
    limits(confirmations_per_email_per_day=1)
    first, second = (file_pothole(pothole).tracking_number for _ in range(2))
    client.post(f"/es/requests/{first}/subscribe", {"email": VICTIM})
    refused = client.post(f"/es/requests/{second}/subscribe", {"email": VICTIM})
    assert refused.status_code == 429
    page = visible_text(refused)
    assert "Espere antes de volver a intentarlo" in page
    assert (
        f"Hoy ya enviamos a {VICTIM} tantos correos de confirmación como enviamos a una "
        "dirección en un día (1)" in page
    )
    assert f"Volver a la solicitud {second}" in page


def test_counts_are_rows_every_worker_shares_and_hold_no_address(client, pothole, limits):
    limits(confirmations_per_email_per_day=2)
    number = file_pothole(pothole).tracking_number
    assert subscribe(client, number).status_code == 200
    (row,) = RateCounter.objects.filter(bucket__startswith="confirmations_email:")
    assert VICTIM not in row.bucket and row.until - row.minute == 24 * 60
    # Another worker process counted one more for this address: this one refuses the next.
    RateCounter.objects.filter(pk=row.pk).update(count=2)
    other = file_pothole(pothole).tracking_number
    assert subscribe(client, other, address="198.51.100.3").status_code == 429


def test_an_hour_window_and_a_minute_window_are_cleared_when_they_end():
    assert count_request(bucket="t:h", limit=1, window_seconds=3600) is None
    assert count_request(bucket="t:h", limit=1, window_seconds=3600) is not None
    with clock.frozen_at(clock.now() + dt.timedelta(hours=2)):
        assert count_request(bucket="t:m", limit=1) is None
        assert not RateCounter.objects.filter(bucket="t:h").exists()
        assert count_request(bucket="t:h", limit=1, window_seconds=3600) is None


# --- filings ---------------------------------------------------------------------------


def test_filings_from_one_ip_are_limited_and_the_report_is_kept(client, pothole, limits, smtp_sink):
    limits(filings_per_ip_per_hour=2)
    sent = []
    for n in range(3):
        review = to_review(client, pothole, email=f"r{n}@example.org", email_updates="on")
        sent.append(client.post(review, REMOTE_ADDR="203.0.113.9"))
    assert [s.status_code for s in sent] == [302, 302, 429]
    refused = sent[-1]
    page = visible_text(refused)
    assert (
        "sent as many reports this hour as we take from one connection (2)" in page
        and "Your report is kept" in page
    )
    assert "Send the report" in page and "Change something" in page
    assert ServiceRequest.objects.count() == 2
    assert ReportDraft.objects.filter(request__isnull=True).count() == 1
    deliver(smtp_sink.url)
    assert len(smtp_sink.mailbox.messages) == 2  # two receipts, not three


def test_receipts_to_one_address_are_limited_a_day_and_it_can_file_without(client, pothole, limits):
    limits(receipts_per_email_per_day=2)
    answers = []
    for n in range(3):
        review = to_review(client, pothole, address=f"10.0.0.{n}", email=VICTIM, email_updates="on")
        answers.append(client.post(review, REMOTE_ADDR=f"10.0.0.{n}"))
    assert [a.status_code for a in answers] == [302, 302, 429]
    assert (
        f"{VICTIM} was given on as many reports today as we take for one email address in a day (2)"
        in visible_text(answers[-1])
    )
    assert OutboxMessage.objects.filter(to_email=VICTIM, kind="receipt").count() == 2
    # Without email updates the report goes through (it sends no email).
    review = to_review(client, pothole, address="10.0.0.9", email=VICTIM)
    assert client.post(review, REMOTE_ADDR="10.0.0.9").status_code == 302
    assert ServiceRequest.objects.count() == 3


# --- the honeypot ----------------------------------------------------------------------


def test_the_forms_carry_a_honeypot_people_never_see(client, pothole):
    number = file_pothole(pothole).tracking_number
    for html in (
        client.get(f"/report/{pothole.service_code}/").text,
        client.get(f"/requests/{number}").text,
    ):
        assert '<div class="trap" aria-hidden="true">' in html
        assert 'name="website"' in html and 'tabindex="-1"' in html
    css = (Path(civic311.__file__).parent / "public/static/public/site.css").read_text()
    assert ".trap { position: absolute; left: -10000px;" in css


def test_a_filled_honeypot_files_nothing_and_sends_nothing(client, pothole):
    answers = pothole_answers(email_updates="on", website="http://spam.example")
    refused = client.post(f"/report/{pothole.service_code}/", answers)
    assert refused.status_code == 400
    assert "We could not accept this form" in visible_text(refused)
    assert f'href="/report/{pothole.service_code}/"' in refused.text
    assert not ReportDraft.objects.exists() and not ServiceRequest.objects.exists()
    number = file_pothole(pothole).tracking_number
    refused = client.post(
        f"/requests/{number}/subscribe", {"email": VICTIM, "website": "http://spam.example"}
    )
    assert refused.status_code == 400 and f'href="/requests/{number}"' in refused.text
    assert not Subscription.objects.exists() and not OutboxMessage.objects.exists()


# --- in a real browser -----------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_the_trap_is_unseen_and_the_limit_shows_in_the_box(page, pothole, limits):
    from tests.web.public.test_browser import stay_local

    limits(subscriptions_per_ip_per_hour=1)
    stay_local(page)
    number = file_pothole(pothole).tracking_number
    page.goto(f"{page.base}/requests/{number}")
    trap = page.locator("#subscribe-website")
    box = trap.bounding_box()
    assert box is not None and box["x"] + box["width"] < 0  # off screen, never seen
    page.get_by_label("Your email address").fill("first@example.org")
    page.get_by_label("Your email address").press("Tab")
    assert page.evaluate("document.activeElement.id") != "subscribe-website"
    page.get_by_role("button", name="Email me", exact=True).click()
    page.get_by_text("Check your inbox.").wait_for()
    # A second ask from this connection within the hour: htmx swaps the 429's box in.
    page.goto(f"{page.base}/requests/{number}")
    page.get_by_label("Your email address").fill("second@example.org")
    page.get_by_role("button", name="Email me", exact=True).click()
    page.get_by_text("Please wait before trying again").wait_for()
    assert (
        "as often this hour as we allow one connection (1)"
        in page.locator("#subscribe").inner_text()
    )
    assert page.url.endswith(f"/requests/{number}")  # still on the request's page
    assert Subscription.objects.count() == 1
