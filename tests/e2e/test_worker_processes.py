"""The real `civic311 worker` process: killed mid-send, run twice at once, facing an outage.

These tests commit for real (transaction=True) so the worker subprocess, pointed at the
test database, sees the queued emails.
"""

import collections
import signal
import time

import pytest

from civic311.notifications.models import OutboxMessage
from tests.support.outbox import queue_due_updates
from tests.support.processes import civic311
from tests.support.smtp import SmtpSink, free_port

pytestmark = pytest.mark.django_db(transaction=True)
FAST = {
    "CIVIC311_OUTBOX_LEASE_SECONDS": "3",
    "CIVIC311_OUTBOX_RETRY_SECONDS": "1",
    "CIVIC311_SMTP_TIMEOUT_SECONDS": "2",
}


def finish(process, timeout=120) -> str:
    """Wait for a worker to exit by itself; fail with its output if it does not or errs."""
    output, _ = process.communicate(timeout=timeout)
    assert process.returncode == 0, output
    return output


def stop(process) -> str:
    """Stop a looping worker the way an operator does (SIGTERM) and check it exits cleanly."""
    process.send_signal(signal.SIGTERM)
    return finish(process, timeout=30)


def wait_until(condition, timeout: float) -> None:
    """Poll `condition` until it holds; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.2)


def statuses():
    return collections.Counter(OutboxMessage.objects.values_list("status", flat=True))


def test_a_worker_killed_mid_send_loses_nothing_and_repeats_at_most_the_email_in_flight(
    pothole, smtp_sink
):
    queued = queue_due_updates(pothole, 1000)
    first = civic311("worker", CIVIC311_SMTP_URL=smtp_sink.url, **FAST)
    smtp_sink.mailbox.wait_for(300, timeout=60)
    first.kill()  # SIGKILL: no clean-up of any kind
    first.communicate(timeout=10)
    arrived_before_restart = len(smtp_sink.mailbox.messages)
    assert arrived_before_restart < 1000, "the kill came too late to test anything"
    # Usually the dead worker leaves leased ("sending") emails behind, unless the kill fell
    # between two batches; test_delivery_failures covers lease take-over deterministically.

    second = civic311("worker", CIVIC311_SMTP_URL=smtp_sink.url, **FAST)
    # The email on the wire at the kill may have arrived already; it is sent again once its
    # lease runs out, so wait for the database to say all are sent, not for the mailbox.
    wait_until(lambda: statuses() == {"sent": 1000}, timeout=90)
    time.sleep(0.5)  # anything sent twice would arrive now
    stop(second)

    ids = [m["Message-ID"] for m in smtp_sink.mailbox.messages]
    assert set(ids) == set(queued), "every queued email arrived, by Message-ID"
    repeated = [i for i, n in collections.Counter(ids).items() if n > 1]
    assert len(repeated) <= 1, f"only the email in flight at the kill may repeat: {repeated}"
    assert len(ids) <= 1001
    assert statuses() == {"sent": 1000}


def test_two_workers_draining_together_send_each_email_exactly_once(pothole, smtp_sink):
    queued = queue_due_updates(pothole, 1000)
    # The normal lease: nothing crashes here, and a worker starved of CPU for a few seconds on
    # a busy machine must not see its emails taken over (that is the crash test's business).
    workers = [
        civic311("worker", "--once", "--batch", "20", CIVIC311_SMTP_URL=smtp_sink.url)
        for _ in range(2)
    ]
    outputs = [finish(w) for w in workers]
    time.sleep(0.5)  # let any straggler land
    ids = [m["Message-ID"] for m in smtp_sink.mailbox.messages]
    assert len(ids) == 1000, outputs
    assert sorted(ids) == sorted(queued)
    assert statuses() == {"sent": 1000}
    senders = set(OutboxMessage.objects.values_list("claimed_by", flat=True))
    assert len(senders) == 2, f"both workers should have sent some: {outputs}"


def test_an_smtp_outage_delays_the_emails_and_loses_none(pothole):
    port = free_port()
    queued = queue_due_updates(pothole, 100)
    down = civic311("worker", "--once", CIVIC311_SMTP_URL=f"smtp://127.0.0.1:{port}", **FAST)
    assert "0 sent, 100 to retry" in finish(down)
    waiting = OutboxMessage.objects.filter(status="queued", attempts=1)
    assert waiting.count() == 100
    assert f"nothing is listening at the SMTP server 127.0.0.1:{port}" in waiting[0].last_error

    sink = SmtpSink(port=port).start()  # the mail server comes back
    try:
        worker = civic311("worker", CIVIC311_SMTP_URL=sink.url, **FAST)
        sink.mailbox.wait_for(100, timeout=60)
        time.sleep(0.5)
        stop(worker)
    finally:
        sink.stop()
    ids = [m["Message-ID"] for m in sink.mailbox.messages]
    assert sorted(ids) == sorted(queued), "all 100 arrived, none twice"
    assert statuses() == {"sent": 100}


def test_a_worker_stopped_mid_batch_hands_its_emails_back_and_nothing_repeats(pothole, smtp_sink):
    queued = queue_due_updates(pothole, 400)
    worker = civic311("worker", "--batch", "100", CIVIC311_SMTP_URL=smtp_sink.url, **FAST)
    smtp_sink.mailbox.wait_for(30, timeout=60)
    stop(worker)  # SIGTERM, as systemd or `civic311 run` sends it
    assert statuses()["sending"] == 0, "a clean stop leaves no leased emails behind"
    sent_so_far = OutboxMessage.objects.filter(status="sent").count()
    assert sent_so_far == len(smtp_sink.mailbox.messages) < 400

    finish(civic311("worker", "--once", CIVIC311_SMTP_URL=smtp_sink.url, **FAST))
    ids = [m["Message-ID"] for m in smtp_sink.mailbox.wait_for(400)]
    assert sorted(ids) == sorted(queued), "each email exactly once"
    assert statuses() == {"sent": 400}
