"""The built-in, offline Chicago geocoder (placeholder: the real one lands next)."""

from __future__ import annotations

from civic311.geo.geocoding.match import Match


def candidates(text: str, limit: int = 5) -> list[Match]:
    """Every place the typed address may mean, best first (empty when none)."""
    raise NotImplementedError


def geocode(text: str) -> Match | None:
    """The best place for a typed address, or None when it names no Chicago place."""
    found = candidates(text, limit=1)
    return found[0] if found else None


def reverse(lat: float, long: float) -> Match | None:
    """The nearest street address to a point, or None when no street is near it."""
    raise NotImplementedError
