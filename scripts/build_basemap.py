#!/usr/bin/env python3
"""Build the city's base map (outline, wards, major streets) into the shipped static GeoJSON.

Run again when the ward boundaries or the street list change:
    .venv/bin/python scripts/build_basemap.py
It reads the ward boundaries of the catalogue and the geocoder's intersections, both shipped.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from civic311.geo import basemap

ROOT = Path(__file__).resolve().parents[1]
WARDS = ROOT / "src/civic311/catalog/catalogs/chicago/wards-2015.geojson"
INTERSECTIONS = ROOT / "src/civic311/geo/data/chicago-intersections.csv.gz"
OUTPUT = ROOT / "src/civic311/core/static/civic311/chicago-basemap.geojson"


def main() -> None:
    """Read the wards and intersections, write the base map, say how big it is."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wards", type=Path, default=WARDS)
    parser.add_argument("--intersections", type=Path, default=INTERSECTIONS)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    options = parser.parse_args()
    text = basemap.build_file(options.wards, options.intersections)
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(text, encoding="utf-8")
    collection = json.loads(text)
    kinds = [f["properties"]["kind"] for f in collection["features"]]
    print(
        f"{options.output.relative_to(ROOT)}: {len(text.encode()) / 1024:.0f} KiB, "
        f"{kinds.count('ward')} wards, {kinds.count('street')} streets"
    )


if __name__ == "__main__":
    main()
