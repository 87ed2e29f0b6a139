"""The expected completion date learnt from history: which figure to trust, and its words.

Pure: no database. `civic311.stats.services` measures close times; this module
decides, for one new request, whether its ward's history, the city's, or the
catalogue's target sets its date, and says so in the resident's language.

The choices (docs/expected-dates.md says why at more length):

- QUANTILE is 0.9. A date is a promise to a resident: the 90th percentile is
  kept 9 times in 10, where a median would be missed half the time; a 95th or
  99th percentile is set by the one crew that waited for parts and needs far
  more history to be stable.
- MIN_CLOSED is 20. With linear interpolation the 90th percentile of 20 values
  lies between the 18th and 19th fastest, so two slow jobs are still outside
  it; with 10 values it is pulled halfway towards the slowest one, and one odd
  request moves the promise by weeks.
- WINDOW_DAYS is 365: a whole year, so winter's potholes and summer's weeds
  both count, and last year's crews, not those of five years ago.
- Only requests the city finished count (COMPLETED_STATUSES: fixed, or closed
  with no further action). Duplicates, refusals and cancellations close in
  minutes without any work, and would promise residents a speed no crew has.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext, ngettext

from civic311.service_requests.workflow import Status
from civic311.stats.percentiles import percentile_of_sorted

QUANTILE = 0.9  # the wording below says "9 in 10": change both together
MIN_CLOSED = 20
WINDOW_DAYS = 365
COMPLETED_STATUSES = (Status.FIXED.value, Status.NO_FURTHER_ACTION.value)


@dataclass(frozen=True)
class CloseTimes:
    """How long one group's completed requests took: count, median and 90th percentile, in
    days (fractions kept)."""

    closed: int
    median_days: float
    p90_days: float


def summarize(days: Sequence[float]) -> CloseTimes:
    """The close times of a group from its requests' days to close (any order, non-empty)."""
    ordered = sorted(days)
    return CloseTimes(
        closed=len(ordered),
        median_days=percentile_of_sorted(ordered, 0.5),
        p90_days=percentile_of_sorted(ordered, QUANTILE),
    )


def whole_days(days: float) -> int:
    """A duration in days as the whole days a resident is told: rounded up, at least one.

    "Done within 6 days" must be true of the figure it stands for, so 5.2 becomes 6.
    """
    return max(1, math.ceil(round(days, 6)))


class Source(StrEnum):
    """Where a request's expected date came from."""

    WARD = "ward"  # its service's history in its ward
    CITY = "city"  # its service's history across the city
    TARGET = "target"  # the catalogue's target days for the service


@dataclass(frozen=True)
class Basis:
    """Why a request's expected date is what it is; stored with the request as JSON."""

    source: Source
    days: int  # the whole days from filing to the expected date
    ward: int | None = None  # the request's ward, when it had one
    median_days: int | None = None  # learnt sources only
    closed: int = 0  # how many completed requests the figures came from

    def as_json(self) -> dict[str, Any]:
        """The basis as stored on the request (ServiceRequest.expected_basis)."""
        data: dict[str, Any] = {"source": self.source.value, "days": self.days}
        if self.ward is not None:
            data["ward"] = self.ward
        if self.source is not Source.TARGET:
            data["median_days"] = self.median_days
            data["closed"] = self.closed
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Basis | None:
        """The basis stored on a request, or None for requests filed before it was kept."""
        if not data or data.get("source") not in set(Source):
            return None
        return cls(
            source=Source(data["source"]),
            days=int(data["days"]),
            ward=data.get("ward"),
            median_days=data.get("median_days"),
            closed=int(data.get("closed", 0)),
        )


def choose(
    *,
    ward: int | None,
    in_ward: CloseTimes | None,
    in_city: CloseTimes | None,
    target_days: int | None,
    min_closed: int = MIN_CLOSED,
) -> Basis | None:
    """The basis for a new request's date: its ward's history when there is enough, else the
    city's for its service, else the catalogue target; None when there is none of these."""
    for source, times in ((Source.WARD, in_ward), (Source.CITY, in_city)):
        if times is not None and times.closed >= min_closed:
            return Basis(
                source=source,
                days=whole_days(times.p90_days),
                ward=ward,
                median_days=whole_days(times.median_days),
                closed=times.closed,
            )
    if target_days is None:
        return None
    return Basis(source=Source.TARGET, days=target_days, ward=ward)


def expected_at(start: dt.datetime, basis: Basis | None) -> dt.datetime | None:
    """The expected completion of a request filed at `start` on this basis."""
    return None if basis is None else start + dt.timedelta(days=basis.days)


def explain(basis: Basis, service_name: str) -> str:
    """One sentence for residents saying where the expected date came from (translated)."""
    if basis.source is Source.TARGET:
        return ngettext(
            "This is the city's target for %(service)s requests: %(days)d day.",
            "This is the city's target for %(service)s requests: %(days)d days.",
            basis.days,
        ) % {"service": service_name, "days": basis.days}
    words = {
        "service": service_name,
        "ward": basis.ward,
        "p90": _days(basis.days),
        "median": _days(basis.median_days or basis.days),
    }
    if basis.source is Source.WARD:
        return (
            gettext(
                "In the last 12 months, 9 in 10 %(service)s requests in ward %(ward)s were done "
                "within %(p90)s, most within %(median)s."
            )
            % words
        )
    sentence = (
        gettext(
            "In the last 12 months, 9 in 10 %(service)s requests across the city were done "
            "within %(p90)s, most within %(median)s."
        )
        % words
    )
    if basis.ward is None:
        return sentence
    return (
        sentence
        + " "
        + gettext("Ward %(ward)s has too few of them yet to go by.") % {"ward": basis.ward}
    )


def _days(count: int) -> str:
    return ngettext("%(count)d day", "%(count)d days", count) % {"count": count}
