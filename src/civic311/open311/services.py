"""Writes for the GeoReport API: keys, filing requests, client updates, rate limits, the sandbox.

Each public function is one transaction. Filing with an idempotency key is
race-safe: the key's row is inserted in the same transaction as the request,
under a unique constraint, so of two concurrent retries exactly one files and
the other answers what the first answered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction

from civic311.catalog.models import Service
from civic311.core import clock
from civic311.core.errors import ValidationFailed
from civic311.media.models import Photo
from civic311.media.processing import ProcessedPhoto
from civic311.open311 import shapes, updates
from civic311.open311.keys import make_key
from civic311.open311.models import (
    ApiClient,
    ApiSubmission,
    ApiUpdate,
    IdempotentSubmission,
    RateCounter,
)
from civic311.service_requests import services as requests_services
from civic311.service_requests.models import Channel, RequestEvent, ServiceRequest

IDEMPOTENCY_RETENTION = dt.timedelta(hours=48)
SANDBOX_RETENTION = dt.timedelta(days=7)


@dataclass(frozen=True)
class Filing:
    """The answer to a POST requests: the response record, and whether it is a replay."""

    answer: dict[str, Any]
    replayed: bool = False


# --- keys ------------------------------------------------------------------


def create_client(
    *, name: str, contact_email: str = "", sandbox: bool = False, verifies_emails: bool = False
) -> tuple[ApiClient, str]:
    """Register an API client; returns it and its key, which is shown this once only.

    `verifies_emails`: staff trust the app to prove its users own the addresses it sends.
    """
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed({"name": "name required: the app's name, e.g. Chicago Works"})
    if len(name) > 200:
        raise ValidationFailed({"name": "name must be at most 200 characters"})
    key = make_key(sandbox=sandbox)
    client = ApiClient.objects.create(
        name=name,
        contact_email=contact_email.strip(),
        key_prefix=key.prefix,
        key_hash=key.hash,
        is_sandbox=sandbox,
        verifies_emails=verifies_emails,
        created_at=clock.now(),
    )
    return client, key.secret


def revoke_client(*, client: ApiClient) -> ApiClient:
    """Stop a key working from now on; what it filed stays."""
    if client.revoked_at is None:
        client.revoked_at = clock.now()
        client.save(update_fields=["revoked_at"])
    return client


# --- filing ----------------------------------------------------------------


def file_request(
    *,
    client: ApiClient,
    service: Service,
    location: requests_services.Location,
    description: str,
    attributes: Mapping[str, Sequence[str]],
    requester: requests_services.Requester,
    media_urls: Sequence[str] = (),
    photos: Sequence[ProcessedPhoto] = (),
    idempotency_key: str = "",
    fingerprint: str = "",
) -> Filing:
    """File a request for an API client, or replay the first answer to a retried key."""
    if idempotency_key:
        earlier = _earlier_answer(client, idempotency_key, fingerprint)
        if earlier is not None:
            return earlier
    submission = requests_services.prepare_submission(
        service=service,
        channel=Channel.OPEN311,
        location=location,
        description=description,
        attributes=attributes,
        requester=requester,
        media_urls=media_urls,
        via=client.name,
        is_test=client.is_sandbox,
        photos=photos,
        # Only a client staff marked as verifying its users' addresses may vouch (ADR 0015).
        email_vouched=client.verifies_emails,
    )
    try:
        with transaction.atomic():
            request = requests_services.record_submission(submission)
            ApiSubmission.objects.create(request=request, client=client)
            answer = shapes.post_answer(
                tracking_number=request.tracking_number,
                token=request.token,
                batch=service.type != Service.Type.REALTIME,
            )
            if idempotency_key:
                _remember(client, idempotency_key, fingerprint, request, answer)
    except IntegrityError:
        # A concurrent retry with the same key committed first: answer as it did.
        earlier = _earlier_answer(client, idempotency_key, fingerprint) if idempotency_key else None
        if earlier is None:
            raise
        return earlier
    return Filing(answer=answer)


def _earlier_answer(client: ApiClient, key: str, fingerprint: str) -> Filing | None:
    cutoff = clock.now() - IDEMPOTENCY_RETENTION
    earlier = (
        IdempotentSubmission.objects.filter(client=client, key=key, created_at__gte=cutoff)
        .values("fingerprint", "answer")
        .first()
    )
    if earlier is None:
        return None
    if earlier["fingerprint"] != fingerprint:
        raise ValidationFailed(
            {
                "idempotency_key": f"the idempotency key {key[:60]} was already used for a "
                "different request; send a new key for a new request"
            }
        )
    return Filing(answer=shapes.stored_post_answer(earlier["answer"]), replayed=True)


def _remember(
    client: ApiClient, key: str, fingerprint: str, request: ServiceRequest, answer: dict
) -> None:
    now = clock.now()
    # Expired keys of this client go first, so a key may be reused after the retention.
    IdempotentSubmission.objects.filter(
        client=client, created_at__lt=now - IDEMPOTENCY_RETENTION
    ).delete()
    IdempotentSubmission.objects.create(
        client=client,
        key=key,
        fingerprint=fingerprint,
        request=request,
        answer=answer,
        created_at=now,
    )


# --- client updates (mySociety's servicerequestupdates) --------------------


def post_update(
    *,
    client: ApiClient,
    request: ServiceRequest,
    update_id: str,
    status: str,
    description: str,
    client_time: dt.datetime | None,
    media_urls: Sequence[str] = (),
) -> RequestEvent:
    """Record a client's comment or status update on a request (see updates.decide)."""
    if status not in updates.STATUSES:
        raise ValidationFailed(
            {"status": f"status {status[:40]} is not one of {', '.join(sorted(updates.STATUSES))}"}
        )
    _check_new_update_id(client, update_id)
    outcome = updates.decide(
        status,
        request_is_open=request.is_open,
        closed_at=request.closed_datetime,
        client_time=client_time,
    )
    details: dict[str, Any] = {"client_status": status}
    if media_urls:
        details["media_urls"] = list(media_urls)
    try:
        with transaction.atomic():
            event = requests_services.add_comment(
                request,
                text=description,
                via=client.name,
                reopen_request=outcome.reopen,
                external_id=update_id,
                details=details,
            )
            ApiUpdate.objects.create(event=event, client=client, update_id=update_id)
    except IntegrityError:
        # The same update_id arrived twice at once; the first one was recorded.
        _check_new_update_id(client, update_id)
        raise
    return event


def _check_new_update_id(client: ApiClient, update_id: str) -> None:
    earlier = (
        ApiUpdate.objects.filter(client=client, update_id=update_id)
        .values_list("event_id", flat=True)
        .first()
    )
    if earlier is not None:
        raise ValidationFailed(
            {"update_id": f"update_id {update_id} already exists (received as update {earlier})"}
        )


# --- abuse limits ------------------------------------------------------------


def count_request(*, bucket: str, limit: int, window_seconds: int = 60) -> int | None:
    """Count one POST against `bucket`'s window; the seconds to wait when over `limit`, else None.

    Windows are clock-aligned (a minute, an hour, a UTC day; `window_seconds` a whole number
    of minutes). The counter is a row per bucket and window, incremented by one upsert, so
    every gunicorn worker (and every server) shares it. A bucket keeps one window size.
    """
    now = clock.now().timestamp()
    minutes = max(1, window_seconds // 60)
    start = int(now // (minutes * 60)) * minutes
    until = start + minutes
    quote = connection.ops.quote_name
    table, bucket_col, minute_col, until_col, count_col = (
        quote(RateCounter._meta.db_table),
        quote("bucket"),
        quote("minute"),
        quote("until"),
        quote("count"),
    )
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A count lost in a crash only lets a few more POSTs through; waiting for the
            # disk on every count cost each POST a second fsync.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(
            f"INSERT INTO {table} ({bucket_col}, {minute_col}, {until_col}, {count_col}) "
            f"VALUES (%s, %s, %s, 1) ON CONFLICT ({bucket_col}, {minute_col}) "
            f"DO UPDATE SET {count_col} = {table}.{count_col} + 1 RETURNING {count_col}",
            [bucket[:80], start, until],
        )
        (count,) = cursor.fetchone()
        if count == 1:
            # The first hit of a new window clears windows that ended before the last minute
            # (any bucket), as the minute counters always did.
            cursor.execute(f"DELETE FROM {table} WHERE {until_col} < %s", [int(now // 60)])
    if count <= limit:
        return None
    return max(1, int(until * 60 - now + 0.999))


# --- sandbox -----------------------------------------------------------------


def purge_sandbox(*, older_than: dt.timedelta = SANDBOX_RETENTION) -> int:
    """Delete test requests filed through the sandbox before `older_than` ago; returns how many."""
    cutoff = clock.now() - older_than
    with transaction.atomic():
        doomed = ServiceRequest.objects.filter(is_test=True, requested_datetime__lt=cutoff)
        # Duplicate links are PROTECTed; test requests only ever point at test requests.
        ServiceRequest.objects.filter(is_test=True, duplicate_of__in=doomed).update(
            duplicate_of=None
        )
        files = [
            name
            for pair in Photo.objects.filter(request__in=doomed).values_list("image", "thumbnail")
            for name in pair
        ]
        count = doomed.count()
        doomed.delete()
        # Files cannot roll back, so they go only once the rows are gone for good.
        transaction.on_commit(lambda: _delete_files(files))
    return count


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
