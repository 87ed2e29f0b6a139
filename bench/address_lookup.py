"""The back office's caller lookup by address, old substring scan against the street key.

    CIVIC311_DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/address_lookup.py

Run it on a benchmark database (`python -m bench.generate`, then `civic311 migrate` so
the street keys are filled). For one address that has requests and one that has none
it times, in this one process, the lookup as it was (`address__icontains`, newest
first, 25 rows) and `staff.selectors.lookup(..., by="address")` as the operator types
it. Prints min / median / max seconds of --repeat runs. Not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

MISSING = "4321 W Nowhere Ave"


def main() -> None:
    """Time old and new lookups on the configured database and print a small table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--request-id", type=int, default=None, help="whose address to use")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic311.settings")
    import django

    django.setup()
    from civic311.service_requests.models import ServiceRequest
    from civic311.staff import selectors

    def old(text: str) -> list[ServiceRequest]:
        rows = ServiceRequest.objects.filter(address__icontains=text, is_test=False)
        rows = rows.select_related("service", "department", "ward")
        return list(rows.order_by("-requested_datetime", "-id")[: selectors.LOOKUP_LIMIT])

    def new(text: str) -> list[ServiceRequest]:
        return selectors.lookup(text, by="address")

    total = ServiceRequest.objects.count()
    pick = args.request_id or total // 2
    stored = ServiceRequest.objects.values_list("address", flat=True).get(pk=pick)
    street_line = stored.split(",")[0]  # what an operator had to type for the old lookup
    spoken = _spoken(street_line)
    street_only = " ".join(w for w in street_line.split()[2:])
    print(f"{total:,} requests; address of request {pick}: {stored!r}")
    cases: list[tuple[str, Callable[[str], list[ServiceRequest]], str]] = [
        ("old, existing address", old, street_line),
        ("new, existing address", new, spoken),
        ("new, street only", new, street_only),
        ("old, no such address", old, MISSING),
        ("new, no such address", new, MISSING),
    ]
    for label, lookup, text in cases:
        found, seconds = _timed(lambda: lookup(text), args.repeat)  # noqa: B023
        print(
            f"{label:24} {text!r:40} {found:3} found  "
            f"min {min(seconds):.4f} s  median {statistics.median(seconds):.4f} s  "
            f"max {max(seconds):.4f} s"
        )


def _timed(run: Callable[[], list], repeat: int) -> tuple[int, list[float]]:
    seconds = []
    found = 0
    for _ in range(repeat):
        start = time.perf_counter()
        found = len(run())
        seconds.append(time.perf_counter() - start)
    return found, seconds


def _spoken(street_line: str) -> str:
    """The street line as a caller says it: "709 north cottage grove avenue"."""
    words = {"N": "north", "S": "south", "E": "east", "W": "west", "Ave": "avenue"}
    words |= {"St": "street", "Blvd": "boulevard", "Rd": "road", "Pkwy": "parkway"}
    return " ".join(words.get(w, w) for w in street_line.split()).lower()


if __name__ == "__main__":
    main()
