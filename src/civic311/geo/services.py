"""Loading ward boundaries and ward-office contacts."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from django.db import transaction

from civic311.core.errors import ValidationFailed
from civic311.geo import lookup
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
