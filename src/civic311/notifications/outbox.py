"""The worker's writes to the outbox: claim due emails, record what happened to each.

Claiming is one short transaction: PostgreSQL skips rows another worker has
locked (`FOR UPDATE SKIP LOCKED`); SQLite's IMMEDIATE transactions let one
claimer in at a time. A claim is a lease: the row becomes `sending`, its
`due_at` moves to the end of the lease and it gets a fresh claim token. A
worker that dies leaves the lease to run out; the row is then due again and
another worker takes it. Results are recorded only under the claim token, so
a worker whose lease was taken over can never overwrite the new owner's work.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from django.db import connection, transaction
from django.db.models import F

from civic311.core import clock
from civic311.notifications.models import OutboxMessage, Subscription, confirmation_cutoff

Status = OutboxMessage.Status
LONGEST_RETRY = dt.timedelta(hours=1)


def claim_due(*, worker: str, limit: int, lease: dt.timedelta) -> list[OutboxMessage]:
    """Lease up to `limit` due emails (oldest due first) to `worker`; return them."""
    now = clock.now()
    token = uuid.uuid4().hex
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.filter(
                status__in=[Status.QUEUED, Status.SENDING], due_at__lte=now
            )
            .order_by("due_at", "id")
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)[:limit]
        )
        if not ids:
            return []
        OutboxMessage.objects.filter(id__in=ids).update(
            status=Status.SENDING,
            due_at=now + lease,
            attempts=F("attempts") + 1,
            claim=token,
            claimed_by=worker,
        )
    return list(OutboxMessage.objects.filter(id__in=ids, claim=token).order_by("due_at", "id"))


def mark_sent(message: OutboxMessage) -> bool:
    """Record a delivered email; False when our lease had already been taken over.

    One UPDATE, its own transaction: it runs once per email, so it must be cheap.
    """
    updated = OutboxMessage.objects.filter(pk=message.pk, claim=message.claim).update(
        status=Status.SENT, sent_at=clock.now(), last_error=""
    )
    return updated == 1


def mark_failed(
    message: OutboxMessage,
    *,
    error: str,
    permanent: bool,
    max_attempts: int,
    retry_after: dt.timedelta,
) -> str:
    """Record a failed attempt: retry later with backoff, or dead when out of attempts.

    Returns the new status, or "" when our lease had been taken over (nothing recorded).
    """
    dead = permanent or message.attempts >= max_attempts
    status = Status.DEAD if dead else Status.QUEUED
    due = clock.now() + backoff(message.attempts, retry_after)
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(pk=message.pk, claim=message.claim).update(
            status=status, due_at=due, last_error=error[:2000], claim=""
        )
    return status if updated else ""


def mark_abandoned(message: OutboxMessage, *, max_attempts: int) -> None:
    """Dead without sending: its leases ran out `max_attempts` times (it stops workers)."""
    with transaction.atomic():
        OutboxMessage.objects.filter(pk=message.pk, claim=message.claim).update(
            status=Status.DEAD,
            claim="",
            last_error=(
                f"a worker stopped while sending it {max_attempts} times "
                "(its lease ran out each time); it was not sent again"
            ),
        )


def release(messages: Sequence[OutboxMessage]) -> int:
    """Hand claimed but unattempted emails back, due now, as if never claimed."""
    released = 0
    with transaction.atomic():
        for message in messages:
            released += OutboxMessage.objects.filter(pk=message.pk, claim=message.claim).update(
                status=Status.QUEUED,
                due_at=clock.now(),
                attempts=F("attempts") - 1,
                claim="",
            )
    return released


def backoff(attempts: int, first: dt.timedelta) -> dt.timedelta:
    """Wait before the next try: `first`, doubling after every attempt, at most an hour."""
    return min(first * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def retry_now(ids: Sequence[int]) -> int:
    """Give dead emails a fresh set of attempts (staff, after fixing the cause)."""
    with transaction.atomic():
        return OutboxMessage.objects.filter(id__in=ids, status=Status.DEAD).update(
            status=Status.QUEUED, due_at=clock.now(), attempts=0, claim=""
        )


def purge_expired_subscriptions() -> int:
    """Forget addresses that never confirmed within the confirmation period (privacy)."""
    with transaction.atomic():
        expired = Subscription.objects.filter(
            confirmed_at__isnull=True,
            unsubscribed_at__isnull=True,
            created_at__lt=confirmation_cutoff(),
        )
        _, deleted = expired.delete()
    return deleted.get(Subscription._meta.label, 0)


def relax_durability() -> None:
    """Let this connection's outbox writes commit without waiting for the disk (PostgreSQL).

    If the server crashes in the next fraction of a second, the last marks are lost: a
    "sent" email goes again with the same Message-ID, a claim or a failure is simply
    redone, which at-least-once delivery allows. Waiting for a WAL flush per email would
    cost more than sending it. Call it only on a connection that writes nothing else.
    """
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")
