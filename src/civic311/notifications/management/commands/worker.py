"""`civic311 worker [--once]`: deliver the outbox's emails."""

from __future__ import annotations

import signal

from django.conf import settings
from django.core.management.base import BaseCommand

from civic311.notifications import mailer, outbox
from civic311.notifications.worker import Worker
from civic311.stats import services as stats


class Command(BaseCommand):
    help = "Send queued emails; with --once, send what is due now and exit (for cron and tests)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="drain what is due, then exit")
        parser.add_argument("--batch", type=int, default=50, help="emails claimed at a time")
        parser.add_argument(
            "--poll", type=float, default=1.0, help="seconds to wait when nothing is due"
        )

    def handle(self, *args, once: bool, batch: int, poll: float, **options) -> None:
        worker = Worker(transport=mailer.transport_for(settings.CIVIC311), batch=batch)
        # Finish the email on the wire, hand the rest back, then stop (Ctrl-C, kill, systemd).
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: worker.stopping.set())
        if once:
            outbox.purge_expired_subscriptions()
            stats.refresh_if_due()
            tally = worker.drain()
            self.stdout.write(f"civic311 worker: {tally}")
            return
        worker.run_forever(poll_seconds=poll)
