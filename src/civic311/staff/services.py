"""Writes the back office owns: counting its lookups as status checks."""

from __future__ import annotations

from civic311.accounts.selectors import authorize, scope_of
from civic311.status_checks import channels
from civic311.status_checks import services as status_checks

# Which channel a lookup came through, by the role of whoever answered the caller.
STATUS_CALL_CHANNELS = {"operator": channels.PHONE, "ward_office": channels.WARD_OFFICE}


def record_lookup(*, actor) -> str | None:
    """Count a lookup as a status check when a caller-facing role made it; return the channel."""
    authorize(actor, "lookup")
    channel = STATUS_CALL_CHANNELS.get(scope_of(actor).role)
    if channel is not None:
        status_checks.record_check(channel=channel)
    return channel
