"""Reads of the status-check count: by day, by week with the share answered without a
phone call, and last month's share (the figure /performance/ publishes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone

from civic311.core import clock
from civic311.status_checks import channels
from civic311.status_checks.models import StatusCheck


@dataclass(frozen=True)
class CheckDay:
    """One day's status checks by channel (every channel present, zero when none)."""

    day: dt.date
    by_channel: dict[str, int]
    total: int


@dataclass(frozen=True)
class CheckWeek:
    """One week's (Monday to Sunday) status checks and the share answered without a phone call."""

    week_start: dt.date
    by_channel: dict[str, int]
    total: int
    without_phone: int
    share_without_phone: float | None


@dataclass(frozen=True)
class Deflection:
    """The share of a period's status checks answered without a phone call."""

    first_day: dt.date
    last_day: dt.date
    total: int
    without_phone: int
    share: float | None  # None when no check was counted


def _today() -> dt.date:
    return timezone.localdate(clock.now())


def _by_channel(first: dt.date, last: dt.date) -> dict[str, int]:
    rows = (
        StatusCheck.objects.filter(day__gte=first, day__lte=last)
        .order_by()
        .values_list("channel")
        .annotate(n=Sum("count"))
    )
    counts = dict.fromkeys(channels.ALL, 0)
    counts.update({channel: n for channel, n in rows})
    return counts


def daily(*, days: int = 30) -> list[CheckDay]:
    """Status checks per day (newest first) and channel, over the last `days` days."""
    since = _today() - dt.timedelta(days=days - 1)
    table: dict[dt.date, dict[str, int]] = {}
    for day, channel, count in StatusCheck.objects.filter(day__gte=since).values_list(
        "day", "channel", "count"
    ):
        table.setdefault(day, dict.fromkeys(channels.ALL, 0))[channel] = count
    return [
        CheckDay(day=day, by_channel=counts, total=sum(counts.values()))
        for day, counts in sorted(table.items(), reverse=True)
    ]


def weekly(*, weeks: int = 12) -> list[CheckWeek]:
    """Status checks per week (newest first, the current week included) over `weeks` weeks."""
    this_week = channels.week_start(_today())
    since = this_week - dt.timedelta(weeks=weeks - 1)
    table: dict[dt.date, dict[str, int]] = {}
    for day, channel, count in StatusCheck.objects.filter(day__gte=since).values_list(
        "day", "channel", "count"
    ):
        week = table.setdefault(channels.week_start(day), dict.fromkeys(channels.ALL, 0))
        week[channel] += count
    return [
        CheckWeek(
            week_start=start,
            by_channel=counts,
            total=sum(counts.values()),
            without_phone=channels.without_phone(counts),
            share_without_phone=channels.share_without_phone(counts),
        )
        for start, counts in sorted(table.items(), reverse=True)
    ]


def deflection(*, first_day: dt.date, last_day: dt.date) -> Deflection:
    """The share of status checks from `first_day` to `last_day` (inclusive) without a call."""
    counts = _by_channel(first_day, last_day)
    return Deflection(
        first_day=first_day,
        last_day=last_day,
        total=sum(counts.values()),
        without_phone=channels.without_phone(counts),
        share=channels.share_without_phone(counts),
    )


def last_month_deflection() -> Deflection:
    """The previous calendar month's (city time) share of checks answered without a call."""
    first, last = channels.previous_month(_today())
    return deflection(first_day=first, last_day=last)


def total(*, day: dt.date, channel: str) -> int:
    """How many status checks were counted on `day` through `channel`."""
    found = StatusCheck.objects.filter(day=day, channel=channel).aggregate(n=Sum("count"))["n"]
    return found or 0
