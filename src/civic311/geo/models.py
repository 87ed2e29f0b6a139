"""Wards and community areas: the city's districts and their boundaries; confirmed points."""

from __future__ import annotations

from django.db import models


class Ward(models.Model):
    """One ward; `number` is the ward's own number (1–50 in Chicago)."""

    number = models.PositiveIntegerField(primary_key=True)
    alderman = models.CharField(max_length=200, blank=True)
    office_address = models.CharField(max_length=300, blank=True)
    office_phone = models.CharField(max_length=40, blank=True)
    office_email = models.EmailField(blank=True)
    boundary = models.JSONField(
        null=True, blank=True, help_text="GeoJSON geometry (WGS84) of the ward."
    )

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"Ward {self.number}"


class CommunityArea(models.Model):
    """One of Chicago's 77 community areas: the city's stable neighbourhoods for statistics."""

    number = models.PositiveIntegerField(primary_key=True)
    name = models.CharField(max_length=100)
    boundary = models.JSONField(
        null=True, blank=True, help_text="GeoJSON geometry (WGS84) of the community area."
    )

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class ConfirmedPoint(models.Model):
    """A point a resident or staff confirmed for an address; later geocodes on its block learn
    from it (civic311.geo.learning, ADR 0014)."""

    class Source(models.TextChoices):
        RESIDENT = "resident", "resident's pin"
        STAFF = "staff", "staff correction"

    address = models.CharField(max_length=300)
    # The address reduced by civic311.geo.addresses, so a block's points are one indexed read.
    street_key = models.CharField(max_length=100)
    block = models.PositiveIntegerField()
    lat = models.FloatField()
    long = models.FloatField()
    source = models.CharField(max_length=16, choices=Source.choices)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["street_key", "block", "-created_at"], name="geo_confirmed_block")
        ]

    def __str__(self) -> str:
        return f"{self.address} ({self.lat:.5f}, {self.long:.5f})"
