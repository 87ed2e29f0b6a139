"""The daily overdue reminder (issue 12, item 5): each department's supervisors get its overdue
requests, oldest first, through the outbox and a real SMTP server, once a day."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.core.management import call_command

from civic311.core import clock
from civic311.notifications.models import OutboxMessage
from civic311.service_requests import services
from civic311.service_requests.models import ServiceRequest
from tests.api.conftest import file_at
from tests.support.mail import deliver, html_of, text_of
from tests.support.staff import make_staff

pytestmark = pytest.mark.django_db
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
MORNING = dt.datetime(2026, 12, 3, 8, 0, tzinfo=CHICAGO)  # after the default 7 o'clock
DAY = dt.timedelta(days=1)


def overdue_pothole(pothole, *, filed_days_ago: int, due_days_ago: int, **extra):
    """A pothole filed `filed_days_ago` before MORNING whose expected date passed `due_days_ago`."""
    request = file_at(MORNING - filed_days_ago * DAY, pothole, **extra)
    ServiceRequest.objects.filter(pk=request.pk).update(
        expected_datetime=MORNING - due_days_ago * DAY
    )
    return request


@pytest.fixture
def transportation(pothole):
    """Three overdue potholes and three that must not be listed; two supervisors, one operator."""
    overdue = [
        overdue_pothole(pothole, filed_days_ago=days, due_days_ago=days - 5) for days in (9, 30, 20)
    ]
    overdue_pothole(pothole, filed_days_ago=2, due_days_ago=-3)  # not due yet
    closed = overdue_pothole(pothole, filed_days_ago=40, due_days_ago=30)
    services.change_status(closed, status="fixed", actor=None)
    overdue_pothole(pothole, filed_days_ago=50, due_days_ago=40, is_test=True)  # sandbox
    make_staff("maria", "supervisor", departments=("cdot",), email="maria@city.example")
    make_staff("lee", "supervisor", departments=("cdot",), email="lee@city.example")
    make_staff("wm_boss", "supervisor", departments=("water-management",), email="w@city.example")
    make_staff("crew", "department", departments=("cdot",), email="crew@city.example")
    # Oldest first: filed 30, 20 then 9 days ago.
    return sorted(overdue, key=lambda r: r.requested_datetime)


def housekeeping_at(moment: dt.datetime, sink) -> int:
    """What the worker does hourly, at `moment`; then deliver. Returns emails sent."""
    from tests.support.mail import worker_for

    with clock.frozen_at(moment):
        worker_for(sink.url).housekeeping()
    return deliver(sink.url).sent


def test_each_supervisor_gets_the_departments_overdue_requests_oldest_first(
    transportation, smtp_sink
):
    assert housekeeping_at(MORNING, smtp_sink) == 2
    assert sorted(m["To"] for m in smtp_sink.mailbox.messages) == [
        "lee@city.example",
        "maria@city.example",
    ]
    (email,) = smtp_sink.mailbox.to("maria@city.example")
    assert email["Subject"] == "3 overdue requests in Chicago Department of Transportation"
    text = text_of(email)
    numbers = re.findall(r"^(\d{2}-\d{8})  Pothole in Street", text, re.M)
    assert numbers == [r.tracking_number for r in transportation]
    assert "filed 3 Nov 2026, 25 days overdue" in text  # the oldest: filed 30 days ago, due 25
    assert f"/staff/requests/{transportation[0].tracking_number}/" in text
    assert "/staff/queues/department/cdot/?overdue=on&sort=oldest" in text
    assert f">{transportation[0].tracking_number}</a>" in html_of(email)


def test_it_is_sent_once_a_day_whoever_runs_it_and_again_the_next_day(transportation, smtp_sink):
    assert housekeeping_at(MORNING - dt.timedelta(hours=2), smtp_sink) == 0, "before 7 o'clock"
    assert housekeeping_at(MORNING, smtp_sink) == 2
    assert housekeeping_at(MORNING + dt.timedelta(hours=3), smtp_sink) == 0, "same day"
    with clock.frozen_at(MORNING + dt.timedelta(hours=4)):
        call_command("overdue_reminders")
    assert deliver(smtp_sink.url).sent == 0, "the command does not double it either"
    assert housekeeping_at(MORNING + DAY, smtp_sink) == 2, "the next day"
    assert OutboxMessage.objects.filter(kind="overdue").count() == 4


def test_no_overdue_requests_means_no_email(pothole, smtp_sink):
    make_staff("maria", "supervisor", departments=("cdot",), email="maria@city.example")
    overdue_pothole(pothole, filed_days_ago=2, due_days_ago=-3)
    assert housekeeping_at(MORNING, smtp_sink) == 0
    assert not OutboxMessage.objects.exists()


def test_the_command_says_what_it_queued(transportation, capsys):
    with clock.frozen_at(MORNING):
        call_command("overdue_reminders")
        call_command("overdue_reminders")
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "civic311 overdue-reminders: 2 queued now (1 department has overdue requests); "
        "`civic311 worker` sends them.",
        "civic311 overdue-reminders: 0 queued now (1 department has overdue requests); "
        "`civic311 worker` sends them.",
    ]
