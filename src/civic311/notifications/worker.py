"""The delivery loop behind `civic311 worker`: claim due emails, send them, record the outcome.

Delivery is at-least-once: an email is marked sent right after the server
accepted it, one at a time, so a worker killed at the wrong instant can only
repeat the one email that was on the wire, and the repeat carries the same
Message-ID. Everything else it had claimed waits for its lease to run out and
is sent by the next worker.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import smtplib
import socket
import threading
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, connections

from civic311.config import Config
from civic311.core import clock
from civic311.notifications import mailer, outbox, reminders
from civic311.notifications.models import OutboxMessage
from civic311.stats import services as stats

log = logging.getLogger("civic311.worker")

# Errors about one message; anything else means the server itself is unreachable or unwell.
_PER_MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError)
PURGE_EVERY = dt.timedelta(hours=1)  # how often housekeeping() runs


@dataclass
class Tally:
    """What one drain did."""

    sent: int = 0
    retrying: int = 0
    dead: int = 0
    released: int = 0
    lost_lease: int = 0

    def add(self, other: Tally) -> None:
        """Accumulate another drain's numbers."""
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def __str__(self) -> str:
        return (
            f"{self.sent} sent, {self.retrying} to retry, {self.dead} dead, "
            f"{self.released} handed back"
        )


@dataclass
class Worker:
    """One delivery loop; several may run at once on one database."""

    transport: mailer.Transport
    config: Config = field(default_factory=lambda: settings.CIVIC311)
    batch: int = 50
    name: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    stopping: threading.Event = field(default_factory=threading.Event)

    @property
    def lease(self) -> dt.timedelta:
        """How long a claim lasts."""
        return dt.timedelta(seconds=self.config.outbox_lease_seconds)

    def drain(self) -> Tally:
        """Send everything due now, batch by batch; return what happened."""
        tally = Tally()
        outbox.relax_durability()
        try:
            while not self.stopping.is_set():
                claimed = outbox.claim_due(worker=self.name, limit=self.batch, lease=self.lease)
                if not claimed:
                    break
                tally.add(self._deliver(claimed))
        finally:
            self.transport.close()
        return tally

    def run_forever(self, *, poll_seconds: float = 1.0) -> None:
        """Drain, wait `poll_seconds`, repeat until `stopping` is set; survive database outages."""
        log.info(
            "worker %s sending through %s (Ctrl-C stops it)", self.name, self.transport.describe()
        )
        last_purge = None
        while not self.stopping.is_set():
            try:
                if last_purge is None or clock.now() - last_purge > PURGE_EVERY:
                    self.housekeeping()
                    last_purge = clock.now()
                tally = self.drain()
                if tally.sent or tally.retrying or tally.dead:
                    log.info("worker %s: %s", self.name, tally)
            except DatabaseError as exc:
                log.error("worker %s: database unavailable (%s); retrying", self.name, exc)
                connections.close_all()
                self.stopping.wait(min(30.0, poll_seconds * 5))
                continue
            self.stopping.wait(poll_seconds)
        log.info("worker %s stopped", self.name)

    def housekeeping(self) -> None:
        """The hourly chores: forget unconfirmed addresses, refresh the close times once a day
        (whichever worker claims it), queue today's overdue reminders."""
        outbox.purge_expired_subscriptions()
        refreshed = stats.refresh_if_due()
        if refreshed:
            log.info("worker %s refreshed the close times: %s", self.name, refreshed)
        now = clock.now()
        if reminders.is_due(now):
            reminders.queue_overdue_reminders(now=now)

    def _deliver(self, claimed: list[OutboxMessage]) -> Tally:
        tally = Tally()
        # Never start a send that could outlast our lease (another worker would send it too).
        margin = min(dt.timedelta(seconds=self.config.smtp_timeout_seconds + 5), self.lease / 2)
        for index, message in enumerate(claimed):
            rest = claimed[index:]
            if self.stopping.is_set() or clock.now() + margin > message.due_at:
                # Stopping, or too close to the end of our lease to send safely: hand back.
                tally.released += outbox.release(rest)
                break
            if message.attempts > self.config.outbox_max_attempts:
                outbox.mark_abandoned(message, max_attempts=self.config.outbox_max_attempts)
                tally.dead += 1
                continue
            try:
                outgoing = self._build(message)
            except ValueError as exc:  # an address SMTP cannot carry: no retry will help
                self._fail(message, exc, tally)
                continue
            try:
                self.transport.send(outgoing)
            except Exception as exc:
                if not isinstance(exc, _PER_MESSAGE_ERRORS):
                    # The server is unreachable: the whole batch fails this attempt.
                    self._fail_all(rest, exc, tally)
                    break
                self._fail(message, exc, tally)
                continue
            if outbox.mark_sent(message):
                tally.sent += 1
            else:
                tally.lost_lease += 1
                log.warning("worker %s: lease on %s was taken over", self.name, message.message_id)
        return tally

    def _build(self, message: OutboxMessage) -> mailer.Outgoing:
        return mailer.compose(
            subject=message.subject,
            text=message.body_text,
            html=message.body_html,
            to=message.to_email,
            from_email=self.config.from_email,
            headers=message.headers,
            message_id=message.message_id,
        )

    def _fail_all(self, messages: list[OutboxMessage], exc: Exception, tally: Tally) -> None:
        self.transport.close()
        for message in messages:
            self._fail(message, exc, tally)

    def _fail(self, message: OutboxMessage, exc: Exception, tally: Tally) -> None:
        sentence, permanent = mailer.describe_failure(exc, self.transport)
        status = outbox.mark_failed(
            message,
            error=sentence,
            permanent=permanent,
            max_attempts=self.config.outbox_max_attempts,
            retry_after=dt.timedelta(seconds=self.config.outbox_retry_seconds),
        )
        if not status:
            tally.lost_lease += 1
        elif status == OutboxMessage.Status.DEAD:
            tally.dead += 1
            log.error("email %s to %s is dead: %s", message.pk, message.to_email, sentence)
        else:
            tally.retrying += 1
            log.warning(
                "email %s to %s will be retried: %s", message.pk, message.to_email, sentence
            )
