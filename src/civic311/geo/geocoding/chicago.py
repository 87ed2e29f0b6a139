"""The built-in, offline Chicago geocoder: house numbers placed between the crossings of a street.

A house number is a grid number along its street. The two crossings whose
numbers bracket it give the point by interpolation; even numbers are on the
west side of a north-south street and the north side of an east-west one, so
the point moves off the centre line to that side. Reverse geocoding projects
a point onto the nearest stretch of street and reads the number back.
"""

from __future__ import annotations

import bisect
import math
import threading
from dataclasses import dataclass

from shapely import LineString, Point, STRtree

from civic311.geo.addresses import ParsedAddress, StreetName, parse_address, parse_intersection
from civic311.geo.geocoding.match import Match, Precision
from civic311.geo.geocoding.streets import (
    NUMBERS_PER_METRE,
    Crossing,
    Street,
    StreetMap,
    read_rows,
    to_degrees,
    to_metres,
)

SOURCE = "civic311"
# The middle of a street to the address point the city files: half a 66 ft right of way
# plus the front of a lot. Chicago's standard street is 66 ft (20 m) between lot lines.
SIDE_OFFSET_METRES = 16.0
# Houses are numbered lot by lot from the start of their hundred: about 2 numbers to a
# 25 ft lot, on each side; the first lot starts past the cross street's corner.
LOT_NUMBERS_PER_METRE = 0.3
CORNER_METRES = 8.0
# A house number this far past a street's last known crossing is still on it (a dead end's
# last blocks); farther is a number the street does not have.
MAX_NUMBERS_PAST_END = 400
# An address point sits about this far from the middle of its own street: half the
# right of way plus half a lot's depth (66 ft streets, 125 ft lots).
FRONTAGE_METRES = 22.0
# Closer than this, a point is on the street itself (the city files some that way).
ON_CENTRE_LINE_METRES = 7.0
# A point farther than this from every street is not at an address (the lake, a rail yard).
MAX_REVERSE_METRES = 250.0

_lock = threading.Lock()
_loaded: _Geocoder | None = None


def candidates(text: str, limit: int = 5) -> list[Match]:
    """Every place the typed address may mean, best first (empty when none)."""
    return _geocoder().candidates(text)[:limit]


def geocode(text: str) -> Match | None:
    """The best place for a typed address, or None when it names no Chicago place."""
    found = candidates(text, limit=1)
    return found[0] if found else None


def reverse(lat: float, long: float) -> Match | None:
    """The nearest street address to a point, or None when no street is near it."""
    return _geocoder().reverse(lat, long)


def street_map() -> StreetMap:
    """The loaded streets (built on first use, once per process)."""
    return _geocoder().streets


def _geocoder() -> _Geocoder:
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = _Geocoder(StreetMap(read_rows()))
    return _loaded


@dataclass(frozen=True)
class _Segment:
    street: Street
    start: Crossing
    end: Crossing


class _Geocoder:
    """The street map with the lookups built on it."""

    def __init__(self, streets: StreetMap) -> None:
        self.streets = streets
        self.segments = [
            _Segment(street, a, b)
            for street in streets.streets.values()
            for a, b in zip(street.crossings, street.crossings[1:], strict=False)
            if (a.x, a.y) != (b.x, b.y) and math.hypot(b.x - a.x, b.y - a.y) < 600
        ]
        self.tree = STRtree(
            [LineString([(s.start.x, s.start.y), (s.end.x, s.end.y)]) for s in self.segments]
        )

    def candidates(self, text: str) -> list[Match]:
        crossing = parse_intersection(text)
        if crossing is not None:
            return self._intersections(*crossing)
        parsed = parse_address(text)
        streets = self._streets_named(parsed.street)
        if parsed.house_number is None:
            return [_street_match(s) for s in streets]
        house = parsed.house_number
        # Streets whose known crossings span the number first, then those it lies past.
        streets.sort(key=lambda s: not s.numbers[0] <= s.sign * house <= s.numbers[-1])
        placed = (self._place(parsed, street) for street in streets)
        return [match for match in placed if match is not None]

    def _streets_named(self, wanted: StreetName) -> list[Street]:
        """Streets of that name, narrowed by the direction and type when given and known."""
        found = self.streets.by_name.get(wanted.name, [])
        if wanted.direction:
            found = [s for s in found if s.parts.direction == wanted.direction]
        same_type = [s for s in found if s.parts.street_type == wanted.street_type]
        return same_type if wanted.street_type and same_type else list(found)

    def _place(self, parsed: ParsedAddress, street: Street) -> Match | None:
        number = parsed.house_number or 0
        if parsed.is_block:
            number = number // 100 * 100 + 50
        at = _point_on(street, number, even=number % 2 == 0)
        if at is None:
            return None
        lat, long = to_degrees(*at)
        crossing = street.nearest_crossing(*at)
        house = f"{parsed.house_number} block of" if parsed.is_block else str(parsed.house_number)
        precision = Precision.BLOCK if parsed.is_block else Precision.ADDRESS
        address = f"{house} {city_spelling(street.name)}"
        return Match(lat, long, address, precision, SOURCE, crossing.zipcode)

    def _intersections(self, first: StreetName, second: StreetName) -> list[Match]:
        found = []
        for a, b, crossing in self.streets.crossing_points.get(
            frozenset((first.name, second.name)), []
        ):
            if first.name != a.parts.name:
                a, b = b, a
            if not (_fits(a.parts, first) and _fits(b.parts, second)):
                continue
            lat, long = to_degrees(crossing.x, crossing.y)
            address = f"{city_spelling(a.name)} & {city_spelling(b.name)}"
            found.append(
                Match(lat, long, address, Precision.INTERSECTION, SOURCE, crossing.zipcode)
            )
        return found

    def reverse(self, lat: float, long: float) -> Match | None:
        x, y = to_metres(lat, long)
        point = Point(x, y)
        nearest: dict[str, tuple[float, _Segment]] = {}
        for index in self.tree.query(point, predicate="dwithin", distance=MAX_REVERSE_METRES):
            segment = self.segments[int(index)]
            distance = float(self.tree.geometries[int(index)].distance(point))
            known = nearest.get(segment.street.name)
            if known is None or distance < known[0]:
                nearest[segment.street.name] = (distance, segment)
        if not nearest:
            return None
        _, segment = min(nearest.values(), key=_frontage_score)
        number, crossing = _number_at(segment, x, y)
        address = f"{number} {city_spelling(segment.street.name)}"
        return Match(lat, long, address, Precision.ADDRESS, SOURCE, crossing.zipcode)


def _frontage_score(candidate: tuple[float, _Segment]) -> tuple[float, int]:
    """How well a street fits as the one a point's address is on: lower is better.

    An address point lies inside its lot, about a lot's half depth from the middle of
    its own street; at a corner the cross street is nearer than that, so the nearest
    street is not the answer. A point on a street's centre line is on that street.
    Ties (a point at a crossing) go to the street with more crossings, the main road.
    """
    distance, segment = candidate
    fit = distance - 1000 if distance <= ON_CENTRE_LINE_METRES else abs(distance - FRONTAGE_METRES)
    return round(fit), -len(segment.street.crossings)


def _fits(street: StreetName, wanted: StreetName) -> bool:
    return (not wanted.direction or wanted.direction == street.direction) and (
        not wanted.street_type or wanted.street_type == street.street_type
    )


def _point_on(street: Street, house: int, *, even: bool) -> tuple[float, float] | None:
    """Where a house number stands on the street, on its side; None past the street's ends.

    Houses are numbered from the grid line that starts their hundred (the 1800 block
    begins where the street meets the 1800 line), one lot after another, not spread
    over the whole hundred: a long block often ends in the 50s or 60s.
    """
    signed = street.sign * house
    numbers = street.numbers
    if not numbers[0] - MAX_NUMBERS_PAST_END <= signed <= numbers[-1] + MAX_NUMBERS_PAST_END:
        return None
    block_start = house // 100 * 100
    start = _chainage_at(street, street.sign * block_start)
    end = _chainage_at(street, street.sign * (block_start + 100))
    into_block = CORNER_METRES + (house - block_start) / LOT_NUMBERS_PER_METRE
    into_block = min(into_block, max(0.0, abs(end - start) - CORNER_METRES))
    (x, y), (dx, dy) = _along(street, start + math.copysign(into_block, end - start))
    # Even numbers lie west of a north-south street (on the left, walking north) and
    # north of an east-west one (on the right, walking west).
    nx, ny = (-dy, dx) if street.runs_north_south else (dy, -dx)
    offset = SIDE_OFFSET_METRES if even else -SIDE_OFFSET_METRES
    return x + offset * nx, y + offset * ny


def _chainage_at(street: Street, number: float) -> float:
    """Metres along the street (from its first crossing) where the grid number stands."""
    numbers, chainage = street.numbers, street.chainage
    i = bisect.bisect_left(numbers, number)
    if i == 0 or i == len(numbers):
        end = 0 if i == 0 else -1
        return chainage[end] + (number - numbers[end]) / NUMBERS_PER_METRE
    a, b = numbers[i - 1], numbers[i]
    share = (number - a) / (b - a) if b != a else 0.0
    return chainage[i - 1] + share * (chainage[i] - chainage[i - 1])


def _along(street: Street, metres: float) -> tuple[tuple[float, float], tuple[float, float]]:
    """The point that many metres along the street, and the street's direction there."""
    crossings, chainage = street.crossings, street.chainage
    if len(crossings) == 1:
        ux, uy = (0.0, 1.0) if street.runs_north_south else (-1.0, 0.0)
        only = crossings[0]
        return (only.x + ux * metres, only.y + uy * metres), (ux, uy)
    i = min(max(bisect.bisect_left(chainage, metres), 1), len(chainage) - 1)
    while i < len(chainage) - 1 and chainage[i] == chainage[i - 1]:
        i += 1
    a, b = crossings[i - 1], crossings[i]
    length = chainage[i] - chainage[i - 1]
    if length <= 0:
        ux, uy = (0.0, 1.0) if street.runs_north_south else (-1.0, 0.0)
        return (a.x, a.y), (ux, uy)
    ux, uy = (b.x - a.x) / length, (b.y - a.y) / length
    past_a = metres - chainage[i - 1]
    return (a.x + ux * past_a, a.y + uy * past_a), (ux, uy)


def _number_at(segment: _Segment, x: float, y: float) -> tuple[int, Crossing]:
    """The house number at the point's projection on the segment, on the point's side."""
    a, b = segment.start, segment.end
    vx, vy = b.x - a.x, b.y - a.y
    share = max(0.0, min(1.0, ((x - a.x) * vx + (y - a.y) * vy) / (vx * vx + vy * vy)))
    house = max(1, round(abs(a.number + share * (b.number - a.number))))
    on_left = vx * (y - a.y) - vy * (x - a.x) > 0  # walking a→b, towards growing numbers
    even = on_left if segment.street.runs_north_south else not on_left
    if (house % 2 == 0) != even:
        house += 1
    return house, a if share < 0.5 else b


def _street_match(street: Street) -> Match:
    middle = street.crossings[len(street.crossings) // 2]
    lat, long = to_degrees(middle.x, middle.y)
    return Match(lat, long, city_spelling(street.name), Precision.STREET, SOURCE, middle.zipcode)


def city_spelling(name: str) -> str:
    """ "N LA SALLE ST" as the city writes it in sentences: "N La Salle St"."""
    return " ".join(_word_spelling(word) for word in name.split())


def _word_spelling(word: str) -> str:
    if len(word) == 1:
        return word  # directions and lettered avenues stay capital
    if word[:1].isdigit():
        return word.lower()  # "79TH" → "79th"
    if word.startswith("MC") and len(word) > 2:
        return "Mc" + word[2:].capitalize()
    return word.capitalize()
