"""Writes and lookups of places: loading wards, their offices and community areas, and
locating requests."""

from __future__ import annotations

import csv
import json
import logging
from dataclasses import dataclass, replace
from pathlib import Path

from django.conf import settings
from django.db import transaction

from civic311.core import clock
from civic311.core.errors import ValidationFailed
from civic311.geo import geocoding, learning, lookup
from civic311.geo.addresses import AddressKey, address_key
from civic311.geo.geocoding import Match, Precision, nominatim
from civic311.geo.models import CommunityArea, ConfirmedPoint, Ward

log = logging.getLogger("civic311.geo")

OFFICE_COLUMNS = ("alderman", "office_address", "office_phone", "office_email")


def load_wards(*, path: Path, number_property: str) -> int:
    """Create or update one Ward per GeoJSON feature; return how many were loaded."""
    features = _features(path)
    boundaries = {_area_number(f, number_property, path): f["geometry"] for f in features}
    with transaction.atomic():
        for number, geometry in boundaries.items():
            Ward.objects.update_or_create(number=number, defaults={"boundary": geometry})
    lookup.reset()
    return len(boundaries)


def load_community_areas(*, path: Path, number_property: str, name_property: str) -> int:
    """Create or update one CommunityArea per GeoJSON feature; return how many were loaded."""
    features = _features(path)
    with transaction.atomic():
        for feature in features:
            name = str((feature.get("properties") or {}).get(name_property) or "").strip()
            CommunityArea.objects.update_or_create(
                number=_area_number(feature, number_property, path),
                defaults={"name": name.title(), "boundary": feature["geometry"]},
            )
    lookup.reset()
    return len(features)


def _features(path: Path) -> list[dict]:
    """The features of a GeoJSON FeatureCollection file, or ValidationFailed saying why not."""
    try:
        collection = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationFailed(f"cannot read {path} as GeoJSON: {exc}") from None
    features = collection.get("features") if isinstance(collection, dict) else None
    if not features:
        raise ValidationFailed(f"{path} is not a GeoJSON FeatureCollection with features")
    return features


def _area_number(feature: dict, number_property: str, path: Path) -> int:
    raw = (feature.get("properties") or {}).get(number_property)
    try:
        return int(str(raw).strip())
    except ValueError:
        raise ValidationFailed(
            f"{path}: a feature has {number_property}={raw!r}, not a ward or area number; "
            "name the property that holds it with --number-property"
        ) from None


def load_ward_offices(*, path: Path) -> int:
    """Set each ward's alderman and office contacts from a CSV with a `ward` column."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or "ward" not in rows[0]:
        raise ValidationFailed(f"{path} needs a header with a 'ward' column")
    with transaction.atomic():
        for row in rows:
            values = {column: (row.get(column) or "").strip() for column in OFFICE_COLUMNS}
            Ward.objects.update_or_create(number=int(row["ward"]), defaults=values)
    return len(rows)


@dataclass(frozen=True)
class Located:
    """A place as the city files it: point, address, ward, and how the two were found."""

    lat: float
    long: float
    address: str
    ward: int | None
    precision: Precision
    source: str
    address_derived: bool  # True when civic311 wrote the address from the point
    zipcode: str = ""
    community_area: int | None = None


NOT_FOUND = "We could not find that address in Chicago. Check the number and street name."
# The most recent confirmed points of a block that correct a geocode on it.
CONFIRMED_PER_BLOCK = 15


def locate(*, address: str = "", lat: float | None = None, long: float | None = None) -> Located:
    """Place a request: geocode a typed address, or name a given point's nearest address.

    A point wins over a typed address for where the request is (a resident's pin is
    better than a geocoded guess); a typed address is kept as the resident wrote it.
    Raises ValidationFailed when an address without a point cannot be found.
    """
    if lat is not None and long is not None:
        near = _reverse(lat, long)
        return Located(
            lat=lat,
            long=long,
            address=address or (near.address if near else ""),
            ward=lookup.ward_at(lat, long),
            community_area=lookup.community_area_at(lat, long),
            precision=Precision.ADDRESS if address or not near else near.precision,
            source="point",
            address_derived=not address and near is not None,
            zipcode=near.zipcode if near else "",
        )
    found = _places(address, limit=1)
    if not found:
        raise ValidationFailed({"address": NOT_FOUND})
    return _with_typed(found[0], address)


def point_address(lat: float, long: float) -> str:
    """What a point with no street near it (a park, a rail yard) is filed under: its coordinates.

    GeoReport's strict clients need `address` to be a string for every request with a point.
    """
    return f"{lat:.5f}, {long:.5f}"


def locate_candidates(text: str, limit: int = 5) -> list[Located]:
    """The places in the city a typed address may mean, best first, for a short list."""
    return [place for place in _places(text, limit=limit) if in_city(place)]


def in_city(place: Located) -> bool:
    """True when the place is in one of the city's wards (or no wards are loaded to say)."""
    return place.ward is not None or not lookup.has_boundaries()


def confirm_point(*, address: str, lat: float, long: float, source: str) -> None:
    """Remember that `address` is at this point (a resident's pin, a staff correction).

    Later geocodes on the same block are corrected by it (geo.learning). An address
    without a street and house number names no block and is not remembered.
    """
    key = address_key(address)
    if key.block is None:  # no house on a street: no block to learn for
        return
    ConfirmedPoint.objects.create(
        address=address.strip()[:300],
        street_key=key.street,
        block=key.block,
        lat=lat,
        long=long,
        source=source,
        created_at=clock.now(),
    )


def _places(text: str, *, limit: int) -> list[Located]:
    """The external geocoder's places in the city, else the built-in ones learnt-corrected."""
    if not text.strip():
        return []
    external = [p for p in map(_as_located, _external_search(text)) if in_city(p)][:limit]
    if external:
        return external
    # Candidates often share a block (Fullerton Ave and Pkwy at 933 W): read each block once.
    blocks: dict[AddressKey, list[learning.Confirmed]] = {}
    matches = geocoding.candidates(text, limit=limit)
    return [_as_located(_learnt(match, blocks)) for match in matches]


def _external() -> nominatim.Nominatim | None:
    config = settings.CIVIC311
    if not config.geocoder_url:
        return None
    return nominatim.client(config.geocoder_url, config.geocoder_timeout_seconds)


def _external_search(text: str) -> list[Match]:
    """Every place the server offers (its first five); the caller keeps those in the city."""
    server = _external()
    if server is None:
        return []
    try:
        return server.search(text)
    except nominatim.GeocoderUnavailable as exc:
        log.warning("external geocoder unavailable, using the built-in one: %s", exc)
        return []


def _reverse(lat: float, long: float) -> Match | None:
    server = _external()
    if server is not None:
        try:
            found = server.reverse(lat, long)
        except nominatim.GeocoderUnavailable as exc:
            log.warning("external geocoder unavailable, using the built-in one: %s", exc)
        else:
            if found is not None:
                return found
    return geocoding.reverse(lat, long)


def _learnt(match: Match, blocks: dict[AddressKey, list[learning.Confirmed]]) -> Match:
    """A built-in match corrected by the points confirmed on its block (ADR 0014)."""
    if match.precision not in learning.CORRECTED_PRECISIONS:
        return match
    key = address_key(match.address)
    if key.block is None:
        return match
    if key not in blocks:
        blocks[key] = _confirmed_on(key.street, key.block)
    confirmed = blocks[key]
    return learning.corrected(match, confirmed) if confirmed else match


def _confirmed_on(street: str, block: int) -> list[learning.Confirmed]:
    """The block's newest confirmed points, each with the grid's own answer for its address."""
    rows = ConfirmedPoint.objects.filter(street_key=street, block=block).order_by("-created_at")[
        :CONFIRMED_PER_BLOCK
    ]
    return [
        learning.Confirmed(lat=row.lat, long=row.long, grid=grid)
        for row in rows
        if (grid := geocoding.geocode(row.address)) is not None
    ]


def _as_located(match: Match) -> Located:
    return Located(
        lat=match.lat,
        long=match.long,
        address=match.address,
        ward=lookup.ward_at(match.lat, match.long),
        community_area=lookup.community_area_at(match.lat, match.long),
        precision=match.precision,
        source=match.source,
        address_derived=False,
        zipcode=match.zipcode,
    )


def _with_typed(place: Located, typed: str) -> Located:
    """The place with the address as it was typed (a filing keeps the resident's words)."""
    return replace(place, address=typed.strip() or place.address)
