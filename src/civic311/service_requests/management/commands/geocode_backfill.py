"""`civic311 geocode-backfill`: place stored requests that lack a point or an address."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from civic311.service_requests.backfill import BATCH_SIZE, backfill_locations, unplaced

SHOWN_FAILURES = 10


class Command(BaseCommand):
    help = (
        "Geocode the address of every request without a point, and name the nearest address "
        "of every request with a point but no address. Safe to rerun."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch", type=int, default=BATCH_SIZE, help="requests per batch")

    def handle(self, *args, batch: int, **options) -> None:
        total = unplaced().count()
        if not total:
            self.stdout.write("Nothing to do: every request has a point and an address.")
            return
        with tqdm(
            total=total, desc="placing requests", unit="req", disable=options["verbosity"] == 0
        ) as bar:
            summary = backfill_locations(batch_size=max(1, batch), progress=bar.update)
        self.stdout.write(
            f"Placed {summary.located} requests from their address and named the address of "
            f"{summary.named} from their point; {len(summary.failed)} could not be placed."
        )
        for number, why in summary.failed[:SHOWN_FAILURES]:
            self.stdout.write(f"  {number}: {why}")
        if len(summary.failed) > SHOWN_FAILURES:
            self.stdout.write(f"  … and {len(summary.failed) - SHOWN_FAILURES} more")
