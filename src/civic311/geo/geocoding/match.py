"""What a geocoder answers: a point, the address it stands for, and how sure it is."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Precision(StrEnum):
    """How closely a match pins the place down, best first."""

    ADDRESS = "address"  # a house number placed on its street
    INTERSECTION = "intersection"  # two streets that cross
    BLOCK = "block"  # a hundred block of a street, no house number
    STREET = "street"  # only the street is known


@dataclass(frozen=True)
class Match:
    """One place a typed address or a point stands for."""

    lat: float
    long: float
    address: str  # normalised, as the city writes it: "933 W Fullerton Ave"
    precision: Precision
    source: str = "civic311"  # "civic311" (built in), "nominatim", "confirmed" …
    zipcode: str = ""
