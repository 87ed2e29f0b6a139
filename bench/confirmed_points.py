"""Does learning from confirmed points help? Leave-one-out on real addresses of one block.

    .venv/bin/python bench/confirmed_points.py [--csv ../shared/data/chicago/addresses_400.csv]

For every address of the file that shares its street and hundred block with others
in the file, the others stand in for points residents confirmed there (the city's
own point for each, optionally moved by --pin-noise metres at random, as a
resident's pin would be), and the address itself is geocoded with and without
them (civic311.geo.learning, ADR 0014). Prints the error to the city's point
before and after, for those addresses and for the whole file. Not a test; no
database (the built-in geocoder and the learning rules are pure).
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import statistics
from collections import defaultdict
from pathlib import Path

DEFAULT_CSV = Path(__file__).resolve().parents[2] / "shared/data/chicago/addresses_400.csv"


def main() -> None:
    """Geocode every address with and without its block's other points and print the errors."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--pin-noise", type=float, default=0.0, help="metres, Gaussian σ")
    parser.add_argument("--seed", type=int, default=311)
    parser.add_argument("--runs", type=int, default=1, help="noisy pins drawn this many times")
    args = parser.parse_args()

    from civic311.geo import geocoding
    from civic311.geo.addresses import address_key
    from civic311.geo.distance import metres_between
    from civic311.geo.learning import Confirmed, corrected

    rng = random.Random(args.seed)
    rows = []
    for row in csv.DictReader(args.csv.open(encoding="utf-8")):
        grid = geocoding.geocode(row["street_address"])
        if grid is not None:
            city = (float(row["latitude"]), float(row["longitude"]))
            rows.append((row["street_address"], address_key(row["street_address"]), grid, city))
    blocks = defaultdict(list)
    for index, (_, key, _, _) in enumerate(rows):
        blocks[(key.street, key.block)].append(index)

    before_all, after_all, before_shared, after_shared = [], [], [], []
    for index, (_, key, grid, city) in [pair for _ in range(args.runs) for pair in enumerate(rows)]:
        others = [i for i in blocks[(key.street, key.block)] if i != index]
        confirmed = [
            Confirmed(lat=lat, long=long, grid=rows[i][2])
            for i in others
            for lat, long in [_pinned(rows[i][3], args.pin_noise, rng)]
        ]
        fixed = corrected(grid, confirmed)
        before = metres_between(grid.lat, grid.long, *city)
        after = metres_between(fixed.lat, fixed.long, *city)
        before_all.append(before)
        after_all.append(after)
        if others:
            before_shared.append(before)
            after_shared.append(after)

    print(
        f"{args.csv.name}: {len(rows)} addresses geocoded, pin noise σ={args.pin_noise:g} m, "
        f"{args.runs} run(s) pooled"
    )
    print(f"addresses sharing a block with others in the file: {len(before_shared) // args.runs}")
    _table("those addresses", before_shared, after_shared)
    _table("all addresses", before_all, after_all)
    better = sum(a < b - 1 for a, b in zip(after_shared, before_shared, strict=True))
    worse = sum(a > b + 1 for a, b in zip(after_shared, before_shared, strict=True))
    print(f"closer by more than 1 m: {better}; further by more than 1 m: {worse}")


def _pinned(point: tuple[float, float], noise: float, rng: random.Random) -> tuple[float, float]:
    """The point as a resident's pin might put it: `noise` metres off in a random direction."""
    if not noise:
        return point
    lat, long = point
    north, east = rng.gauss(0, noise), rng.gauss(0, noise)
    return lat + north / 111_320, long + east / (111_320 * math.cos(math.radians(lat)))


def _table(title: str, before: list[float], after: list[float]) -> None:
    if not before:
        print(f"{title}: none")
        return
    print(f"{title} (n={len(before)}):  median  mean  p90  max  ≤150 m  (metres)")
    for label, errors in (("  grid alone      ", before), ("  with confirmed  ", after)):
        within = sum(e <= 150 for e in errors) / len(errors)
        print(
            f"{label} {statistics.median(errors):6.1f} {statistics.mean(errors):6.1f} "
            f"{_p90(errors):6.1f} "
            f"{max(errors):6.1f}  {within:6.1%}"
        )


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.9 * len(ordered)) - 1)]


if __name__ == "__main__":
    main()
