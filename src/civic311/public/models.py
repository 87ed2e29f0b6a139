"""Reports residents are still writing on the site, kept until they are filed.

A draft is what makes the report form safe to use: what was typed and the
photos already accepted survive a failed upload, an error, the review step
and a language switch; and its one-time token is claimed under a row lock
when filing, so a double click files one request, never two.
"""

from __future__ import annotations

from django.db import models


class ReportDraft(models.Model):
    """A report in progress: the form's raw answers and, once filed, the request it became."""

    token = models.CharField(max_length=64, unique=True, editable=False)
    service = models.ForeignKey("catalog.Service", on_delete=models.CASCADE, related_name="+")
    answers = models.JSONField(
        default=dict, blank=True, help_text="The form's fields as the resident typed them."
    )
    language = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    request = models.OneToOneField(
        "service_requests.ServiceRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Set once, when the draft is filed.",
    )

    class Meta:
        indexes = [models.Index(fields=["updated_at"], name="draft_updated")]

    def __str__(self) -> str:
        return f"draft {self.token[:8]}… ({'filed' if self.request_id else 'open'})"

    @property
    def is_filed(self) -> bool:
        """True once the draft became a service request."""
        return self.request_id is not None


class DraftPhoto(models.Model):
    """A photo already checked and cleaned by the media pipeline, waiting for the draft's filing."""

    draft = models.ForeignKey(ReportDraft, on_delete=models.CASCADE, related_name="photos")
    filename = models.CharField(max_length=100, blank=True)
    image = models.BinaryField()
    thumbnail = models.BinaryField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename or f"photo {self.pk}"
