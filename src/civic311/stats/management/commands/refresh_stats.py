"""`civic311 refresh-stats`: recompute the stored statistics (run daily; safe to rerun)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from tqdm import tqdm

from civic311.core import clock
from civic311.stats import services


class Command(BaseCommand):
    help = (
        "Recompute how long each service's requests took to close over the last year, per "
        "ward and city-wide, from which new requests get their expected date. Run it daily "
        "(the worker also does, once a day); running it again just recomputes."
    )

    def handle(self, *args, **options) -> None:
        now = clock.now()
        quiet = options["verbosity"] == 0
        if not quiet:
            self.stdout.write("Measuring close times of the last 365 days…")
        with tqdm(
            total=services.completed_in_window(now),
            desc="reading completed requests",
            unit="requests",
            unit_scale=True,
            disable=quiet,
        ) as bar:
            refreshed = services.refresh_close_times(now=now, progress=bar.update)
        self.stdout.write(f"civic311 refresh-stats: {refreshed}")
