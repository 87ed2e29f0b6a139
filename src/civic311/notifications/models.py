"""Who follows which request, and every email civic311 owes someone (the outbox).

An OutboxMessage is written in the same transaction as the change it announces,
already rendered, so the worker only has to claim, send and mark it; the row
is the record of what was sent, when, and (for dead ones) why not.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q

from civic311.core import clock

# Double opt-in links are good for a week; unconfirmed subscriptions go with them.
CONFIRMATION_DAYS = 7


class Subscription(models.Model):
    """One email address following one request."""

    class Source(models.TextChoices):
        REQUESTER = "requester", "the requester, on submission"
        TRACKER = "tracker", "the tracker page"
        STAFF = "staff", "city staff"
        API = "api", "an API client"

    request = models.ForeignKey(
        "service_requests.ServiceRequest", on_delete=models.CASCADE, related_name="subscriptions"
    )
    email = models.EmailField(help_text="Lower-cased, so one address follows a request once.")
    source = models.CharField(max_length=16, choices=Source.choices)
    language = models.CharField(
        max_length=8,
        blank=True,
        help_text="The language this follower's emails are written in (en, es); blank is English.",
    )
    created_at = models.DateTimeField(help_text="When this (re)subscription was asked for.")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    moved_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The parent request's subscription this one was folded into (duplicates).",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "email"], name="one_subscription_per_email")
        ]
        indexes = [
            models.Index(
                fields=["request"],
                condition=Q(
                    confirmed_at__isnull=False, unsubscribed_at__isnull=True, moved_to__isnull=True
                ),
                name="subscription_active",
            ),
            models.Index(
                fields=["created_at"],
                condition=Q(confirmed_at__isnull=True, unsubscribed_at__isnull=True),
                name="subscription_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.request_id}"

    @property
    def is_active(self) -> bool:
        """True when this address gets the request's alerts."""
        return bool(self.confirmed_at and not self.unsubscribed_at and not self.moved_to_id)

    @property
    def is_expired(self) -> bool:
        """True for an unconfirmed subscription whose confirmation link has run out."""
        return self.confirmed_at is None and self.created_at < confirmation_cutoff()

    @property
    def state(self) -> str:
        """active, pending, expired, unsubscribed or moved, in one word."""
        if self.unsubscribed_at:
            return "unsubscribed"
        if self.moved_to_id:
            return "moved"
        if self.confirmed_at:
            return "active"
        return "expired" if self.is_expired else "pending"


def confirmation_cutoff() -> dt.datetime:
    """Unconfirmed subscriptions created before this have expired."""
    return clock.now() - dt.timedelta(days=CONFIRMATION_DAYS)


def active_subscriptions() -> models.QuerySet[Subscription]:
    """Subscriptions that receive alerts: confirmed, not unsubscribed, not moved."""
    return Subscription.objects.filter(
        confirmed_at__isnull=False, unsubscribed_at__isnull=True, moved_to__isnull=True
    )


class OutboxMessage(models.Model):
    """One rendered email owed to one subscriber (or one supervisor), and what became of it."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", "receipt"
        CONFIRMATION = "confirmation", "subscription confirmation"
        UPDATE = "update", "request update"
        OVERDUE = "overdue", "overdue reminder to a supervisor"

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        SENDING = "sending", "sending"
        SENT = "sent", "sent"
        DEAD = "dead", "dead"
        CANCELLED = "cancelled", "cancelled (unsubscribed before sending)"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    dedupe_key = models.CharField(
        max_length=100, unique=True, help_text="kind:subscription:event; never queued twice."
    )
    # Emails to residents are about one request and one follower; a supervisor's overdue
    # reminder is about many requests and goes to a staff address, so it has neither.
    request = models.ForeignKey(
        "service_requests.ServiceRequest",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    event_ids = models.JSONField(
        default=list, blank=True, help_text="The public timeline events this email announces."
    )

    to_email = models.EmailField()
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    message_id = models.CharField(
        max_length=200, unique=True, help_text="Stable across retries, so resends are recognised."
    )

    created_at = models.DateTimeField()
    due_at = models.DateTimeField(
        help_text="When it may be (re)claimed: send time, retry time, or the end of a lease."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claim = models.CharField(max_length=32, blank=True, help_text="The current lease's token.")
    claimed_by = models.CharField(max_length=200, blank=True, help_text="host:pid of the worker.")
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The worker's claim query reads only this (small) part of the table.
            models.Index(
                fields=["due_at"],
                condition=Q(status__in=["queued", "sending"]),
                name="outbox_due",
            ),
            # Update emails still open to folding, found by request when a change is announced.
            models.Index(
                fields=["request"],
                condition=Q(status="queued", attempts=0),
                name="outbox_foldable",
            ),
            models.Index(fields=["status", "created_at"], name="outbox_status_created"),
        ]

    def __str__(self) -> str:
        return f"{self.to_email}: {self.subject}"
