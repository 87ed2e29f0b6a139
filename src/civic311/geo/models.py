"""Wards: the city's council districts, their boundaries and their alderman's office."""

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
