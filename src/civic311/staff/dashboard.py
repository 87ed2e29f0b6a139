"""What /staff/dashboard/ shows: one panel per department a supervisor runs (or the ward a
ward office serves), every figure with the address of the queue that lists its requests.

The figures come from civic311.stats (performance facts read once per panel, the pure
figures, and the time-with-a-department selector); this module only picks them and pairs
each with its queue link. docs/staff-dashboard.md defines every figure.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.safestring import SafeString

from civic311.catalog.models import Department
from civic311.public import charts
from civic311.service_requests.models import ServiceRequest
from civic311.staff import selectors as queues
from civic311.stats import performance
from civic311.stats import selectors as stats

DAYS = 30
OLDEST = 5


@dataclass(frozen=True)
class Figure:
    """One number on the dashboard and the queue that shows its requests."""

    value: int
    url: str


@dataclass(frozen=True)
class Day:
    """One row of the per-day table: requests new and closed that day."""

    day: dt.date
    new: Figure
    closed: Figure


@dataclass(frozen=True)
class Load:
    """Open requests assigned to one staff member (name "" means not assigned)."""

    name: str
    figure: Figure


@dataclass(frozen=True)
class Panel:
    """Everything shown for one department or ward."""

    key: str  # "department-<code>" or "ward-<n>": ids in the page
    title: str
    open: Figure
    overdue: Figure
    days: list[Day]
    oldest: list[ServiceRequest]
    oldest_url: str
    load: list[Load]
    stayed: Figure  # requests with time here in the window; its median days below
    stayed_median_days: float | None
    transferred_in: Figure
    transferred_out: Figure
    is_ward: bool
    closed_in_window: Figure
    within_target: float | None
    completed_with_target: int
    within_target_count: int
    within_target_link: Figure
    since: dt.date

    @property
    def bars(self) -> SafeString:
        """New vs closed per day as an SVG chart."""
        return charts.opened_and_closed(
            [charts.Period(f"{d.day:%b %-d}", d.new.value, d.closed.value) for d in self.days],
            title=f"{self.title}: new and closed requests per day",
            describe="Grey bars: new; blue bars: closed. The table below has the numbers.",
            ids=f"{self.key}-bars",
        )


def panels_for(*, departments: list[Department], wards: list[int], now: dt.datetime) -> list:
    """The panels of these departments and wards as of `now`, over the last DAYS days."""
    window = performance.days(now, zoneinfo.ZoneInfo(settings.CIVIC311.time_zone), DAYS)
    built = [_panel(window, now, department=d) for d in departments]
    return built + [_panel(window, now, ward=n) for n in wards]


def _panel(
    window: performance.Window,
    now: dt.datetime,
    *,
    department: Department | None = None,
    ward: int | None = None,
) -> Panel:
    facts = stats.performance_facts(
        window=window,
        department_id=department.pk if department else None,
        ward=ward,
    )
    base = (
        reverse("staff:department-queue", args=[department.code])
        if department
        else reverse("staff:ward-queue", args=[ward])
    )

    def link(value: int, **params: object) -> Figure:
        return Figure(value, f"{base}?{urlencode(params)}")

    since = window.start.date()
    load = performance.workload(facts, now)
    summary = performance.figures(facts, window, now)
    moved = stats.time_with(since=window.start, now=now, department=department, ward=ward)
    days = [
        Day(
            day=count.bucket.start.date(),
            new=link(count.opened, status="all", filed_on=count.bucket.start.date()),
            closed=link(count.closed, status="closed", closed_on=count.bucket.start.date()),
        )
        for count in performance.per_bucket(facts, window)
    ]
    oldest = queues.queue(
        queues.QueueFilter(
            department=department.pk if department else None,
            ward=ward,
            status="open",
            sort="oldest",
        )
    ).page.object_list[:OLDEST]
    within, with_target = performance.within_target_counts(facts, window)
    return Panel(
        key=f"department-{department.code}" if department else f"ward-{ward}",
        title=department.name if department else f"Ward {ward}",
        open=link(load.open, status="open"),
        overdue=link(load.overdue, status="open", overdue="on"),
        days=days,
        oldest=list(oldest),
        oldest_url=f"{base}?{urlencode({'status': 'open', 'sort': 'oldest'})}",
        load=_loads(load, link),
        stayed=link(moved.requests, status="all", moved="through", since=since),
        stayed_median_days=moved.median_days,
        transferred_in=link(
            moved.transferred_in, status="all", moved="in" if department else "any", since=since
        ),
        transferred_out=link(
            moved.transferred_out, status="all", moved="out" if department else "any", since=since
        ),
        is_ward=department is None,
        closed_in_window=link(summary.closed, status="closed", closed_since=since),
        within_target=summary.within_target,
        completed_with_target=with_target,
        within_target_count=within,
        within_target_link=link(within, status="all", closed_since=since, finished="within_target"),
        since=since,
    )


def _loads(load: performance.Workload, link) -> list[Load]:
    """Open requests per assignee, busiest first, then those assigned to no one."""
    users = get_user_model().objects.in_bulk([pk for pk in load.by_assignee if pk is not None])
    named = sorted(
        (
            Load(
                users[pk].get_full_name() or users[pk].get_username(),
                link(count, status="open", assigned=pk),
            )
            for pk, count in load.by_assignee.items()
            if pk is not None
        ),
        key=lambda row: (-row.figure.value, row.name),
    )
    nobody = load.by_assignee.get(None, 0)
    return [*named, Load("", link(nobody, status="open", assigned="none"))]
