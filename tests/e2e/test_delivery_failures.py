"""When delivery fails: retries with backoff, dead letters shown in the admin, leases, files."""

import datetime as dt
import email
import email.policy

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from civic311.config import Config
from civic311.core import clock
from civic311.notifications import mailer, outbox
from civic311.notifications.models import OutboxMessage
from civic311.notifications.services import subscribe
from civic311.notifications.worker import Worker
from tests.support.mail import deliver
from tests.support.outbox import queue_due_updates
from tests.support.smtp import Mailbox, SmtpSink

pytestmark = pytest.mark.django_db
SECOND = dt.timedelta(seconds=1)


class RefusingMailbox(Mailbox):
    """Accepts everyone except addresses starting with 'busy' (451) or 'nobody' (550)."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("busy"):
            return "451 4.2.1 Mailbox busy, try again later"
        if address.startswith("nobody"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def refusing_sink():
    sink = SmtpSink()
    sink.mailbox = RefusingMailbox()
    sink.start()
    yield sink
    sink.stop()


def test_a_message_that_keeps_failing_is_retried_with_backoff_then_dead_and_shown(
    pothole, refusing_sink
):
    queue_due_updates(pothole, 2)
    busy = OutboxMessage.objects.order_by("id").first()
    OutboxMessage.objects.filter(pk=busy.pk).update(to_email="busy@example.org")
    config = {"outbox_max_attempts": 3, "outbox_retry_seconds": 60}

    tally = deliver(refusing_sink.url, **config)
    assert (tally.sent, tally.retrying) == (1, 1)
    busy.refresh_from_db()
    assert busy.status == "queued" and busy.attempts == 1
    assert "refused the address busy@example.org: 451 4.2.1 Mailbox busy" in busy.last_error
    first_retry = busy.due_at - clock.now()
    assert 55 <= first_retry.total_seconds() <= 60

    with clock.frozen_at(busy.due_at + SECOND):
        assert deliver(refusing_sink.url, **config).retrying == 1
        busy.refresh_from_db()
        assert busy.attempts == 2
        assert 115 <= (busy.due_at - clock.now()).total_seconds() <= 120  # doubled
    with clock.frozen_at(busy.due_at + SECOND):
        assert deliver(refusing_sink.url, **config).dead == 1
    busy.refresh_from_db()
    assert busy.status == "dead" and busy.attempts == 3
    with clock.frozen_at(busy.due_at + dt.timedelta(days=1)):
        assert deliver(refusing_sink.url, **config).sent == 0  # dead stays dead
    assert len(refusing_sink.mailbox.messages) == 1

    # Staff see it in the admin with its error, and can send it again once fixed.
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "x" * 12)
    browser = Client()
    browser.force_login(admin)
    listing = browser.get("/admin/notifications/outboxmessage/?status__exact=dead")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "busy@example.org" in page and "451 4.2.1 Mailbox busy" in page
    detail = browser.get(f"/admin/notifications/outboxmessage/{busy.pk}/change/").content.decode()
    assert "refused the address busy@example.org" in detail
    browser.post(
        "/admin/notifications/outboxmessage/",
        {"action": "retry_now", "_selected_action": [busy.pk]},
    )
    busy.refresh_from_db()
    assert busy.status == "queued" and busy.attempts == 0


def test_a_permanent_refusal_is_dead_at_once(pothole, refusing_sink):
    queue_due_updates(pothole, 1)
    OutboxMessage.objects.update(to_email="nobody@example.org")
    assert deliver(refusing_sink.url).dead == 1
    message = OutboxMessage.objects.get()
    assert message.status == "dead" and message.attempts == 1
    assert "550 5.1.1 No such user here" in message.last_error


def test_a_crashed_workers_lease_runs_out_and_another_worker_sends_once(pothole, smtp_sink):
    queue_due_updates(pothole, 3)
    lease = dt.timedelta(seconds=120)
    crashed = outbox.claim_due(worker="crashed:1", limit=10, lease=lease)
    assert len(crashed) == 3
    assert deliver(smtp_sink.url).sent == 0  # leased: nobody else may touch them
    with clock.frozen_at(clock.now() + lease + SECOND):
        assert deliver(smtp_sink.url).sent == 3
    assert len(smtp_sink.mailbox.wait_for(3)) == 3
    # The crashed worker wakes up late: its claim is void and it cannot undo anything.
    assert outbox.mark_sent(crashed[0]) is False
    late = outbox.mark_failed(
        crashed[1], error="late", permanent=True, max_attempts=8, retry_after=SECOND
    )
    assert late == ""
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_a_message_that_kills_every_worker_ends_dead_without_another_try(pothole, smtp_sink):
    queue_due_updates(pothole, 1)
    lease = dt.timedelta(seconds=120)
    moment = clock.now()
    for _ in range(2):
        with clock.frozen_at(moment):
            assert len(outbox.claim_due(worker="dies:1", limit=1, lease=lease)) == 1
        moment += lease + SECOND
    with clock.frozen_at(moment):
        tally = deliver(smtp_sink.url, outbox_max_attempts=2)
    assert tally.dead == 1 and smtp_sink.mailbox.messages == []
    message = OutboxMessage.objects.get()
    assert message.status == "dead" and "lease ran out" in message.last_error


def test_without_an_smtp_url_emails_are_written_as_eml_files(pothole, tmp_path, settings):
    config = Config(data_dir=str(tmp_path), smtp_url="")
    transport = mailer.transport_for(config)
    assert transport.describe() == f"files in {tmp_path.resolve() / 'mail'}"
    subscribe(request=pothole_request(pothole), email="ana@example.org")
    tally = Worker(transport=transport, config=settings.CIVIC311).drain()
    assert tally.sent == 1
    (written,) = (tmp_path / "mail").glob("*.eml")
    message = email.message_from_bytes(written.read_bytes(), policy=email.policy.default)
    assert message["To"] == "ana@example.org"
    assert message["Message-ID"] == OutboxMessage.objects.get().message_id
    assert "/subscriptions/confirm/" in message.get_body(("plain",)).get_content()


def pothole_request(pothole):
    from civic311.service_requests import services
    from tests.conftest import CITY_HALL

    return services.submit_request(
        service=pothole,
        channel="phone",
        location=services.Location(lat=CITY_HALL[0], long=CITY_HALL[1]),
        attributes={"WHEREIST": ["CURB"]},
    )
