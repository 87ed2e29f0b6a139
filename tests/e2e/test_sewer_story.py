"""The sewer story end to end (issue 6): one number from a pothole report to a fixed cave-in.

A resident reports a pothole with a photo through the Open311 API; Transportation sees it in
its queue, sees from the photo it is a caved-in sewer and transfers it to Water Management,
whose crew close it with an "after" photo. The resident follows the same tracking number on
the tracker page, in the API and in their email (a real SMTP server, the real outbox worker).
Pages are driven with the test client through the forms they render; the same steps in a real
browser are in tests/web/test_staff_browser.py.
"""

import datetime as dt
import html as entities
import io
import re

import pytest
from django.conf import settings
from django.test import Client

from civic311.core import clock
from civic311.open311.services import create_client
from tests.conftest import CITY_HALL, POTHOLE
from tests.media.images import BLUE, jpeg
from tests.support.forms import form_posting_to
from tests.support.mail import click_confirm, deliver, text_of
from tests.support.pages import visible_text
from tests.support.staff import PASSWORD, make_staff

pytestmark = pytest.mark.django_db

CAVE_IN = "4ffa971e6018277d4000000b"  # Pavement Cave-In Survey, in Chicago's 2012 catalogue
RESIDENT = "ana@example.org"
REASON = "The photo shows a caved-in sewer under the pothole, not a pothole."
CLOSING_NOTE = "Sewer rebuilt and the street patched."
MINUTE = dt.timedelta(minutes=1)


def photo(name: str, data: bytes) -> io.BytesIO:
    """An uploaded JPEG as a browser or an app sends it."""
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def queue_row(response, number: str) -> dict[str, str]:
    """The queue's row for request `number`, cell texts by column heading (fails if unlisted)."""
    html = response.content.decode()
    headings = [words(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", html, flags=re.S)]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S)
    (row,) = [r for r in rows if f">{number}</a>" in r]
    cells = [words(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
    return dict(zip(headings, cells, strict=True))


def words(html: str) -> str:
    """The text of an HTML fragment, white space folded."""
    return entities.unescape(" ".join(re.sub(r"<[^>]+>", " ", html).split()))


def staff_client(username: str) -> Client:
    """A browser-like client logged in as `username`, whose posts must carry the CSRF token."""
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=username, password=PASSWORD)
    return client


def window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.CIVIC311.alert_window_minutes)


def test_a_pothole_photo_shows_a_sewer_cave_in_and_the_resident_follows_one_number(
    chicago, media_root, smtp_sink
):
    t0 = clock.now()
    make_staff("cdot", "department", departments=("cdot",), first_name="Carla")
    make_staff("water", "department", departments=("water-management",), first_name="Will")
    api_key = create_client(name="Chicago Works", contact_email="dev@example.org")[1]
    resident = Client()

    # The resident reports a pothole in an app, with a photo and their email address.
    with clock.frozen_at(t0):
        posted = resident.post(
            "/open311/v2/requests.json",
            {
                "api_key": api_key,
                "service_code": POTHOLE,
                "lat": str(CITY_HALL[0]),
                "long": str(CITY_HALL[1]),
                "address_string": "121 N LaSalle St",
                "description": "Deep hole in the curb lane; the street looks sunken around it.",
                "attribute[WHEREIST]": "CURB",
                "first_name": "Ana",
                "email": RESIDENT,
                "media": photo("pothole.jpg", jpeg(size=(320, 240))),
            },
        )
    assert posted.status_code == 200, posted.content
    (answer,) = posted.json()
    resolved = resident.get(f"/open311/v2/tokens/{answer['token']}.json").json()
    number = resolved[0]["service_request_id"]
    assert re.fullmatch(r"\d{2}-\d{8}", number)

    assert deliver(smtp_sink.url).sent == 1
    (receipt,) = smtp_sink.mailbox.wait_for(1)
    assert receipt["To"] == RESIDENT
    assert receipt["Subject"] == f"Received: {number} Pothole in Street"
    assert "Handled by: Transportation" in text_of(receipt)
    # The app does not vouch for the address, so Ana starts the updates from the receipt.
    done = click_confirm(Client(), receipt)
    assert done.status_code == 200 and f"You are following {number}" in done.text

    # It is in Transportation's queue, in ward 42 (City Hall).
    cdot = staff_client("cdot")
    queue = cdot.get("/staff/queues/department/cdot/")
    assert queue.status_code == 200
    row = queue_row(queue, number)
    assert (row["Service"], row["Address"], row["Ward"]) == (
        "Pothole in Street",
        "121 N LaSalle St",
        "42",
    )
    assert row["Status"] == "Received"

    # Transportation opens it and sees the resident's photo, served from our media storage.
    detail = cdot.get(f"/staff/requests/{number}/")
    html = detail.content.decode()
    (photo_url,) = re.findall(r'<img src="([^"]+)"[^>]*alt="Resident\'s photo 1"', html, re.S)
    assert photo_url.startswith(f"/media/photos/{number}/")
    (api_record,) = resident.get(f"/open311/v2/requests/{number}.json").json()
    assert api_record["media_url"] == settings.BASE_URL + photo_url
    served = cdot.get(photo_url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content).startswith(b"\xff\xd8")  # a JPEG

    # ...and transfers it to Water Management as a cave-in, with a reason for the public.
    transfer = form_posting_to(html, f"/staff/requests/{number}/transfer/")
    transfer.choose("department", "Department of Water Management")
    transfer.choose("service", "Pavement Cave-In Survey")
    transfer.fill(reason=REASON)
    with clock.frozen_at(t0 + MINUTE):
        done = cdot.post(transfer.action, transfer.data(), follow=True)
    assert done.status_code == 200
    after_transfer = visible_text(done)
    assert "Transferred." in after_transfer
    assert f"{number} · Pavement Cave-In Survey" in after_transfer
    assert f"Transferred to Water Management {REASON} by Carla" in after_transfer
    assert "Change status" not in after_transfer  # not Transportation's request any more
    assert number not in cdot.get("/staff/queues/department/cdot/").content.decode()

    # The public tracker and the API tell the same story under the same number.
    tracker = visible_text(resident.get(f"/requests/{number}"))
    assert f"Request {number} Pavement Cave-In Survey" in tracker
    assert f"Transferred to Water Management {REASON}" in tracker
    assert "Department Water Management" in tracker
    (record,) = resident.get(f"/open311/v2/requests/{number}.json?extensions=true").json()
    assert record["service_request_id"] == number
    assert (record["service_code"], record["service_name"]) == (CAVE_IN, "Pavement Cave-In Survey")
    assert record["agency_responsible"] == "Water Management"
    assert record["status"] == "open"
    activity = [n for n in record["notes"] if n["type"] == "activity"]
    assert [(n["summary"], n["description"]) for n in activity] == [
        ("Transferred to Water Management", REASON)
    ]

    # The resident's next email is the transfer, once the alert window has passed.
    with clock.frozen_at(t0 + MINUTE + window() + MINUTE):
        assert deliver(smtp_sink.url).sent == 1
    (transferred,) = smtp_sink.mailbox.wait_for(2)[1:]
    assert transferred["To"] == RESIDENT
    assert transferred["Subject"] == f"{number} was transferred to Water Management"
    body = text_of(transferred)
    assert "Water Management has it now (it was with Transportation)." in body
    assert f"Why: {REASON}" in body
    assert f"Your tracking number stays {number}." in body
    assert f"{settings.BASE_URL}/requests/{number}" in body

    # Water Management finds it in their queue and closes it with the crew's "after" photo.
    water = staff_client("water")
    row = queue_row(water.get("/staff/queues/department/water-management/"), number)
    assert (row["Service"], row["Ward"], row["Status"]) == (
        "Pavement Cave-In Survey",
        "42",
        "Received",
    )
    detail = water.get(f"/staff/requests/{number}/").content.decode()
    close = form_posting_to(detail, f"/staff/requests/{number}/status/")
    assert close.enctype == "multipart/form-data"
    close.choose("status", "Completed")
    close.fill(public_note=CLOSING_NOTE, internal_note="Crew 7, two days.")
    closed_at = t0 + 3 * window()
    with clock.frozen_at(closed_at):
        done = water.post(
            close.action, close.data(photos=photo("after.jpg", jpeg(color=BLUE))), follow=True
        )
    page = visible_text(done)
    assert "Status changed." in page and 'Crew "after" photo' in page
    (crew_url,) = re.findall(
        r'<img src="([^"]+)"[^>]*alt="Crew \'after\' photo 2"', done.content.decode(), re.S
    )

    (record,) = resident.get(f"/open311/v2/requests/{number}.json?extensions=true").json()
    assert (record["status"], record["status_notes"]) == ("closed", CLOSING_NOTE)
    kinds = [p["kind"] for p in record["extended_attributes"]["photos"]]
    assert kinds == ["resident", "crew"]
    tracker = visible_text(resident.get(f"/requests/{number}"))
    assert "Crew 7" not in tracker and CLOSING_NOTE in tracker

    # The completion email reaches the resident with the closing note and the crew's photo.
    with clock.frozen_at(closed_at + window() + MINUTE):
        assert deliver(smtp_sink.url).sent == 1
    (completed,) = smtp_sink.mailbox.wait_for(3)[2:]
    assert completed["To"] == RESIDENT
    assert completed["Subject"] == f"Completed: {number} Pavement Cave-In Survey"
    body = text_of(completed)
    assert f"Closing note: {CLOSING_NOTE}" in body
    assert f"The crew's photo: {settings.BASE_URL}{crew_url}" in body
    assert "Crew 7" not in body
    assert [m["To"] for m in smtp_sink.mailbox.messages] == [RESIDENT] * 3
