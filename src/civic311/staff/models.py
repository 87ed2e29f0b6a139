"""What the back office stores of its own: the count of "where is my request?" calls."""

from __future__ import annotations

from django.db import models

from civic311.service_requests.models import Channel


class StatusCall(models.Model):
    """How many status lookups staff answered on one day (city time) through one channel."""

    day = models.DateField()
    channel = models.CharField(max_length=16, choices=Channel.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["day", "channel"], name="status_call_day_channel")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.channel}: {self.count}"
