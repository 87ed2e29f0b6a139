"""Reads about subscriptions and the outbox, for pages, the back office and the admin."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from civic311.notifications import tokens
from civic311.notifications.models import OutboxMessage, Subscription, active_subscriptions
from civic311.service_requests.models import ServiceRequest


def subscription_count(request: ServiceRequest) -> int:
    """How many addresses get this request's alerts (confirmed and active)."""
    return active_subscriptions().filter(request=request).count()


def requester_awaiting_confirmation(request: ServiceRequest) -> str:
    """The address the requester's receipt went to while its confirm link is unused, else ""."""
    pending = Subscription.objects.filter(
        request=request,
        source=Subscription.Source.REQUESTER,
        confirmed_at__isnull=True,
        unsubscribed_at__isnull=True,
    ).values_list("email", flat=True)
    return pending.first() or ""


def subscription_for_confirmation(token: str) -> Subscription | None:
    """The subscription a confirmation link names, if the link is still good."""
    found = tokens.read_confirmation_token(token)
    if found is None:
        return None
    subscription = _with_request(found[0])
    if subscription is None or tokens.generation(subscription.created_at) != found[1]:
        return None
    if subscription.state not in {"pending", "active", "moved"}:
        return None
    return subscription


def subscription_for_unsubscribe(token: str) -> Subscription | None:
    """The subscription an unsubscribe link names, if it exists."""
    subscription_id = tokens.read_unsubscribe_token(token)
    subscription = None if subscription_id is None else _with_request(subscription_id)
    # A duplicate's follower was folded into the parent's subscription; that is what stops.
    for _ in range(10):
        if subscription is None or not subscription.moved_to_id:
            break
        subscription = _with_request(subscription.moved_to_id)
    return subscription


def dead_messages() -> QuerySet[OutboxMessage]:
    """Emails that will not be sent without help, newest first, with their last error."""
    return OutboxMessage.objects.filter(status=OutboxMessage.Status.DEAD).select_related("request")


def outbox_counts() -> dict[str, int]:
    """How many emails are in each state (queued, sending, sent, dead, cancelled)."""
    counts = dict.fromkeys(OutboxMessage.Status.values, 0)
    rows = OutboxMessage.objects.values("status").annotate(n=Count("id")).order_by()
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def _with_request(subscription_id: int) -> Subscription | None:
    return Subscription.objects.select_related("request").filter(pk=subscription_id).first()
