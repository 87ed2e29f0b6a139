"""Email alerts end to end: real services, a real SMTP server, the links followed for real."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.test import Client

from civic311.catalog.models import Department
from civic311.core import clock
from civic311.media.services import prepare_photos
from civic311.notifications import selectors
from civic311.notifications.services import subscribe
from civic311.service_requests import services
from tests.conftest import CITY_HALL
from tests.media.images import GREEN, jpeg
from tests.support.mail import click_confirm, deliver, html_of, link, text_of

pytestmark = pytest.mark.django_db
MINUTE = dt.timedelta(minutes=1)


def file_pothole(pothole, email="ana@example.org", **extra):
    return services.submit_request(
        service=pothole,
        channel="web",
        location=services.Location(lat=CITY_HALL[0], long=CITY_HALL[1], address="121 N LaSalle St"),
        description="Deep pothole in the curb lane.",
        attributes={"WHEREIST": ["CURB"]},
        requester=services.Requester(first_name="Ana", email=email),
        **extra,
    )


def window():
    return dt.timedelta(minutes=settings.CIVIC311.alert_window_minutes)


def confirm_receipts(sink, *addresses):
    """Send what is due; each requester opens their receipt's confirm link and presses it."""
    deliver(sink.url)
    for address in addresses or ("ana@example.org",):
        receipt = sink.mailbox.to(address)[-1]
        done = click_confirm(Client(), receipt)
        assert done.status_code == 200 and b"You are following" in done.content


def test_the_requester_gets_a_receipt_with_the_number_and_the_tracker_link(pothole, smtp_sink):
    request = file_pothole(pothole)
    assert deliver(smtp_sink.url).sent == 1
    (receipt,) = smtp_sink.mailbox.wait_for(1)
    number = request.tracking_number
    assert receipt["To"] == "ana@example.org"
    assert number in receipt["Subject"] and "Pothole in Street" in receipt["Subject"]
    text = text_of(receipt)
    assert "Thank you" in text and "Ana" in text
    assert f"Tracking number: {number}" in text
    assert "Handled by: Transportation" in text and "What happens next" in text
    # Where the date comes from, as the tracker says it (no history yet: the target).
    assert "This is the city's target for Pothole in Street requests: 7 days." in text
    assert f"{settings.BASE_URL}/requests/{number}" in text
    assert f'href="{settings.BASE_URL}/requests/{number}?from=email"' in html_of(receipt)
    assert receipt["List-Unsubscribe"].startswith(
        f"<{settings.BASE_URL}/subscriptions/unsubscribe/"
    )
    assert receipt["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert receipt["Message-ID"].endswith(">")
    # The address was typed by whoever filed: the receipt asks before any update is sent.
    assert "Nothing more is sent until you do." in text
    assert "We will email you when its status changes." not in text
    assert f"{settings.BASE_URL}/subscriptions/confirm/" in text
    assert "Confirm email updates" in html_of(receipt)


def test_filing_with_someone_elses_address_sends_them_the_receipt_and_nothing_more(
    pothole, smtp_sink
):
    # Issue 13 item 2: the address used to be subscribed as confirmed, so a stranger got
    # every update of a request someone else filed in their name.
    request = file_pothole(pothole, email="victim@example.org")
    services.change_status(request, status="investigating", actor=None, public_note="Seen.")
    with clock.frozen_at(clock.now() + window() + MINUTE):
        assert deliver(smtp_sink.url).sent == 1
    (receipt,) = smtp_sink.mailbox.to("victim@example.org")
    assert receipt["Subject"].startswith("Received: ")
    assert selectors.subscription_count(request) == 0
    # The stop link in the receipt cancels the confirm link too.
    assert Client().post(link(receipt, "unsubscribe")).status_code == 200
    assert Client().post(link(receipt, "confirm")).status_code == 404
    assert selectors.subscription_count(request) == 0


def test_the_receipts_confirm_link_starts_the_updates(pothole, smtp_sink):
    request = file_pothole(pothole)
    confirm_receipts(smtp_sink)
    assert selectors.subscription_count(request) == 1
    services.change_status(request, status="investigating", actor=None, public_note="Seen.")
    with clock.frozen_at(clock.now() + window() + MINUTE):
        assert deliver(smtp_sink.url).sent == 1
    update = smtp_sink.mailbox.messages[-1]
    assert update["To"] == "ana@example.org"
    assert update["Subject"].startswith(f"{request.tracking_number} is now ")


def test_no_receipt_and_no_alerts_when_the_requester_opted_out(pothole, smtp_sink):
    request = file_pothole(pothole, email_updates=False)
    services.change_status(request, status="investigating", actor=None)
    with clock.frozen_at(clock.now() + window() + MINUTE):
        assert deliver(smtp_sink.url).sent == 0
    assert smtp_sink.mailbox.messages == []
    assert selectors.subscription_count(request) == 0


def test_the_whole_journey_of_two_followers(pothole, smtp_sink):
    t0 = clock.now()
    request = file_pothole(pothole)
    number = request.tracking_number
    confirm_receipts(smtp_sink)  # Ana starts the updates from her receipt

    # Someone else subscribes from the tracker page: double opt-in.
    subscribe(request=request, email="Ben@Example.org")
    deliver(smtp_sink.url)
    smtp_sink.mailbox.wait_for(2)
    (confirmation,) = smtp_sink.mailbox.to("ben@example.org")
    assert number in confirmation["Subject"] and "Confirm" in confirmation["Subject"]
    assert selectors.subscription_count(request) == 1  # only the requester so far
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(link(confirmation, "confirm"))
    assert page.status_code == 200 and b"Confirm alerts" in page.content
    assert selectors.subscription_count(request) == 1  # looking is not confirming
    form = Client()  # a form post carries its CSRF token; the test client's default skips it
    done = form.post(link(confirmation, "confirm"))
    assert done.status_code == 200 and f"You are following {number}".encode() in done.content
    assert selectors.subscription_count(request) == 2

    # A status change with a public and an internal note.
    with clock.frozen_at(t0 + MINUTE):
        services.change_status(
            request,
            status="in_progress",
            actor=None,
            public_note="A crew is on site this morning.",
            internal_note="Alderman's office called twice.",
        )
    with clock.frozen_at(t0 + MINUTE + window()):
        assert deliver(smtp_sink.url).sent == 2
    changed = smtp_sink.mailbox.wait_for(4)[2:]
    assert sorted(m["To"] for m in changed) == ["ana@example.org", "ben@example.org"]
    for message in changed:
        assert message["Subject"] == f"{number} is now In progress"
        text = text_of(message)
        assert "Status changed from Received to In progress" in text
        assert "A crew is on site this morning." in text
        # The progress tells the steps that happened, not the ones it jumped over.
        assert "Progress: Step 4 of 5: In progress. Skipped: Reviewed, Work scheduled." in text
        assert "Alderman" not in text and "Alderman" not in html_of(message)

    # A transfer: who has it now, why, and the same number.
    water = Department.objects.get(code="water-management")
    with clock.frozen_at(t0 + 2 * window() + MINUTE):
        services.transfer(
            request, to_department=water, reason="The photo shows a sewer cave-in.", actor=None
        )
    with clock.frozen_at(t0 + 3 * window() + 2 * MINUTE):
        assert deliver(smtp_sink.url).sent == 2
    transferred = smtp_sink.mailbox.wait_for(6)[4:]
    for message in transferred:
        assert message["Subject"] == f"{number} was transferred to Water Management"
        text = text_of(message)
        assert "Water Management has it now (it was with Transportation)." in text
        assert "Why: The photo shows a sewer cave-in." in text
        assert f"Your tracking number stays {number}." in text

    # Ben stops the emails with the one-click List-Unsubscribe POST (no cookie, no CSRF token).
    (to_ben,) = [m for m in transferred if m["To"] == "ben@example.org"]
    one_click = to_ben["List-Unsubscribe"].strip("<>").removeprefix(settings.BASE_URL)
    response = Client(enforce_csrf_checks=True).post(one_click, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and b"You are unsubscribed" in response.content
    assert selectors.subscription_count(request) == 1

    # Completion reaches Ana only, with the closing note.
    with clock.frozen_at(t0 + 4 * window()):
        services.change_status(
            request, status="fixed", actor=None, public_note="Filled with hot asphalt."
        )
    with clock.frozen_at(t0 + 5 * window() + MINUTE):
        assert deliver(smtp_sink.url).sent == 1
    (completed,) = smtp_sink.mailbox.wait_for(7)[6:]
    assert completed["To"] == "ana@example.org"
    assert completed["Subject"] == f"Completed: {number} Pothole in Street"
    assert "Filled with hot asphalt." in text_of(completed)
    assert "Progress: Completed. Skipped: Reviewed, Work scheduled." in text_of(completed)
    assert "Completed. Skipped: Reviewed, Work scheduled." in html_of(completed)
    assert smtp_sink.mailbox.to("ben@example.org")[-1] is to_ben


def test_the_unsubscribe_page_asks_first_and_the_button_stops_the_emails(pothole, smtp_sink):
    request = file_pothole(pothole)
    confirm_receipts(smtp_sink)
    (receipt,) = smtp_sink.mailbox.wait_for(1)
    address = link(receipt, "unsubscribe")
    page = Client().get(address)
    assert page.status_code == 200 and b"Stop the emails" in page.content
    assert selectors.subscription_count(request) == 1
    assert Client().post(address).status_code == 200
    assert selectors.subscription_count(request) == 0
    services.change_status(request, status="investigating", actor=None)
    with clock.frozen_at(clock.now() + window() + MINUTE):
        assert deliver(smtp_sink.url).sent == 0
    assert len(smtp_sink.mailbox.messages) == 1


def test_a_tampered_link_is_refused(pothole, smtp_sink):
    request = file_pothole(pothole)
    confirm_receipts(smtp_sink)
    assert request.subscriptions.count() == 1
    for path in ("/subscriptions/confirm/abc:def", "/subscriptions/unsubscribe/1:forged"):
        assert Client().get(path).status_code == 404
        assert Client().post(path).status_code == 404
    assert selectors.subscription_count(request) == 1


def test_duplicate_followers_are_told_and_then_follow_the_parent(pothole, smtp_sink):
    t0 = clock.now()
    parent = file_pothole(pothole, email="first@example.org")
    child = file_pothole(pothole, email="second@example.org")
    confirm_receipts(smtp_sink, "first@example.org", "second@example.org")
    smtp_sink.mailbox.wait_for(2)
    with clock.frozen_at(t0 + MINUTE):
        services.mark_duplicate(child, parent=parent, actor=None, note="Same hole.")
    with clock.frozen_at(t0 + MINUTE + window()):
        deliver(smtp_sink.url)
    (told,) = smtp_sink.mailbox.wait_for(3)[2:]
    assert told["To"] == "second@example.org"
    assert told["Subject"] == f"{child.tracking_number} is a duplicate of {parent.tracking_number}"
    text = text_of(told)
    assert f"You now follow {parent.tracking_number}" in text
    assert f"Progress: Closed: duplicate of {parent.tracking_number}." in text
    assert f"{settings.BASE_URL}/requests/{parent.tracking_number}" in text
    assert selectors.subscription_count(parent) == 2

    # Both now hear about the parent; then it is closed and reopened.
    with clock.frozen_at(t0 + 2 * window()):
        services.change_status(parent, status="fixed", actor=None, public_note="Patched.")
    with clock.frozen_at(t0 + 3 * window() + MINUTE):
        deliver(smtp_sink.url)
    completed = smtp_sink.mailbox.wait_for(5)[3:]
    assert sorted(m["To"] for m in completed) == ["first@example.org", "second@example.org"]
    assert all(parent.tracking_number in m["Subject"] for m in completed)
    with clock.frozen_at(t0 + 4 * window()):
        services.reopen(parent, actor=None, reason="The patch washed out.")
    with clock.frozen_at(t0 + 5 * window() + MINUTE):
        deliver(smtp_sink.url)
    reopened = smtp_sink.mailbox.wait_for(7)[5:]
    for message in reopened:
        assert message["Subject"] == f"Reopened: {parent.tracking_number} Pothole in Street"
        assert "Why: The patch washed out." in text_of(message)


def test_five_status_changes_within_the_window_make_one_email_per_subscriber(pothole, smtp_sink):
    t0 = clock.now()
    request = file_pothole(pothole)
    subscribe(request=request, email="ben@example.org", confirmed=True)
    confirm_receipts(smtp_sink)
    smtp_sink.mailbox.wait_for(1)  # Ana's receipt
    steps = ["investigating", "action_scheduled", "in_progress", "investigating", "fixed"]
    for minute, status in enumerate(steps):
        with clock.frozen_at(t0 + minute * MINUTE):
            services.change_status(
                request, status=status, actor=None, public_note=f"Step {minute}."
            )
    with clock.frozen_at(t0 + window() - dt.timedelta(seconds=1)):
        assert deliver(smtp_sink.url).sent == 0  # still folding
    with clock.frozen_at(t0 + window()):  # the completion waited 6 minutes, under the window
        assert deliver(smtp_sink.url).sent == 2
    with clock.frozen_at(t0 + 3 * window()):
        assert deliver(smtp_sink.url).sent == 0
    folded = smtp_sink.mailbox.wait_for(3)[1:]
    assert len(smtp_sink.mailbox.messages) == 3
    assert sorted(m["To"] for m in folded) == ["ana@example.org", "ben@example.org"]
    for message in folded:
        assert message["Subject"] == (
            f"Completed: {request.tracking_number} Pothole in Street (5 updates)"
        )
        text = text_of(message)
        assert all(f"Step {minute}." in text for minute in range(5))
        assert text.index("Step 0.") < text.index("Step 4.")
    # Rendered once, but each follower's links are their own.
    links = {m["List-Unsubscribe"] for m in folded}
    assert len(links) == 2
    for message in folded:
        assert message["List-Unsubscribe"].strip("<>") in text_of(message)
        assert "invalid" not in text_of(message) + html_of(message)


def test_the_completion_email_shows_the_crews_photo(pothole, smtp_sink, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": "/media/"},
        },
    }
    settings.MEDIA_ROOT = str(tmp_path)
    t0 = clock.now()
    request = file_pothole(pothole)
    confirm_receipts(smtp_sink)
    after = prepare_photos(files=[io.BytesIO(jpeg(color=GREEN))])
    with clock.frozen_at(t0 + MINUTE):
        services.change_status(
            request, status="fixed", actor=None, public_note="Patched.", photos=after
        )
    with clock.frozen_at(t0 + MINUTE + window()):
        assert deliver(smtp_sink.url).sent == 1  # the receipt went before
    completed = smtp_sink.mailbox.wait_for(2)[1]
    photo = request.photos.get(kind="crew")
    assert photo.url.startswith(settings.BASE_URL)
    assert f"The crew's photo: {photo.url}" in text_of(completed)
    html = html_of(completed)
    assert f'<img src="{photo.thumbnail_url}"' in html and f'href="{photo.url}"' in html
    served = Client().get(photo.url.removeprefix(settings.BASE_URL))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"


def test_a_caller_adding_their_report_gets_a_receipt_and_then_the_updates(pothole, smtp_sink):
    t0 = clock.now()
    request = file_pothole(pothole)
    services.add_report(
        request,
        requester=services.Requester(first_name="Bo", email="bo@example.org"),
        email_updates=True,
        actor=None,
        channel="phone",
    )
    services.add_report(  # a second caller who wants no email
        request,
        requester=services.Requester(first_name="Cy", email="cy@example.org"),
        email_updates=False,
        actor=None,
        channel="phone",
    )
    confirm_receipts(smtp_sink, "ana@example.org", "bo@example.org")
    smtp_sink.mailbox.wait_for(2)
    (added,) = smtp_sink.mailbox.to("bo@example.org")
    assert added["Subject"] == f"Added: {request.tracking_number} Pothole in Street"
    text = text_of(added)
    assert "Thank you, Bo. We added your report to a request the city already has" in text
    assert "2 residents have reported this problem" in text
    with clock.frozen_at(t0 + MINUTE):
        services.change_status(request, status="fixed", actor=None, public_note="Patched.")
    with clock.frozen_at(t0 + MINUTE + window()):
        assert deliver(smtp_sink.url).sent == 2
    assert len(smtp_sink.mailbox.to("bo@example.org")) == 2
    assert smtp_sink.mailbox.to("cy@example.org") == []
