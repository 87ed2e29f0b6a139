"""Chicago's streets as the geocoder sees them: each street's crossings, numbered on the grid.

Built once per process from the shipped intersections file (24,048 crossings of
2,435 named streets). Every crossing of a street gets the grid number it
stands at along that street (its north number on a north-south street, its
west number on an east-west one), read off the crossings with streets whose
grid number is known (civic311.geo.geocoding.grid). A street that crosses
none of those borrows the numbers of the nearest crossings that have one.

Geometry is in metres on a flat local projection around the Loop: at the
scale of one city the error of that is far below a house's width.
"""

from __future__ import annotations

import bisect
import csv
import gzip
import io
import math
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources

import numpy as np

from civic311.geo.addresses import StreetName, parse_street
from civic311.geo.geocoding import grid

DATA_FILE = "chicago-intersections.csv.gz"
ORIGIN_LAT, ORIGIN_LONG = 41.88, -87.63
METRES_PER_DEGREE_LAT = 111_132.0
METRES_PER_DEGREE_LONG = 111_320.0 * math.cos(math.radians(ORIGIN_LAT))
# The grid's nominal scale, 800 numbers to the mile, used only to extend a street past
# its last known crossing and to carry numbers to streets that cross no known street.
NUMBERS_PER_METRE = 800 / 1609.344
NEIGHBOURS_FOR_FALLBACK = 8

# Names in the file that are not streets anyone lives on: ramps, O'Hare's roads, tolls.
NOT_ADDRESSABLE_TYPES = frozenset(
    {"er", "xr", "ord", "ramp", "sr", "toll", "turnaround", "turn", "rl", "access", "expy"}
)
NOT_ADDRESSABLE_NAMES = frozenset({"private", "unknown"})


def to_metres(lat: float, long: float) -> tuple[float, float]:
    """(x east, y north) in metres from the Loop."""
    return (long - ORIGIN_LONG) * METRES_PER_DEGREE_LONG, (lat - ORIGIN_LAT) * METRES_PER_DEGREE_LAT


def to_degrees(x: float, y: float) -> tuple[float, float]:
    """(lat, long) of a point in metres from the Loop."""
    return ORIGIN_LAT + y / METRES_PER_DEGREE_LAT, ORIGIN_LONG + x / METRES_PER_DEGREE_LONG


@dataclass(slots=True)
class Crossing:
    """Where a street meets another, and the grid number that place has along the street."""

    x: float
    y: float
    other: str  # the other street's full name, "W FULLERTON AVE"
    zipcode: str
    number: float = math.nan  # signed grid number: north (+) / south (-), west (+) / east (-)


@dataclass(slots=True)
class Street:
    """One named street ("N HALSTED ST") and its crossings in grid order."""

    name: str
    parts: StreetName
    crossings: list[Crossing] = field(default_factory=list)
    chainage: list[float] = field(default_factory=list)  # metres from the first crossing
    numbers: list[float] = field(default_factory=list)  # the crossings' grid numbers, ascending

    @property
    def runs_north_south(self) -> bool:
        """True when its house numbers count north/south (an N or S street)."""
        return self.parts.direction in ("N", "S")

    @property
    def sign(self) -> int:
        """+1 where house numbers grow with the grid number (N, W), -1 where they shrink."""
        return 1 if self.parts.direction in ("N", "W") else -1

    def nearest_crossing(self, x: float, y: float) -> Crossing:
        """The crossing closest to a point (for the ZIP code of a place on this street)."""
        return min(self.crossings, key=lambda c: (c.x - x) ** 2 + (c.y - y) ** 2)

    def measure(self) -> None:
        """Order the crossings by grid number and measure the distance along them."""
        self.crossings.sort(key=lambda c: c.number)
        self.numbers = [c.number for c in self.crossings]
        self.chainage = [0.0]
        for a, b in zip(self.crossings, self.crossings[1:], strict=False):
            self.chainage.append(self.chainage[-1] + math.hypot(b.x - a.x, b.y - a.y))

    def house_range(self) -> tuple[int, int]:
        """The lowest and highest house numbers between its first and last crossing."""
        ends = sorted(abs(c.number) for c in (self.crossings[0], self.crossings[-1]))
        low = 0 if self.crossings[0].number * self.crossings[-1].number <= 0 else ends[0]
        return int(low), int(ends[1])


class StreetMap:
    """Every addressable street, looked up by its core name, with numbered crossings."""

    def __init__(self, rows: list[dict[str, str]]) -> None:
        self.streets: dict[str, Street] = {}
        self.by_name: dict[str, list[Street]] = defaultdict(list)
        self.crossing_points: dict[frozenset[str], list[tuple[Street, Street, Crossing]]] = (
            defaultdict(list)
        )
        for row in rows:
            self._add(row)
        self.streets = {name: s for name, s in self.streets.items() if s.crossings}
        for street in self.streets.values():
            self.by_name[street.parts.name].append(street)
        self._number_crossings()

    def _street(self, name: str) -> Street | None:
        if name not in self.streets:
            parts = parse_street(name)
            if not _addressable(parts):
                return None
            self.streets[name] = Street(name=name, parts=parts)
        return self.streets[name]

    def _add(self, row: dict[str, str]) -> None:
        first, second = self._street(row["street_1"]), self._street(row["street_2"])
        x, y = to_metres(float(row["latitude"]), float(row["longitude"]))
        zipcode = row["zipcode"]
        # A crossing with a ramp still marks a place on the street (E Lake Shore Dr meets
        # only ramps); only crossings of two addressable streets are intersections.
        if first is not None:
            first.crossings.append(Crossing(x, y, row["street_2"], zipcode))
        if second is not None:
            second.crossings.append(Crossing(x, y, row["street_1"], zipcode))
        if first is not None and second is not None:
            key = frozenset((first.parts.name, second.parts.name))
            self.crossing_points[key].append((first, second, first.crossings[-1]))

    def _number_crossings(self) -> None:
        unanchored: list[Street] = []
        for street in self.streets.values():
            if not _number_from_anchors(street, self.streets):
                unanchored.append(street)
        known = [
            (c.x, c.y, c.number, s.runs_north_south)
            for s in self.streets.values()
            for c in s.crossings
            if not math.isnan(c.number)
        ]
        fallback = _Fallback(known)
        for street in unanchored:
            for crossing in street.crossings:
                crossing.number = fallback.number_at(
                    crossing.x, crossing.y, street.runs_north_south
                )
        for street in self.streets.values():
            street.measure()


def _addressable(parts: StreetName) -> bool:
    return (
        parts.direction != ""
        and parts.name != ""
        and parts.street_type not in NOT_ADDRESSABLE_TYPES
        and parts.name not in NOT_ADDRESSABLE_NAMES
        and not parts.name.endswith((" er", " xr", " ramp"))
    )


def _anchor_number(street: Street, other: Street | None) -> int | None:
    """The grid number the other street stands at, across this street's own direction."""
    if other is None or other.runs_north_south == street.runs_north_south:
        return None
    if street.runs_north_south:  # crossed by an east-west street: its north number
        return grid.north_number(other.parts.name, other.parts.street_type)
    return grid.west_number(other.parts.name)


def _number_from_anchors(street: Street, streets: dict[str, Street]) -> bool:
    """Number a street's crossings from the known streets it crosses; False when it crosses none."""
    along = (lambda c: c.y) if street.runs_north_south else (lambda c: -c.x)
    anchors = sorted(
        (along(c), number)
        for c in street.crossings
        if (number := _anchor_number(street, streets.get(c.other))) is not None
    )
    if not anchors:
        return False
    positions = [a for a, _ in anchors]
    for crossing in street.crossings:
        crossing.number = _interpolate(positions, [n for _, n in anchors], along(crossing))
    return True


def _interpolate(positions: list[float], numbers: list[int], at: float) -> float:
    """Piecewise-linear along the known crossings; past either end at the grid's nominal scale."""
    if at <= positions[0]:
        return numbers[0] - (positions[0] - at) * NUMBERS_PER_METRE
    if at >= positions[-1]:
        return numbers[-1] + (at - positions[-1]) * NUMBERS_PER_METRE
    i = bisect.bisect_right(positions, at)
    span = positions[i] - positions[i - 1]
    if span <= 0:
        return float(numbers[i])
    share = (at - positions[i - 1]) / span
    return numbers[i - 1] + share * (numbers[i] - numbers[i - 1])


class _Fallback:
    """Grid numbers carried from the nearest numbered crossings, for unanchored streets."""

    def __init__(self, known: list[tuple[float, float, float, bool]]) -> None:
        self.points = {
            north_south: np.array([(x, y, n) for x, y, n, ns in known if ns == north_south])
            for north_south in (True, False)
        }

    def number_at(self, x: float, y: float, north_south: bool) -> float:
        points = self.points[north_south]
        distance = np.hypot(points[:, 0] - x, points[:, 1] - y)
        nearest = np.argpartition(distance, NEIGHBOURS_FOR_FALLBACK)[:NEIGHBOURS_FOR_FALLBACK]
        if north_south:
            carried = points[nearest, 2] + (y - points[nearest, 1]) * NUMBERS_PER_METRE
        else:
            carried = points[nearest, 2] - (x - points[nearest, 0]) * NUMBERS_PER_METRE
        weights = 1 / (distance[nearest] + 50)
        return float(np.sum(carried * weights) / np.sum(weights))


def read_rows() -> list[dict[str, str]]:
    """The shipped intersections file, as CSV rows."""
    raw = resources.files("civic311.geo").joinpath("data", DATA_FILE).read_bytes()
    return list(csv.DictReader(io.StringIO(gzip.decompress(raw).decode("utf-8"))))
