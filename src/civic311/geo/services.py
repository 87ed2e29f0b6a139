"""Writes and lookups of places: loading wards and their offices, and locating requests."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from civic311.core.errors import ValidationFailed
from civic311.geo import geocoding, lookup
from civic311.geo.geocoding import Match, Precision
from civic311.geo.models import Ward

OFFICE_COLUMNS = ("alderman", "office_address", "office_phone", "office_email")


def load_wards(*, path: Path, number_property: str) -> int:
    """Create or update one Ward per GeoJSON feature; return how many were loaded."""
    try:
        collection = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationFailed(f"cannot read {path} as GeoJSON: {exc}") from None
    features = collection.get("features") if isinstance(collection, dict) else None
    if not features:
        raise ValidationFailed(f"{path} is not a GeoJSON FeatureCollection with features")
    boundaries = {_ward_number(f, number_property, path): f["geometry"] for f in features}
    with transaction.atomic():
        for number, geometry in boundaries.items():
            Ward.objects.update_or_create(number=number, defaults={"boundary": geometry})
    lookup.reset()
    return len(boundaries)


def _ward_number(feature: dict, number_property: str, path: Path) -> int:
    raw = (feature.get("properties") or {}).get(number_property)
    try:
        return int(str(raw).strip())
    except ValueError:
        raise ValidationFailed(
            f"{path}: a feature has {number_property}={raw!r}, not a ward number; "
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


NOT_FOUND = "We could not find that address in Chicago. Check the number and street name."


def locate(*, address: str = "", lat: float | None = None, long: float | None = None) -> Located:
    """Place a request: geocode a typed address, or name a given point's nearest address.

    A point wins over a typed address for where the request is (a resident's pin is
    better than a geocoded guess); a typed address is kept as the resident wrote it.
    Raises ValidationFailed when an address without a point cannot be found.
    """
    if lat is not None and long is not None:
        near = geocoding.reverse(lat, long)
        return Located(
            lat=lat,
            long=long,
            address=address or (near.address if near else ""),
            ward=lookup.ward_at(lat, long),
            precision=Precision.ADDRESS if address or not near else near.precision,
            source="point",
            address_derived=not address and near is not None,
        )
    match = geocoding.geocode(address)
    if match is None:
        raise ValidationFailed({"address": NOT_FOUND})
    return _located(match, typed=address)


def locate_candidates(text: str, limit: int = 5) -> list[Located]:
    """The places a typed address may mean, best first, for a search box's short list."""
    return [_located(match, typed="") for match in geocoding.candidates(text, limit=limit)]


def _located(match: Match, *, typed: str) -> Located:
    return Located(
        lat=match.lat,
        long=match.long,
        address=typed or match.address,
        ward=lookup.ward_at(match.lat, match.long),
        precision=match.precision,
        source=match.source,
        address_derived=False,
    )
