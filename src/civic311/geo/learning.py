"""Correcting the grid geocoder with points residents and staff confirmed on the same block.

The built-in geocoder spreads a block's house numbers evenly between the two
crossings that bracket it; real lots are not even, so its error is mostly the
same for neighbouring houses. A confirmed point (a resident's own pin beside the
address they typed, or a point staff corrected) says how far off the grid was
there. Two rules, in order (ADR 0014):

1. The same address was confirmed: answer the median of its confirmed points.
2. Other addresses on the block were: shift the grid's answer by the median of
   their offsets (confirmed point minus the grid's own answer for that address),
   taken from the same side of the street when there are any, weighted
   n/(n+GRID_WEIGHT) for n points: the grid counts as GRID_WEIGHT more points that
   say "no offset", because a neighbour's offset only partly shares this address's
   error and a pin is not exact either. One pin moves its neighbours a quarter of
   the way, three half way, a dozen most of it.

Offsets longer than MAX_OFFSET_METRES are a pin on another block, not a
correction, and are ignored; so are points whose own address the grid puts more
than a block away from `match` (the street key drops the direction, so 800 N and
800 S Halsted share one, as Grand Ave and Grand Blvd do). Pure: the caller reads
the points and geocodes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from statistics import median

from civic311.geo.distance import metres_between
from civic311.geo.geocoding.match import Match, Precision

SOURCE_SUFFIX = "+confirmed"
# Two short Chicago blocks: further than this from the grid's answer, a pin is not a fix.
MAX_OFFSET_METRES = 250.0
# A long Chicago block is about 200 m: a confirmed address further away is another place.
SAME_BLOCK_METRES = 300.0
# How many confirmed neighbours the grid's own answer is worth (measured: ADR 0014).
GRID_WEIGHT = 3
CORRECTED_PRECISIONS = frozenset({Precision.ADDRESS, Precision.BLOCK})
_NUMBER = re.compile(r"^\s*(\d+)")


@dataclass(frozen=True)
class Confirmed:
    """A confirmed point and the grid geocoder's own answer for the same address."""

    lat: float
    long: float
    grid: Match  # what the built-in geocoder answers for the confirmed address


def corrected(match: Match, confirmed: Sequence[Confirmed]) -> Match:
    """`match` moved by what was confirmed on its block; unchanged when nothing applies."""
    if match.precision not in CORRECTED_PRECISIONS:
        return match
    usable = [c for c in confirmed if _plausible(c) and _beside(c, match)]
    same_address = [c for c in usable if c.grid.address == match.address]
    if same_address:
        lat = median(c.lat for c in same_address)
        long = median(c.long for c in same_address)
        return replace(match, lat=lat, long=long, source=match.source + SOURCE_SUFFIX)
    if not usable:
        return match
    side = [c for c in usable if _same_side(c.grid.address, match.address)]
    chosen = side or usable
    weight = len(chosen) / (len(chosen) + GRID_WEIGHT)
    d_lat = weight * median(c.lat - c.grid.lat for c in chosen)
    d_long = weight * median(c.long - c.grid.long for c in chosen)
    return replace(
        match, lat=match.lat + d_lat, long=match.long + d_long, source=match.source + SOURCE_SUFFIX
    )


def _plausible(point: Confirmed) -> bool:
    return metres_between(point.lat, point.long, point.grid.lat, point.grid.long) <= (
        MAX_OFFSET_METRES
    )


def _beside(point: Confirmed, match: Match) -> bool:
    return metres_between(point.grid.lat, point.grid.long, match.lat, match.long) <= (
        SAME_BLOCK_METRES
    )


def _same_side(address: str, other: str) -> bool:
    """True when both house numbers are odd or both even (one side of a Chicago street)."""
    first, second = _NUMBER.match(address), _NUMBER.match(other)
    return bool(first and second) and int(first[1]) % 2 == int(second[1]) % 2  # type: ignore[index]
