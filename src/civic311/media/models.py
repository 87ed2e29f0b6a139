"""Photos attached to a request: residents' pictures of the problem and crews' 'after' shots."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.db import models

from civic311.core import site


class Photo(models.Model):
    """One stored photo (a clean JPEG and its thumbnail) on a request's timeline."""

    class Kind(models.TextChoices):
        RESIDENT = "resident", "resident"
        CREW = "crew", "crew"

    request = models.ForeignKey(
        "service_requests.ServiceRequest", on_delete=models.CASCADE, related_name="photos"
    )
    event = models.ForeignKey(
        "service_requests.RequestEvent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="photos",
        help_text="The timeline step the photo came with (submission or a status change).",
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Names are photos/<tracking number>/<random hex>.jpg: unguessable, never reused.
    image = models.FileField(max_length=200)
    thumbnail = models.FileField(max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.image.name or ""

    @property
    def url(self) -> str:
        """The photo's absolute address, for the API's media_url, pages and emails."""
        return absolute_media_url(self.image.name or "")

    @property
    def thumbnail_url(self) -> str:
        """The thumbnail's absolute address (longest side 320 px)."""
        return absolute_media_url(self.thumbnail.name or "")


def absolute_media_url(name: str) -> str:
    """BASE_URL + MEDIA_URL + name: what civic311's own /media/ view serves."""
    return f"{site.base_url()}{settings.MEDIA_URL}{quote(name)}"
