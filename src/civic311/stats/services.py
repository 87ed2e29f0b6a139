"""Writes to the statistics tables: recompute them from the requests.

`refresh_close_times` reads the last year's completed requests once, as a
stream ordered by service and ward (memory holds one service's figures at a
time, whatever the size of the city), and rewrites the small `CloseTime`
table in one short transaction, so readers see the old figures or the new
ones, never half of each. It runs the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from django.db import transaction
from django.db.models import Q

from civic311.core import clock
from civic311.service_requests.models import ServiceRequest
from civic311.stats.expected import COMPLETED_STATUSES, MIN_CLOSED, WINDOW_DAYS, summarize
from civic311.stats.models import CloseTime, Refresh

CLOSE_TIMES = "close_times"
# How often the worker loop recomputes the close times (`civic311 refresh-stats` any time).
REFRESH_EVERY = dt.timedelta(hours=24)
_DAY_SECONDS = 86400.0


@dataclass(frozen=True)
class Refreshed:
    """What one refresh read and wrote."""

    requests: int  # completed requests read in the window
    ward_rows: int  # (service, ward) rows written
    ward_rows_enough: int  # … of which have enough history to set a date
    city_rows: int  # (service, city-wide) rows written
    city_rows_enough: int
    window_start: dt.datetime
    window_end: dt.datetime

    def __str__(self) -> str:
        return (
            f"{self.requests} completed requests closed "
            f"{self.window_start:%Y-%m-%d} to {self.window_end:%Y-%m-%d}: "
            f"{self.ward_rows} service-and-ward figures ({self.ward_rows_enough} with at least "
            f"{MIN_CLOSED} requests), {self.city_rows} city-wide figures "
            f"({self.city_rows_enough} with at least {MIN_CLOSED})"
        )


def completed_in_window(now: dt.datetime) -> int:
    """How many completed requests a refresh at `now` reads (for a progress bar's total)."""
    return _completed(now - dt.timedelta(days=WINDOW_DAYS), now).count()


def refresh_close_times(
    *, now: dt.datetime | None = None, progress: Callable[[int], object] | None = None
) -> Refreshed:
    """Recompute every service's close times per ward and city-wide; safe to run again or
    beside another refresh. `progress(n)` is called as each batch of n requests is read."""
    now = now or clock.now()
    start = now - dt.timedelta(days=WINDOW_DAYS)
    Refresh.objects.get_or_create(name=CLOSE_TIMES)
    Refresh.objects.filter(pk=CLOSE_TIMES).update(started_at=now)
    read = _Counter(progress)
    rows = list(_measure(read.through(_stream(start, now)), start, now))
    with transaction.atomic():
        # The lock row queues a second refresh behind this one, which then rewrites it again.
        state = Refresh.objects.select_for_update().get(pk=CLOSE_TIMES)
        CloseTime.objects.all().delete()
        CloseTime.objects.bulk_create(rows, batch_size=500)
        state.finished_at, state.requests, state.rows = clock.now(), read.total, len(rows)
        state.save(update_fields=["finished_at", "requests", "rows"])
    read.flush()
    wards = [row for row in rows if row.ward_id is not None]
    cities = [row for row in rows if row.ward_id is None]
    return Refreshed(
        requests=read.total,
        ward_rows=len(wards),
        ward_rows_enough=sum(row.closed >= MIN_CLOSED for row in wards),
        city_rows=len(cities),
        city_rows_enough=sum(row.closed >= MIN_CLOSED for row in cities),
        window_start=start,
        window_end=now,
    )


def refresh_if_due(*, now: dt.datetime | None = None) -> Refreshed | None:
    """Refresh the close times when the last refresh began REFRESH_EVERY ago or more; several
    workers may call this at once and only one of them refreshes. None when not due."""
    now = now or clock.now()
    Refresh.objects.get_or_create(name=CLOSE_TIMES)
    claimed = (
        Refresh.objects.filter(pk=CLOSE_TIMES)
        .filter(Q(started_at__isnull=True) | Q(started_at__lte=now - REFRESH_EVERY))
        .update(started_at=now)
    )
    return refresh_close_times(now=now) if claimed else None


def _completed(start: dt.datetime, end: dt.datetime):
    return ServiceRequest.city.filter(
        status__in=COMPLETED_STATUSES, closed_datetime__gte=start, closed_datetime__lte=end
    )


def _stream(start: dt.datetime, end: dt.datetime) -> Iterator[tuple]:
    return (
        _completed(start, end)
        .order_by("service_id", "ward_id")
        .values_list("service_id", "ward_id", "requested_datetime", "closed_datetime")
        .iterator(chunk_size=5000)
    )


def _measure(rows: Iterable[tuple], start: dt.datetime, end: dt.datetime) -> Iterator[CloseTime]:
    """One CloseTime per (service, ward) and per service city-wide, from rows sorted by
    service then ward. Requests with no ward count city-wide only; a close before the filing
    (a data error in imported history) is left out."""
    for service_id, of_service in groupby(rows, key=itemgetter(0)):
        everywhere: list[float] = []
        for ward_id, of_ward in groupby(of_service, key=itemgetter(1)):
            days = [
                (closed - requested).total_seconds() / _DAY_SECONDS
                for _, _, requested, closed in of_ward
                if closed >= requested
            ]
            everywhere.extend(days)
            if ward_id is not None and days:
                yield _row(service_id, ward_id, days, start, end)
        if everywhere:
            yield _row(service_id, None, everywhere, start, end)


def _row(
    service_id: int, ward_id: int | None, days: list[float], start: dt.datetime, end: dt.datetime
) -> CloseTime:
    times = summarize(days)
    return CloseTime(
        service_id=service_id,
        ward_id=ward_id,
        closed=times.closed,
        median_days=times.median_days,
        p90_days=times.p90_days,
        window_start=start,
        window_end=end,
    )


class _Counter:
    """Counts rows as they stream past and reports them in batches."""

    BATCH = 5000

    def __init__(self, progress: Callable[[int], object] | None) -> None:
        self.progress, self.total, self.pending = progress, 0, 0

    def through(self, rows: Iterable[tuple]) -> Iterator[tuple]:
        for row in rows:
            self.total += 1
            self.pending += 1
            if self.pending >= self.BATCH:
                self.flush()
            yield row

    def flush(self) -> None:
        if self.progress is not None and self.pending:
            self.progress(self.pending)
        self.pending = 0
