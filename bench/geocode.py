"""Geocode Chicago's real addresses and compare with the city's own points.

    .venv/bin/python -m bench.geocode [--addresses ../shared/data/chicago/addresses_400.csv]

Prints how many addresses the built-in geocoder finds, how far its points are
from the city's (median, percentiles, a histogram), how often reverse
geocoding the city's point gives back the same street name and direction,
the in-process latency of both (p50/p99) and the memory the loaded data takes.
"""

from __future__ import annotations

import argparse
import csv
import math
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ADDRESSES = Path(__file__).resolve().parents[1].parent / "shared/data/chicago/addresses_400.csv"
BUCKETS = (10, 20, 35, 50, 75, 100, 150, 300, 1000)


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def street_of(address: str) -> str:
    """Direction and name of a street address, without number and type: "W FULLERTON"."""
    from civic311.geo.addresses import parse_address

    street = parse_address(address).street
    return f"{street.direction} {street.name}"


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addresses", type=Path, default=ADDRESSES)
    parser.add_argument("--show-misses", action="store_true", help="list the worst addresses")
    args = parser.parse_args(argv)
    rows = list(csv.DictReader(args.addresses.open(encoding="utf-8")))

    tracemalloc.start()
    began = time.perf_counter()
    from civic311.geo.distance import metres_between
    from civic311.geo.geocoding import chicago

    chicago.street_map()
    load_seconds = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    errors, misses, worst, geocode_times, reverse_times, same_street = [], [], [], [], [], 0
    for row in rows:
        lat, long = float(row["latitude"]), float(row["longitude"])
        start = time.perf_counter()
        match = chicago.geocode(row["street_address"])
        geocode_times.append(time.perf_counter() - start)
        if match is None:
            misses.append(row["street_address"])
        else:
            error = metres_between(lat, long, match.lat, match.long)
            errors.append(error)
            worst.append((error, row["street_address"], match.address))
        start = time.perf_counter()
        back = chicago.reverse(lat, long)
        reverse_times.append(time.perf_counter() - start)
        if back and street_of(back.address) == street_of(row["street_address"]):
            same_street += 1
        elif args.show_misses:
            print(f"reverse: {row['street_address']!r} -> {back.address if back else None!r}")

    total = len(rows)
    print(f"addresses: {total} ({args.addresses.name})")
    print(f"found: {len(errors)} ({len(errors) / total:.1%}); not found: {misses}")
    within = sum(e <= 150 for e in errors)
    print(f"within 150 m of the city's point: {within} ({within / total:.1%} of all)")
    print(
        f"error: median {statistics.median(errors):.1f} m, p75 {percentile(errors, 0.75):.1f} m, "
        f"p90 {percentile(errors, 0.9):.1f} m, p95 {percentile(errors, 0.95):.1f} m, "
        f"max {max(errors):.0f} m"
    )
    low = 0
    for high in BUCKETS:
        count = sum(low < e <= high for e in errors) if low else sum(e <= high for e in errors)
        print(f"  {low:>4}–{high:<4} m: {count:4d} {'#' * (count // 4)}")
        low = high
    print(f"  > {BUCKETS[-1]} m: {sum(e > BUCKETS[-1] for e in errors):4d}")
    print(f"reverse, same street name and direction: {same_street} ({same_street / total:.1%})")
    ms = [t * 1000 for t in geocode_times]
    rms = [t * 1000 for t in reverse_times]
    print(
        f"latency in-process: geocode p50 {percentile(ms, 0.5):.3f} ms p99 "
        f"{percentile(ms, 0.99):.3f} ms; reverse p50 {percentile(rms, 0.5):.3f} ms p99 "
        f"{percentile(rms, 0.99):.3f} ms"
    )
    print(
        f"street data: loaded in {load_seconds:.2f} s, {peak / 2**20:.1f} MiB at peak while loading"
    )
    if args.show_misses:
        for error, typed, found in sorted(worst, reverse=True)[:25]:
            print(f"  {error:7.0f} m  {typed!r} -> {found!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
