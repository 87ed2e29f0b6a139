"""How the city is doing, from the facts of its requests: the rules behind /performance/.

Pure: the selector reads each relevant request's facts once and hands them
here. The definitions, which docs/performance-page.md repeats for readers:

- *opened*: filed in the window; *closed*: closed in it, for any reason;
- *days to close* (median, 90th percentile): of requests the city finished in the
  window (fixed, or closed with no further action, as for expected dates), from filing
  to closing, by linear interpolation (PostgreSQL's `percentile_cont`);
- *within target*: of those, the share closed within their service's target days;
- *backlog*: open now, and the median age of those requests today;
- *duplicates* and *transferred*: shares of the requests opened in the window.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass

from civic311.service_requests import workflow
from civic311.stats.expected import COMPLETED_STATUSES
from civic311.stats.percentiles import percentile_of_sorted

DAY = dt.timedelta(days=1)
_OPEN = frozenset(workflow.OPEN_STATUSES)


@dataclass(frozen=True)
class RequestFacts:
    """What the figures need to know about one request."""

    service_id: int
    ward: int | None
    requested: dt.datetime
    closed: dt.datetime | None
    status: str
    transferred: bool
    target_days: int | None
    department_id: int | None = None
    expected: dt.datetime | None = None
    assigned_to_id: int | None = None


@dataclass(frozen=True)
class Bucket:
    """One week or month of the chart: where it starts and ends."""

    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class Window:
    """The period the figures cover, cut into the chart's weeks or months (`unit`)."""

    unit: str  # "day", "week" or "month"
    buckets: tuple[Bucket, ...]

    @property
    def start(self) -> dt.datetime:
        """When the first bucket starts."""
        return self.buckets[0].start

    @property
    def end(self) -> dt.datetime:
        """When the last bucket ends (the end of the running week or month)."""
        return self.buckets[-1].end

    def __contains__(self, moment: dt.datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end


@dataclass(frozen=True)
class Figures:
    """One row of the performance tables (a service, a ward, or the whole scope)."""

    opened: int = 0
    closed: int = 0
    completed: int = 0
    median_days: float | None = None
    p90_days: float | None = None
    within_target: float | None = None
    backlog: int = 0
    backlog_median_age_days: float | None = None
    duplicate_share: float | None = None
    transferred_share: float | None = None


@dataclass(frozen=True)
class PeriodCount:
    """Requests opened and closed in one bucket."""

    bucket: Bucket
    opened: int
    closed: int


def days(now: dt.datetime, zone: dt.tzinfo, count: int = 30) -> Window:
    """The last `count` days, midnight to midnight in the city's time, today last."""
    today = now.astimezone(zone).date()
    starts = [today - dt.timedelta(days=n) for n in range(count - 1, -1, -1)]
    return _window("day", starts, lambda d: d + dt.timedelta(days=1), zone)


def weeks(now: dt.datetime, zone: dt.tzinfo, count: int = 12) -> Window:
    """The last `count` weeks, Monday to Monday in the city's time, the running one last."""
    today = now.astimezone(zone).date()
    monday = today - dt.timedelta(days=today.weekday())
    starts = [monday - dt.timedelta(weeks=n) for n in range(count - 1, -1, -1)]
    return _window("week", starts, lambda d: d + dt.timedelta(weeks=1), zone)


def months(now: dt.datetime, zone: dt.tzinfo, count: int = 12) -> Window:
    """The last `count` calendar months in the city's time, the running one last."""
    first = now.astimezone(zone).date().replace(day=1)
    starts = [_add_months(first, -n) for n in range(count - 1, -1, -1)]
    return _window("month", starts, lambda d: _add_months(d, 1), zone)


def year(number: int, zone: dt.tzinfo) -> Window:
    """The twelve calendar months of one year in the city's time (for a city's history)."""
    starts = [dt.date(number, month, 1) for month in range(1, 13)]
    return _window("month", starts, lambda d: _add_months(d, 1), zone)


def figures(facts: Iterable[RequestFacts], window: Window, now: dt.datetime) -> Figures:
    """The figures of one group of requests over the window, with the backlog as of `now`."""
    opened = closed = duplicates = transferred = within = with_target = 0
    days: list[float] = []
    ages: list[float] = []
    for fact in facts:
        if fact.requested in window:
            opened += 1
            duplicates += fact.status == workflow.Status.DUPLICATE
            transferred += fact.transferred
        if fact.closed in window:
            closed += 1
            took = _completed_in(fact)
            if took is not None:
                days.append(took)
                if fact.target_days:
                    with_target += 1
                    within += took <= fact.target_days
        if fact.status in _OPEN:
            ages.append((now - fact.requested) / DAY)
    days.sort()
    ages.sort()
    return Figures(
        opened=opened,
        closed=closed,
        completed=len(days),
        median_days=_quantile(days, 0.5),
        p90_days=_quantile(days, 0.9),
        within_target=_share(within, with_target),
        backlog=len(ages),
        backlog_median_age_days=_quantile(ages, 0.5),
        duplicate_share=_share(duplicates, opened),
        transferred_share=_share(transferred, opened),
    )


def within_target_counts(facts: Iterable[RequestFacts], window: Window) -> tuple[int, int]:
    """The counts behind `Figures.within_target`: (closed within target, completed in the
    window with a target)."""
    within = with_target = 0
    for fact in facts:
        took = _completed_in(fact) if fact.closed in window else None
        if took is not None and fact.target_days:
            with_target += 1
            within += took <= fact.target_days
    return within, with_target


def _completed_in(fact: RequestFacts) -> float | None:
    """Days from filing to closing of a request the city finished, else None."""
    if fact.status in COMPLETED_STATUSES and fact.closed is not None:
        return (fact.closed - fact.requested) / DAY
    return None


def figures_by[Key: Hashable](
    facts: Iterable[RequestFacts],
    key: Callable[[RequestFacts], Key],
    window: Window,
    now: dt.datetime,
) -> dict[Key, Figures]:
    """`figures` for each group of requests sharing `key` (a service, a ward)."""
    groups: dict[Key, list[RequestFacts]] = defaultdict(list)
    for fact in facts:
        groups[key(fact)].append(fact)
    return {name: figures(group, window, now) for name, group in groups.items()}


def per_bucket(facts: Iterable[RequestFacts], window: Window) -> list[PeriodCount]:
    """Requests opened and closed in each week or month of the window."""
    opened = [0] * len(window.buckets)
    closed = [0] * len(window.buckets)
    for fact in facts:
        for counts, moment in ((opened, fact.requested), (closed, fact.closed)):
            index = _bucket_of(moment, window)
            if index is not None:
                counts[index] += 1
    return [
        PeriodCount(bucket=b, opened=o, closed=c)
        for b, o, c in zip(window.buckets, opened, closed, strict=True)
    ]


@dataclass(frozen=True)
class Workload:
    """What is open now: how many, how many past their expected date, and per assignee."""

    open: int
    overdue: int
    by_assignee: dict[int | None, int]  # user id (None: not assigned) -> open requests


def workload(facts: Iterable[RequestFacts], now: dt.datetime) -> Workload:
    """The open requests among `facts` as of `now`: overdue ones (expected before now) and
    the load per assigned staff member."""
    total = overdue = 0
    by_assignee: dict[int | None, int] = defaultdict(int)
    for fact in facts:
        if fact.status not in _OPEN:
            continue
        total += 1
        overdue += fact.expected is not None and fact.expected < now
        by_assignee[fact.assigned_to_id] += 1
    return Workload(open=total, overdue=overdue, by_assignee=dict(by_assignee))


@dataclass(frozen=True)
class Move:
    """One transfer of a request from one department (code) to another."""

    at: dt.datetime
    from_department: str
    to_department: str


@dataclass(frozen=True)
class Stay:
    """A stretch of time a request spent with one department (code)."""

    department: str
    start: dt.datetime
    end: dt.datetime

    @property
    def days(self) -> float:
        """How long the stay lasted, in days."""
        return (self.end - self.start) / DAY


def stays(
    *,
    requested: dt.datetime,
    closed: dt.datetime | None,
    department: str,
    moves: Sequence[Move],
    now: dt.datetime,
) -> list[Stay]:
    """A request's stays in order: filed into the first department (the one its first
    transfer left, or `department`, where it is now, if it never moved), then one stay per
    transfer; the last ends when it closed, or lasts until `now` while it is open."""
    ordered = sorted(moves, key=lambda m: m.at)
    first = ordered[0].from_department if ordered else department
    starts = [(requested, first), *((m.at, m.to_department) for m in ordered)]
    ends = [m.at for m in ordered] + [closed or now]
    return [
        Stay(department=code, start=start, end=end)
        for (start, code), end in zip(starts, ends, strict=True)
    ]


def days_in(all_stays: Sequence[Stay], department: str | None) -> float:
    """Days spent with `department` over all of a request's stays; with None, the days of its
    last stay (with the department that has it now)."""
    if department is None:
        return all_stays[-1].days if all_stays else 0.0
    return sum(s.days for s in all_stays if s.department == department)


def median(values: Iterable[float]) -> float | None:
    """The median of `values`, or None when there are none."""
    return _quantile(sorted(values), 0.5)


def _bucket_of(moment: dt.datetime | None, window: Window) -> int | None:
    if moment is None or moment not in window:
        return None
    for index, bucket in enumerate(window.buckets):
        if bucket.start <= moment < bucket.end:
            return index
    return None


def _quantile(ordered: Sequence[float], q: float) -> float | None:
    return percentile_of_sorted(ordered, q) if ordered else None


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _window(
    unit: str, starts: list[dt.date], following: Callable[[dt.date], dt.date], zone: dt.tzinfo
) -> Window:
    def moment(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), tzinfo=zone)

    # The running week or month keeps its full end: nothing after now exists yet.
    return Window(
        unit=unit,
        buckets=tuple(Bucket(start=moment(d), end=moment(following(d))) for d in starts),
    )


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)
