"""How much the resident site does for one IP address and one email address (docs/abuse-limits.md).

Counted in the database with the API's own rate counters (`open311.services.count_request`),
so every worker process, and every server behind the load balancer, shares each count.
Per IP address the windows are clock hours; per email address, UTC days. Email addresses are
counted by a hash, so the counter table holds no address.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from civic311.open311.http import client_address
from civic311.open311.services import count_request

HOUR = 3600
DAY = 86400


@dataclass(frozen=True)
class Refusal:
    """A limit was reached: which one, what it allows, and how long until it allows more."""

    limit: str  # filings_ip, receipts_email, subscriptions_ip or confirmations_email
    allowed: int
    wait_seconds: int
    email: str = ""

    @property
    def wait(self) -> str:
        """How long to wait, in words: "12 minutes", "about 5 hours"."""
        minutes = max(1, math.ceil(self.wait_seconds / 60))
        if minutes < 90:
            return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}
        hours = round(minutes / 60)
        return ngettext("about %(count)s hour", "about %(count)s hours", hours) % {"count": hours}

    @property
    def message(self) -> str:
        """The sentence the resident reads, in the page's language."""
        words = {"allowed": self.allowed, "wait": self.wait, "email": self.email}
        return str(MESSAGES[self.limit]) % words


MESSAGES = {
    "filings_ip": _lazy(
        "Your internet connection has sent as many reports this hour as we take from one "
        "connection (%(allowed)s). Your report is kept: send it again in %(wait)s, or call 311."
    ),
    "receipts_email": _lazy(
        "%(email)s was given on as many reports today as we take for one email address in a "
        "day (%(allowed)s). Your report is kept: send it without email updates, send it again "
        "in %(wait)s, or call 311."
    ),
    "subscriptions_ip": _lazy(
        "Your internet connection has asked for email alerts as often this hour as we allow "
        "one connection (%(allowed)s). Try again in %(wait)s."
    ),
    "confirmations_email": _lazy(
        "We have sent %(email)s as many confirmation emails today as we send one address in "
        "a day (%(allowed)s). Try again in %(wait)s, or follow this request's feed."
    ),
}


def check_filing(request: HttpRequest, *, email: str = "") -> Refusal | None:
    """Count a web report from this address (and to `email`, when it asks for updates)."""
    config = settings.CIVIC311
    return _first(
        request,
        ("filings_ip", config.filings_per_ip_per_hour),
        ("receipts_email", config.receipts_per_email_per_day),
        email,
    )


def check_subscription(request: HttpRequest, *, email: str) -> Refusal | None:
    """Count a request for email alerts from this address, and its confirmation to `email`."""
    config = settings.CIVIC311
    return _first(
        request,
        ("subscriptions_ip", config.subscriptions_per_ip_per_hour),
        ("confirmations_email", config.confirmations_per_email_per_day),
        email,
    )


def _first(
    request: HttpRequest, per_ip: tuple[str, int], per_email: tuple[str, int], email: str
) -> Refusal | None:
    """The IP address's count first; an address over its limit does not use up the email's."""
    name, allowed = per_ip
    wait = count_request(
        bucket=f"{name}:{client_address(request)}", limit=allowed, window_seconds=HOUR
    )
    if wait is not None:
        return Refusal(name, allowed, wait)
    address = email.strip().lower()
    if not address:
        return None
    name, allowed = per_email
    wait = count_request(bucket=f"{name}:{_digest(address)}", limit=allowed, window_seconds=DAY)
    return Refusal(name, allowed, wait, email=address) if wait is not None else None


def _digest(address: str) -> str:
    return hashlib.sha256(address.encode()).hexdigest()[:32]
