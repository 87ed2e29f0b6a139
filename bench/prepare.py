"""Make the configured database a fresh benchmark database of N rows, and draw the workload.

Run by bench/run.py in a subprocess per database (Django's settings are per
process). Generating a million rows takes minutes, so a database generated
before (a marker file records it) is reused: the requests earlier POST runs
added are deleted and the tracking counters put back, leaving exactly the
generated rows. Otherwise run.py hands over an empty database and this fills it.

    CIVIC311_DATABASE_URL=… python -m bench.prepare --rows N --marker M --workload W
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any


def main(argv: list[str] | None = None) -> int:
    """Prepare the database named by CIVIC311_DATABASE_URL."""
    parser = argparse.ArgumentParser(prog="python -m bench.prepare")
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--seed", type=int, default=311)
    parser.add_argument("--marker", type=Path, required=True)
    parser.add_argument("--workload", type=Path, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic311.settings")
    import django

    django.setup()
    from bench import generate, workload

    generate.prepare_database()
    marker = _read_marker(args.marker)
    if marker.get("rows") == args.rows and marker.get("seed") == args.seed and _holds(args.rows):
        restore(args.rows, marker["counters"])
        print(f"reusing the generated {args.rows:,} rows", flush=True)
    else:
        summary = _generate(args.rows, args.seed)
        args.marker.write_text(
            json.dumps(
                {
                    "rows": args.rows,
                    "seed": args.seed,
                    "events": summary.events,
                    "seconds": round(summary.seconds, 1),
                    "counters": _counters(),
                }
            )
        )
        print(
            f"generated {summary.requests:,} requests and {summary.events:,} events "
            f"in {summary.seconds:.0f} s",
            flush=True,
        )
    workload.draw().save(args.workload)
    return 0


def _read_marker(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _holds(rows: int) -> bool:
    from civic311.service_requests.models import ServiceRequest

    return ServiceRequest.objects.filter(id=rows).exists()


def _generate(rows: int, seed: int) -> Any:
    import tqdm

    from bench import generate

    with tqdm.tqdm(total=rows, unit="req", disable=not sys.stderr.isatty()) as bar:
        return generate.generate(rows=rows, seed=seed, progress=lambda d: bar.update(d - bar.n))


def restore(rows: int, counters: dict[str, int]) -> None:
    """Delete what benchmark POSTs added after the generated rows; reset the counters."""
    from django.db import transaction

    from civic311.service_requests.models import ServiceRequest, TrackingCounter

    with transaction.atomic():
        ServiceRequest.objects.filter(id__gt=rows).delete()
        TrackingCounter.objects.exclude(year__in=[int(y) for y in counters]).delete()
        for year, last in counters.items():
            TrackingCounter.objects.update_or_create(year=int(year), defaults={"last": last})


def _counters() -> dict[str, int]:
    from civic311.service_requests.models import TrackingCounter

    return {str(c.year): c.last for c in TrackingCounter.objects.all()}


if __name__ == "__main__":
    sys.exit(main())
