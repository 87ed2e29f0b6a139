"""Writes the back office owns: counting status calls."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from civic311.accounts.selectors import authorize, scope_of
from civic311.core import clock
from civic311.service_requests.models import Channel
from civic311.staff.models import StatusCall

# Which channel a lookup came through, by the role of whoever answered the caller.
STATUS_CALL_CHANNELS = {"operator": Channel.PHONE, "ward_office": Channel.WARD_OFFICE}


def record_status_call(*, channel: str) -> None:
    """Count one "where is my request?" call answered today (city time) through `channel`."""
    day = timezone.localdate(clock.now())
    table = StatusCall._meta.db_table
    # One statement, so concurrent operators never lose a count (no read-modify-write).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, channel, count) VALUES (%s, %s, 1) "
            f"ON CONFLICT (day, channel) DO UPDATE SET count = {table}.count + 1",
            [day, channel],
        )


def record_lookup(*, actor) -> str | None:
    """Count a lookup as a status call when a caller-facing role made it; return the channel."""
    authorize(actor, "lookup")
    channel = STATUS_CALL_CHANNELS.get(scope_of(actor).role)
    if channel is not None:
        record_status_call(channel=channel)
    return channel
