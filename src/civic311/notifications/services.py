"""Subscriptions and the alerts they receive: every write is one transaction.

`welcome_requester`, `announce` and `follow_parent` are called by the
service-request services inside their own transactions, so an email is
queued if and only if the change it announces commits (the transactional
outbox). Subscribers get at most one email per request per alert window:
changes inside the window are folded into one message that is sent when the
window ends, so nothing, completion included, waits longer than the window.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Sequence
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from civic311.core import clock, site
from civic311.core.errors import NotFound, ValidationFailed
from civic311.notifications import emails, tokens
from civic311.notifications.models import (
    OutboxMessage,
    Subscription,
    active_subscriptions,
)
from civic311.service_requests.models import RequestEvent, ServiceRequest

log = logging.getLogger(__name__)

# A closed request keeps taking new followers this long (people still ask about it).
SUBSCRIBE_AFTER_CLOSING = dt.timedelta(days=30)
Kind = OutboxMessage.Kind
Event = RequestEvent.Type


def subscribe(
    *,
    request: ServiceRequest,
    email: str,
    confirmed: bool = False,
    source: str = "tracker",
    language: str = "",
) -> Subscription:
    """Follow a request by email; unless `confirmed`, queue the double opt-in email.

    `language` (e.g. "es") is the language of the follower's emails; blank means English.
    """
    address = normalise_email(email)
    with transaction.atomic():
        target = _followed_request(request)
        _check_accepts_followers(target)
        try:
            with transaction.atomic():
                subscription = _start(
                    target, address, confirmed=confirmed, source=source, language=language
                )
        except IntegrityError:
            # Someone subscribed the same address a moment ago.
            raise ValidationFailed(
                {
                    "email": _("%(address)s already follows %(number)s.")
                    % {"address": address, "number": target.tracking_number}
                }
            ) from None
        if not confirmed:
            _queue_confirmation(target, subscription)
    return subscription


def confirm_subscription(*, token: str) -> Subscription:
    """Confirm a pending subscription from its emailed link; the alerts start."""
    found = tokens.read_confirmation_token(token)
    if found is None:
        raise NotFound(_("This confirmation link is not valid or has expired."))
    subscription_id, stamp = found
    with transaction.atomic():
        subscription = _locked_subscription(subscription_id)
        if subscription is None or tokens.generation(subscription.created_at) != stamp:
            raise NotFound(_("This confirmation link is out of date; subscribe again."))
        if subscription.moved_to_id:
            return _final(subscription)
        if subscription.is_active:
            return subscription
        if subscription.unsubscribed_at or subscription.is_expired:
            raise NotFound(
                _("This confirmation link has expired or was cancelled; subscribe again.")
            )
        subscription.confirmed_at = clock.now()
        subscription.save(update_fields=["confirmed_at"])
        parent = subscription.request.duplicate_of
        if parent is not None:
            return _move(subscription, parent)
    return subscription


def unsubscribe(*, token: str) -> Subscription:
    """Stop a subscription (and whatever it was folded into) from its one-click link."""
    subscription_id = tokens.read_unsubscribe_token(token)
    if subscription_id is None:
        raise NotFound(_("This unsubscribe link is not valid."))
    with transaction.atomic():
        subscription = _locked_subscription(subscription_id)
        if subscription is None:
            raise NotFound(_("This subscription no longer exists; you will get no more emails."))
        chain = [subscription]
        while chain[-1].moved_to_id and len(chain) < 10:
            chain.append(Subscription.objects.select_for_update().get(pk=chain[-1].moved_to_id))
        now = clock.now()
        for link in chain:
            if link.unsubscribed_at is None:
                link.unsubscribed_at = now
                link.save(update_fields=["unsubscribed_at"])
        OutboxMessage.objects.filter(
            subscription__in=chain, status=OutboxMessage.Status.QUEUED
        ).update(status=OutboxMessage.Status.CANCELLED, last_error="unsubscribed")
    return chain[-1]


def welcome_requester(
    *,
    request: ServiceRequest,
    event: RequestEvent,
    email: str = "",
    first_name: str = "",
    vouched: bool = False,
) -> Subscription | None:
    """Inside the transaction that filed a report: queue its reporter's receipt.

    Whoever files may type anyone's address, so the receipt is the only email sent unasked:
    it carries a link to confirm the updates (and one to stop), and the subscription stays
    pending until the link is used (docs/adr/0015). `vouched` when the filer proved the
    address is theirs (an API client marked as verifying its users' addresses): then the
    updates start at once. `event` is the report's timeline event: the submission of a new
    request, or "reported again" when a caller's report is added to an open one (then pass
    their `email` and `first_name`; the request's own requester is the default).
    """
    _require_transaction()
    given = email or request.requester_email
    if request.is_test or not given:
        return None
    try:
        address = normalise_email(given)
        # The reporter reads their emails in the language they filed in (the page's).
        subscription = _start(
            request,
            address,
            confirmed=vouched,
            source=Subscription.Source.REQUESTER,
            language=translation.get_language() or "",
        )
    except ValidationFailed as exc:  # not an address, or it already follows: nothing to add
        log.info("request %s: no receipt (%s)", request.tracking_number, exc.message)
        return None
    name = first_name or (request.requester_first_name if not email else "")
    _queue(
        kind=Kind.RECEIPT,
        request=request,
        subscription=subscription,
        email=emails.receipt(
            request, subscription, first_name=name, added=event.type != Event.SUBMITTED
        ),
        key=f"receipt:{subscription.pk}:{event.pk}",
        due_at=clock.now(),
    )
    return subscription


def announce(events: Sequence[RequestEvent]) -> int:
    """Inside a change's transaction: queue (or fold) the emails its public events deserve."""
    _require_transaction()
    alerts = [e for e in events if e.is_public and e.type in emails.ALERT_TYPES]
    queued = 0
    for request_id in dict.fromkeys(e.request_id for e in alerts):
        group = [e for e in alerts if e.request_id == request_id]
        request = group[0].request
        if request.is_test:
            continue
        renderer = _UpdateRenderer(request)
        waiting = _waiting_updates(request)
        for subscription in active_subscriptions().filter(request_id=request_id):
            queued += _queue_update(
                request, subscription, group, renderer, waiting.get(subscription.pk)
            )
    return queued


def follow_parent(*, duplicate: ServiceRequest, parent: ServiceRequest) -> int:
    """Inside mark_duplicate's transaction: the duplicate's followers now follow the parent."""
    _require_transaction()
    moved = 0
    for subscription in active_subscriptions().filter(request=duplicate).select_for_update():
        _move(subscription, parent)
        moved += 1
    return moved


def normalise_email(email: str) -> str:
    """The address trimmed and lower-cased, or ValidationFailed with a sentence."""
    address = (email or "").strip().lower()
    if not address:
        raise ValidationFailed({"email": _("Enter an email address.")})
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationFailed(
            {
                "email": _(
                    "'%(address)s' is not an email address; it should look like name@example.org."
                )
                % {"address": address}
            }
        ) from None
    return address


# --- helpers -------------------------------------------------------------


def _require_transaction() -> None:
    # The outbox promise (email if and only if the change commits) needs the caller's transaction.
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("call this inside the transaction of the change it announces")


def _followed_request(request: ServiceRequest) -> ServiceRequest:
    """The request as it is now; following a duplicate means following its parent."""
    requests = ServiceRequest.objects.select_related("service", "department")
    current = requests.get(pk=request.pk)
    return current if current.duplicate_of_id is None else requests.get(pk=current.duplicate_of_id)


def _check_accepts_followers(request: ServiceRequest) -> None:
    closed = request.closed_datetime
    if closed is not None and clock.now() - closed > SUBSCRIBE_AFTER_CLOSING:
        raise ValidationFailed(
            {
                "email": _(
                    "%(number)s was closed more than %(days)s days ago, "
                    "so it takes no new email alerts."
                )
                % {"number": request.tracking_number, "days": SUBSCRIBE_AFTER_CLOSING.days}
            }
        )


def _start(
    request: ServiceRequest, address: str, *, confirmed: bool, source: str, language: str = ""
) -> Subscription:
    """Create the subscription, or restart an expired, cancelled or moved one."""
    now = clock.now()
    existing = (
        Subscription.objects.select_for_update().filter(request=request, email=address).first()
    )
    if existing is None:
        return Subscription.objects.create(
            request=request,
            email=address,
            source=source,
            language=language,
            created_at=now,
            confirmed_at=now if confirmed else None,
        )
    if existing.is_active:
        raise ValidationFailed(
            {
                "email": _("%(address)s already gets email alerts for %(number)s.")
                % {"address": address, "number": request.tracking_number}
            }
        )
    if existing.state == "pending" and not confirmed:
        raise ValidationFailed(
            {
                "email": _(
                    "We already sent a confirmation link to %(address)s; "
                    "follow it to start the alerts."
                )
                % {"address": address}
            }
        )
    existing.source = source
    existing.language = language or existing.language
    existing.created_at = now
    existing.confirmed_at = now if confirmed else None
    existing.unsubscribed_at = None
    existing.moved_to = None
    existing.save()
    return existing


def _move(subscription: Subscription, parent: ServiceRequest) -> Subscription:
    """Point a confirmed subscription at `parent`, merging with one the address already has."""
    existing = (
        Subscription.objects.select_for_update()
        .filter(request=parent, email=subscription.email)
        .first()
    )
    if existing is None:
        subscription.request = parent
        subscription.save(update_fields=["request"])
        return subscription
    if not existing.is_active:
        # Following the duplicate is the address's latest wish about this problem.
        existing.confirmed_at = existing.confirmed_at or subscription.confirmed_at
        existing.unsubscribed_at = None
        existing.moved_to = None
        existing.save(update_fields=["confirmed_at", "unsubscribed_at", "moved_to"])
    subscription.moved_to = existing
    subscription.save(update_fields=["moved_to"])
    return existing


def _locked_subscription(subscription_id: int) -> Subscription | None:
    return (
        Subscription.objects.select_for_update()
        .select_related("request")
        .filter(pk=subscription_id)
        .first()
    )


def _final(subscription: Subscription) -> Subscription:
    while subscription.moved_to_id:
        subscription = Subscription.objects.get(pk=subscription.moved_to_id)
    return subscription


def _queue_confirmation(request: ServiceRequest, subscription: Subscription) -> None:
    stamp = tokens.generation(subscription.created_at)
    _queue(
        kind=Kind.CONFIRMATION,
        request=request,
        subscription=subscription,
        email=emails.confirmation(request, subscription),
        key=f"confirm:{subscription.pk}:{stamp}",
        due_at=clock.now(),
    )


class _UpdateRenderer:
    """Renders each distinct set of events once per announce, however many followers share it."""

    def __init__(self, request: ServiceRequest) -> None:
        self.request = request
        self.rendered: dict[tuple[str, tuple[int, ...]], emails.Email] = {}

    def __call__(self, subscription: Subscription, events: list[RequestEvent]) -> emails.Email:
        language = emails.language_of(subscription)
        key = (language, tuple(e.pk for e in events))
        if key not in self.rendered:
            self.rendered[key] = emails.update_for_followers(
                self.request, events, language=language
            )
        return emails.personalise(self.rendered[key], subscription)


def _waiting_updates(request: ServiceRequest) -> dict[int, OutboxMessage]:
    """This request's update emails no worker has touched yet, by subscription (locked)."""
    waiting = OutboxMessage.objects.select_for_update().filter(
        request=request, kind=Kind.UPDATE, status=OutboxMessage.Status.QUEUED, attempts=0
    )
    # Update emails always have a subscription; only supervisors' reminders have none.
    return {m.subscription_id: m for m in waiting if m.subscription_id is not None}


def _queue_update(
    request: ServiceRequest,
    subscription: Subscription,
    events: list[RequestEvent],
    render: _UpdateRenderer,
    waiting: OutboxMessage | None,
) -> int:
    """Fold `events` into the subscriber's waiting email for this request, or start one."""
    if waiting is None:
        window = dt.timedelta(minutes=settings.CIVIC311.alert_window_minutes)
        _queue(
            kind=Kind.UPDATE,
            request=request,
            subscription=subscription,
            email=render(subscription, events),
            key=f"update:{subscription.pk}:{events[0].pk}",
            due_at=clock.now() + window,
            event_ids=[e.pk for e in events],
        )
        return 1
    new = [e for e in events if e.pk not in waiting.event_ids]
    earlier = list(
        RequestEvent.objects.filter(pk__in=waiting.event_ids).order_by("created_at", "id")
    )
    email = render(subscription, [*earlier, *new])
    waiting.event_ids = [*waiting.event_ids, *(e.pk for e in new)]
    _fill(waiting, email, subscription.email)
    waiting.save(
        update_fields=["event_ids", "subject", "body_text", "body_html", "headers", "to_email"]
    )
    return 0


def _queue(
    *,
    kind: str,
    request: ServiceRequest,
    subscription: Subscription,
    email: emails.Email,
    key: str,
    due_at: dt.datetime,
    event_ids: list[int] | None = None,
) -> OutboxMessage:
    message = outbox_message(
        kind=kind,
        key=key,
        to_email=subscription.email,
        email=email,
        due_at=due_at,
        request=request,
        subscription=subscription,
        event_ids=event_ids,
    )
    message.save(force_insert=True)
    return message


def outbox_message(
    *,
    kind: str,
    key: str,
    to_email: str,
    email: emails.Email,
    due_at: dt.datetime,
    request: ServiceRequest | None = None,
    subscription: Subscription | None = None,
    event_ids: list[int] | None = None,
) -> OutboxMessage:
    """An outbox row (not yet saved) for one rendered email, with its own Message-ID."""
    message = OutboxMessage(
        kind=kind,
        dedupe_key=key,
        request=request,
        subscription=subscription,
        event_ids=event_ids or [],
        message_id=new_message_id(),
        created_at=clock.now(),
        due_at=due_at,
    )
    _fill(message, email, to_email)
    return message


def _fill(message: OutboxMessage, email: emails.Email, to_email: str) -> None:
    message.to_email = to_email
    message.subject = email.subject
    message.body_text = email.text
    message.body_html = email.html
    message.headers = email.headers


def new_message_id() -> str:
    """A globally unique Message-ID, fixed when the email is queued and kept on every retry."""
    domain = urlsplit(site.base_url()).hostname or "localhost"
    return f"<{uuid.uuid4().hex}.civic311@{domain}>"
