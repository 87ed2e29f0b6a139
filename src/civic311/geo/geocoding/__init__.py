"""Geocoding: a typed address to a point, and a point back to an address.

Pure and offline: the built-in Chicago geocoder reads the street data shipped
in `geo/data/` once per process. `geo.services.locate` is what the rest of the
project calls; it adds the external geocoder, learnt points and the ward.
"""

from civic311.geo.geocoding.chicago import candidates, geocode, reverse
from civic311.geo.geocoding.match import Match, Precision

__all__ = ["Match", "Precision", "candidates", "geocode", "reverse"]
