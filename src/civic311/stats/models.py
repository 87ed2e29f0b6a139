"""Stored statistics: small tables refreshed from the requests, so pages never scan history."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class CloseTime(models.Model):
    """How long one service's completed requests took over the last year, in one ward or (with
    no ward) across the city. Rewritten whole by `civic311 refresh-stats`."""

    service = models.ForeignKey("catalog.Service", on_delete=models.CASCADE, related_name="+")
    ward = models.ForeignKey(
        "geo.Ward", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    closed = models.PositiveIntegerField(help_text="Completed requests the figures come from.")
    median_days = models.FloatField()
    p90_days = models.FloatField(help_text="90th percentile of days to close.")
    window_start = models.DateTimeField(help_text="Requests closed from here…")
    window_end = models.DateTimeField(help_text="…to here count.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "ward"],
                condition=Q(ward__isnull=False),
                name="closetime_one_per_service_ward",
            ),
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(ward__isnull=True),
                name="closetime_one_citywide_per_service",
            ),
        ]

    def __str__(self) -> str:
        where = f"ward {self.ward_id}" if self.ward_id else "city"
        return f"{self.service_id} in {where}: {self.closed} closed, p90 {self.p90_days:.1f} days"


class Refresh(models.Model):
    """When a stored statistic was last recomputed; the row is also the lock that keeps two
    refreshes (the command and a worker, or two workers) from running at once."""

    name = models.CharField(max_length=40, primary_key=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    requests = models.PositiveIntegerField(default=0, help_text="Requests read last time.")
    rows = models.PositiveIntegerField(default=0, help_text="Rows written last time.")

    def __str__(self) -> str:
        return f"{self.name} (finished {self.finished_at})"
