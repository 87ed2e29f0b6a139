"""API clients and their keys, what each client filed, and the bookkeeping POSTs need.

Keys are stored as SHA-256 hashes of a random secret: the secret is shown once
when the key is made and never again. Which client filed a request, and which
client sent an update, live here (one row each) rather than on the foundation
models, so the domain stays unaware of the API.
"""

from __future__ import annotations

from django.db import models


class ApiClient(models.Model):
    """An app allowed to write through the GeoReport API, with one key."""

    name = models.CharField(max_length=200, help_text="The app's name, shown on the timeline.")
    contact_email = models.EmailField(blank=True, help_text="Who to tell about the key; private.")
    key_prefix = models.CharField(
        max_length=16, help_text="The key's first characters, to recognise it; not a secret."
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_sandbox = models.BooleanField(
        default=False, help_text="Sandbox keys write test requests at /open311/sandbox/v2/ only."
    )
    verifies_emails = models.BooleanField(
        "verifies its users' email addresses",
        default=False,
        help_text="Tick only for an app that proves each user owns the email address it sends "
        "(e.g. by a link it emailed them): its filers then get updates without confirming "
        "(docs/adr/0015). Otherwise they get a receipt with a link to confirm.",
    )
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "API client"

    def __str__(self) -> str:
        kind = "sandbox" if self.is_sandbox else "production"
        return f"{self.name} ({kind} key {self.key_prefix}…)"

    @property
    def is_active(self) -> bool:
        """True until the key is revoked."""
        return self.revoked_at is None


class ApiSubmission(models.Model):
    """Which API client filed a request (the channel on the request says `open311`)."""

    request = models.OneToOneField(
        "service_requests.ServiceRequest",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="api_submission",
    )
    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="submissions")

    def __str__(self) -> str:
        return f"{self.request_id} by {self.client_id}"


class ApiUpdate(models.Model):
    """An update a client posted to servicerequestupdates; its update_id is unique per client."""

    event = models.OneToOneField(
        "service_requests.RequestEvent",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="api_update",
    )
    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="updates")
    update_id = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "update_id"], name="api_update_id_unique")
        ]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.update_id}"


class IdempotentSubmission(models.Model):
    """The first answer to a POST carrying an idempotency key, replayed to retries."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(
        max_length=64, help_text="Hash of the submitted fields, to spot a reused key."
    )
    request = models.ForeignKey(
        "service_requests.ServiceRequest", on_delete=models.CASCADE, related_name="+"
    )
    answer = models.JSONField(help_text="The POST response record, replayed as it was.")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="idempotency_key_unique")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.key}"


class RateCounter(models.Model):
    """How many POSTs one key, address or email made in one clock window (shared by all workers).

    The API counts per minute; the resident site counts per hour and per day (public.limits).
    """

    bucket = models.CharField(max_length=80)
    minute = models.BigIntegerField(help_text="The window's first minute, since the Unix epoch.")
    until = models.BigIntegerField(
        default=0, help_text="The minute the window ends; the row is cleared after it."
    )
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bucket", "minute"], name="rate_counter_unique")
        ]
        # Finished windows are cleared by `until`; `minute` is only read with the bucket.
        indexes = [models.Index(fields=["until"], name="rate_counter_until")]

    def __str__(self) -> str:
        return f"{self.bucket}@{self.minute}: {self.count}"
