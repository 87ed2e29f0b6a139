"""What /performance/ shows: the figures for a service, a ward and a period, for the page
and its CSV files alike (so the table, the chart and the download never disagree)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, fields
from urllib.parse import urlencode

from django.conf import settings
from django.utils import formats
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from civic311.catalog.models import Service
from civic311.catalog.translation import localized
from civic311.public import charts
from civic311.stats import performance, selectors
from civic311.stats.performance import Figures, PeriodCount

TABLES = ("periods", "services", "wards")
FIGURE_COLUMNS = [f.name for f in fields(Figures)]


@dataclass(frozen=True)
class Scope:
    """What the reader chose: one service or all, one ward or all, weeks or months."""

    service: Service | None = None
    ward: int | None = None
    period: str = "weeks"

    def query(self, **changes: object) -> str:
        """This scope's address-bar query, with `changes` applied (empty values dropped)."""
        chosen = {
            "service": self.service.service_code if self.service else "",
            "ward": self.ward or "",
            "period": self.period if self.period != "weeks" else "",
            **changes,
        }
        return urlencode({k: v for k, v in chosen.items() if v})


@dataclass(frozen=True)
class Row:
    """One line of a table: what it is about, its figures, and the view narrowed to it."""

    label: str
    key: str
    figures: Figures
    query: str


@dataclass(frozen=True)
class Period:
    """One week or month of the chart, labelled in the page's language."""

    label: str
    start: dt.datetime
    opened: int
    closed: int


@dataclass(frozen=True)
class PerformancePage:
    """Everything the page and its CSV files show."""

    scope: Scope
    overall: Figures
    periods: list[Period]
    services: list[Row]
    wards: list[Row]
    as_of: dt.datetime
    unit: str = "week"  # the chart's periods: "week" or "month"

    @property
    def bars(self) -> SafeString:
        """Opened vs closed per period, as an SVG chart."""
        return charts.opened_and_closed(
            [charts.Period(p.label, p.opened, p.closed) for p in self.periods],
            title=_("Requests opened and closed"),
            describe=_("Grey bars: opened; blue bars: closed. The table below has the numbers."),
        )

    @property
    def ward_medians(self) -> dict[int, float | None]:
        """Median days to close by ward number."""
        return {int(row.key): _rounded(row.figures.median_days) for row in self.wards}

    @property
    def ward_map(self) -> SafeString:
        """The wards shaded by median days to close, as an SVG map."""
        return charts.ward_map(
            self.ward_medians,
            title=_("Median days to close, by ward"),
            describe=_("Darker wards took longer. The table of wards below has the numbers."),
            unit=_("days"),
        )

    @property
    def legend(self) -> list[charts.Shade]:
        """The map's colour classes."""
        return charts.legend_of(self.ward_medians)


def build(scope: Scope, *, now: dt.datetime) -> PerformancePage:
    """Read the requests once and work out every figure the page shows."""
    zone = zoneinfo.ZoneInfo(settings.CIVIC311.time_zone)
    window = _window(scope.period, now, zone)
    facts = selectors.performance_facts(
        window=window,
        service_id=scope.service.pk if scope.service else None,
        ward=scope.ward,
    )
    by_service = performance.figures_by(facts, lambda f: f.service_id, window, now)
    by_ward = performance.figures_by(facts, lambda f: f.ward, window, now)
    catalogue = Service.objects.in_bulk(list(by_service))
    services = sorted(
        (
            Row(
                localized(catalogue[pk], "name"),
                catalogue[pk].service_code,
                figures,
                scope.query(service=catalogue[pk].service_code),
            )
            for pk, figures in by_service.items()
        ),
        key=lambda row: row.label,
    )
    wards = [
        Row(_("Ward %(number)s") % {"number": n}, str(n), figures, scope.query(ward=n))
        for n, figures in sorted((k, v) for k, v in by_ward.items() if k is not None)
    ]
    return PerformancePage(
        scope=scope,
        overall=performance.figures(facts, window, now),
        periods=[_period(count, window.unit) for count in performance.per_bucket(facts, window)],
        services=services,
        wards=wards,
        as_of=now,
        unit=window.unit,
    )


def _window(period: str, now: dt.datetime, zone: dt.tzinfo) -> performance.Window:
    """The last 12 weeks, the last 12 months, or one calendar year (`period` = "2021")."""
    if period.isdigit():
        return performance.year(int(period), zone)
    return (performance.months if period == "months" else performance.weeks)(now, zone)


def csv_lines(page: PerformancePage, table: str) -> Iterator[list[object]]:
    """The header and rows of one table as a CSV download (raw numbers, no rounding)."""
    if table == "periods":
        yield ["period_start", "opened", "closed"]
        for period in page.periods:
            yield [period.start.date().isoformat(), period.opened, period.closed]
        return
    rows = page.services if table == "services" else page.wards
    yield ["service_code" if table == "services" else "ward", "name", *FIGURE_COLUMNS]
    for row in rows:
        yield [row.key, row.label, *(getattr(row.figures, name) for name in FIGURE_COLUMNS)]


def _period(count: PeriodCount, unit: str) -> Period:
    start = count.bucket.start
    shape = "M j" if unit == "week" else "M Y"
    return Period(formats.date_format(start, shape), start, count.opened, count.closed)


def _rounded(days: float | None) -> float | None:
    return round(days, 1) if days is not None else None
