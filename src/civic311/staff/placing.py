"""Where a caller's problem is: the point given, the one place an address names, or a short list.

The back office never parses addresses itself: everything goes through
`geo.services.locate` / `locate_candidates`, like every other channel.
"""

from __future__ import annotations

from civic311.core.errors import ValidationFailed
from civic311.geo import services as places
from civic311.geo.services import Located

CHOICES = 5
CHOICE_SEPARATOR = "|"


def place_call(*, address: str, point: tuple[float, float] | None) -> Located | list[Located]:
    """The located place, or the places the address may mean when it names several.

    Raises ValidationFailed on `address` when it names no place in the city.
    """
    if point is not None:
        return places.locate(address=address, lat=point[0], long=point[1])
    choices = several_places(address)
    return choices or places.locate(address=address)


def several_places(address: str) -> list[Located]:
    """The places a typed address may mean when it means more than one; else empty.

    Raises ValidationFailed on `address` when it names no place in the city.
    """
    choices = distinct(places.locate_candidates(address, limit=CHOICES))
    if not choices:
        raise ValidationFailed({"address": places.NOT_FOUND})
    return choices if len(choices) > 1 else []


def distinct(choices: list[Located]) -> list[Located]:
    """The choices without repeats of one address, best first."""
    by_address: dict[str, Located] = {}
    for choice in choices:
        by_address.setdefault(choice.address, choice)
    return list(by_address.values())


def choice_value(place: Located) -> str:
    """What the short list's button for `place` posts back."""
    return CHOICE_SEPARATOR.join((f"{place.lat:.6f}", f"{place.long:.6f}", place.address))


def chosen(raw: str) -> tuple[float, float, str] | None:
    """The (lat, long, address) the operator picked from the short list, if any."""
    parts = raw.split(CHOICE_SEPARATOR, 2)
    if len(parts) != 3 or not parts[2].strip():
        return None
    try:
        return float(parts[0]), float(parts[1]), parts[2].strip()
    except ValueError:
        return None
