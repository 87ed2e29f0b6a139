"""Helpers for email tests: deliver the outbox in-process, read links out of messages."""

from __future__ import annotations

import dataclasses
import re
from email.message import EmailMessage

from django.conf import settings

from civic311.config import parse_smtp_url
from civic311.notifications import mailer
from civic311.notifications.worker import Tally, Worker


def worker_for(sink_url: str, **config) -> Worker:
    """A real Worker sending to `sink_url`, with config overrides (e.g. outbox_max_attempts=2)."""
    transport = mailer.SmtpTransport(parse_smtp_url(sink_url), timeout=5)
    return Worker(transport=transport, config=dataclasses.replace(settings.CIVIC311, **config))


def deliver(sink_url: str, **config) -> Tally:
    """Drain everything due now through the sink, in this process."""
    return worker_for(sink_url, **config).drain()


def text_of(message: EmailMessage) -> str:
    """The plain-text part."""
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    """The HTML part."""
    return message.get_body(preferencelist=("html",)).get_content()


def link(message: EmailMessage, kind: str) -> str:
    """The path of the first /subscriptions/<kind>/ link in the text part."""
    found = re.search(rf"https?://[^/\s]+(/subscriptions/{kind}/\S+)", text_of(message))
    assert found, f"no {kind} link in:\n{text_of(message)}"
    return found.group(1)


def confirm_link_of_receipt(request) -> str:
    """The confirm link in the receipt queued for `request`'s requester (docs/adr/0015)."""
    from civic311.notifications.models import OutboxMessage

    receipt = OutboxMessage.objects.filter(request=request, kind="receipt").latest("id")
    found = re.search(r"https?://[^/\s]+((?:/es)?/subscriptions/confirm/\S+)", receipt.body_text)
    assert found, f"no confirm link in the receipt:\n{receipt.body_text}"
    return found.group(1)


def confirm_from_receipt(request):
    """The requester follows the confirm link of their receipt, as a resident does; returns it."""
    from civic311.notifications.services import confirm_subscription

    token = confirm_link_of_receipt(request).rsplit("/", 1)[-1]
    return confirm_subscription(token=token)


def click_confirm(browser, message: EmailMessage):
    """Open an email's confirm link in `browser` (a test Client) and press its button."""
    address = link(message, "confirm")
    assert browser.get(address).status_code == 200
    return browser.post(address)
