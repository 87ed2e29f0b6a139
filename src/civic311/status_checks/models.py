"""What the status-check count stores: one row per day (city time) and channel."""

from __future__ import annotations

from django.db import models

from civic311.status_checks import channels


class StatusCheck(models.Model):
    """How many status checks one channel answered on one day (city time)."""

    day = models.DateField()
    channel = models.CharField(
        max_length=16, choices=[(code, channels.LABELS[code]) for code in channels.ALL]
    )
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["day", "channel"], name="status_check_day_channel")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.channel}: {self.count}"
