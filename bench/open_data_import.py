"""Time `civic311 import chicago-open-data` on a generated file of N rows in the portal's format.

    .venv/bin/python -m bench.open_data_import --rows 100000                 # SQLite, a temp dir
    .venv/bin/python -m bench.open_data_import --rows 100000 \\
        --database postgres://postgres@127.0.0.1:5432/civic311_bench         # PostgreSQL

The file is made from the 200 real rows' shape: the city's types (mapped and unmapped),
origins, departments and statuses in their real mix, points taken from the 400 real
addresses, times spread over two years, one row in twenty a duplicate of an earlier one.
It imports into an empty database (migrated, Chicago catalogue loaded), then imports the
same file again (every row unchanged), and prints rows per second and the peak memory of
each run. The database named by --database is emptied first.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared/data/chicago"
TYPES = [  # (sr_type, sr_short_code, owner_department, weight)
    ("311 INFORMATION ONLY CALL", "311IOC", "311 City Services", 40),
    ("Pothole in Street Complaint", "PHF", "CDOT - Department of Transportation", 10),
    ("Street Light Out Complaint", "SFD", "CDOT - Department of Transportation", 8),
    ("Rodent Baiting/Rat Complaint", "SGA", "Streets and Sanitation", 7),
    ("Graffiti Removal Request", "GRAF", "Streets and Sanitation", 7),
    ("Abandoned Vehicle Complaint", "SKA", "Streets and Sanitation", 5),
    ("Tree Debris Clean-Up Request", "SEF", "Streets and Sanitation", 4),
    ("Aircraft Noise Complaint", "AVN", "Aviation", 4),
    ("Traffic Signal Out Complaint", "SFB", "CDOT - Department of Transportation", 3),
    ("Missed Garbage Pick-Up Complaint", "SCC", "Streets and Sanitation", 3),
    ("Sanitation Code Violation", "SCB", "Streets and Sanitation", 3),
    ("Building Violation", "BBA", "DOB - Buildings", 2),
    ("Restaurant Complaint", "HFB", "CDPH - Public Health", 2),
    ("Dead Animal Pick-Up Request", "SGQ", "Streets and Sanitation", 2),
]
ORIGINS = [("Phone Call", 73), ("Internet", 15), ("Mobile Device", 10), ("Alderman's Office", 2)]
START = dt.datetime(2021, 1, 1)


def generate(path: Path, rows: int, seed: int = 311) -> None:
    """Write `rows` portal rows to `path`."""
    rng = random.Random(seed)
    with (SHARED / "sr_open_data_2021-01-01_first200.csv").open(encoding="utf-8") as sample:
        header = next(csv.reader(sample))
    places = list(csv.DictReader((SHARED / "addresses_400.csv").open(encoding="utf-8")))
    types = rng.choices(TYPES, weights=[t[3] for t in TYPES], k=rows)
    origins = rng.choices([o for o, _ in ORIGINS], weights=[w for _, w in ORIGINS], k=rows)
    span = 2 * 365 * 86_400
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=header)
        writer.writeheader()
        for i in range(rows):
            sr_type, code, department, _ = types[i]
            created = START + dt.timedelta(seconds=span * i // rows)
            closed = created + dt.timedelta(hours=rng.randint(1, 24 * 40))
            is_open = closed > START + dt.timedelta(seconds=span * 0.97)
            duplicate = i > 100 and rng.random() < 0.05
            place = rng.choice(places)
            writer.writerow(
                {
                    "sr_number": f"SR{created:%y}-{i + 1:08d}",
                    "sr_type": sr_type,
                    "sr_short_code": code,
                    "created_department": department,
                    "owner_department": department,
                    "status": "Open" if is_open else "Completed",
                    "origin": origins[i],
                    "created_date": f"{created:%Y-%m-%dT%H:%M:%S}.000",
                    "last_modified_date": f"{created if is_open else closed:%Y-%m-%dT%H:%M:%S}.000",
                    "closed_date": "" if is_open else f"{closed:%Y-%m-%dT%H:%M:%S}.000",
                    "street_address": place["street_address"],
                    "city": "Chicago",
                    "state": "Illinois",
                    "zip_code": place["zip_code"],
                    "duplicate": str(duplicate and not is_open),
                    "legacy_record": "False",
                    "community_area": place["community_area"],
                    "ward": place["ward"],
                    "latitude": place["latitude"],
                    "longitude": place["longitude"],
                    "parent_sr_number": (
                        f"SR{created:%y}-{rng.randint(1, i):08d}"
                        if duplicate and not is_open
                        else ""
                    ),
                }
            )


def timed_import(path: Path) -> tuple[float, object]:
    """Seconds the import of `path` took and its counts."""
    from civic311.service_requests.importing.run import import_file

    began = time.perf_counter()
    counts = import_file(path, format="chicago-open-data", rejects=path.with_suffix(".rejects"))
    return time.perf_counter() - began, counts


def main(argv: list[str] | None = None) -> int:
    """Generate, import twice, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--database", help="a PostgreSQL URL (default: SQLite in a temp dir)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="civic311-import-bench-"))
    os.environ.setdefault("CIVIC311_DATA_DIR", str(folder))
    os.environ["CIVIC311_DATABASE_URL"] = args.database or f"sqlite:///{folder / 'db.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic311.settings")
    import django
    from django.core.management import call_command

    django.setup()
    from django.db import connection

    call_command("flush", interactive=False, verbosity=0) if args.database else None
    call_command("migrate", verbosity=0)
    call_command("load_catalog", "chicago-2012", verbosity=0)
    source = folder / "requests.csv"
    began = time.perf_counter()
    generate(source, args.rows)
    print(
        f"generated {args.rows:,} rows ({source.stat().st_size / 1e6:.1f} MB) "
        f"in {time.perf_counter() - began:.1f} s; database: {connection.vendor}"
    )
    for label in ("first import (all new)", "second import (all unchanged)"):
        seconds, counts = timed_import(source)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{label}: {args.rows / seconds:,.0f} rows/s ({seconds:.1f} s); {counts}; "
            f"peak RSS so far {peak:.0f} MiB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
