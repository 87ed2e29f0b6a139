"""Distances on the ground, and the lat/long box a database can narrow a "nearby" search by.

One home for the arithmetic that the intake's "already reported nearby?", the home page's
"near an address", the address search's short list and the geocoder's learning all use.
"""

from __future__ import annotations

import math

EARTH_RADIUS_METRES = 6_371_000
METRES_PER_DEGREE_LAT = 111_320.0


def metres_between(lat1: float, long1: float, lat2: float, long2: float) -> float:
    """The great-circle distance between two points, in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(long2 - long1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(math.sqrt(a))


def metres_per_degree_long(lat: float) -> float:
    """How many metres one degree of longitude spans at this latitude."""
    return METRES_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 0.01)


def box_around(
    lat: float, long: float, metres: float
) -> tuple[tuple[float, float], tuple[float, float]]:
    """The (lat range, long range) that holds every point within `metres` of this one."""
    dlat = metres / METRES_PER_DEGREE_LAT
    dlong = metres / metres_per_degree_long(lat)
    return (lat - dlat, lat + dlat), (long - dlong, long + dlong)
