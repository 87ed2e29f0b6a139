"""`civic311 purge-sandbox [--days 7]`: delete old test requests filed through the sandbox."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandParser

from civic311.open311 import services


class Command(BaseCommand):
    help = "Delete sandbox (test) requests older than --days (default 7). Run it daily."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=services.SANDBOX_RETENTION.days)

    def handle(self, *args, days: int, **options) -> None:
        count = services.purge_sandbox(older_than=dt.timedelta(days=max(0, days)))
        self.stdout.write(f"Deleted {count} sandbox request(s) older than {days} days.")
