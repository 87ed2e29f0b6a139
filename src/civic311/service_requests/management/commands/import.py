"""`civic311 import chicago-open-data FILE` and `civic311 import open311-harvest FILE`."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from civic311.core.errors import ValidationFailed
from civic311.service_requests.importing.run import BATCH_SIZE, FORMATS, import_file


class Command(BaseCommand):
    help = (
        "Import a city's request history: Chicago's 311 open-data CSV (.csv or .csv.gz) or an "
        "Open311 harvest (one GeoReport JSON record per line). Safe to rerun: rows are matched "
        "on their number, so the same file twice changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("format", choices=FORMATS)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--rejects",
            type=Path,
            help="where refused rows go, with line and reason (default: FILE.rejects.csv)",
        )
        parser.add_argument("--batch", type=int, default=BATCH_SIZE, help="rows per transaction")

    def handle(self, *args, format: str, file: Path, rejects: Path | None, batch: int, **options):
        rejects = rejects or file.with_name(file.name + ".rejects.csv")
        size = file.stat().st_size if file.exists() else 0
        began = time.monotonic()
        with tqdm(
            total=size,
            unit="B",
            unit_scale=True,
            desc=f"importing {file.name}",
            disable=options["verbosity"] == 0,
        ) as bar:

            def progress(rows: int, position: int) -> None:
                bar.update(position - bar.n)
                rate = rows / max(time.monotonic() - began, 1e-6)
                bar.set_postfix_str(f"{rows:,} rows, {rate:,.0f} rows/s")

            try:
                counts = import_file(
                    file,
                    format=format,
                    rejects=rejects,
                    batch_size=max(1, batch),
                    progress=progress,
                )
            except ValidationFailed as problem:
                raise CommandError(problem.message) from None
        seconds = time.monotonic() - began
        rate = counts.read / max(seconds, 1e-6)
        self.stdout.write(
            f"Read {counts.read:,} rows in {seconds:.1f} s ({rate:,.0f} rows/s): "
            f"{counts.created:,} created, {counts.updated:,} updated, "
            f"{counts.unchanged:,} unchanged, {counts.rejected:,} rejected."
        )
        if counts.duplicates_linked:
            self.stdout.write(f"Linked {counts.duplicates_linked:,} duplicates to their parents.")
        if counts.rejected:
            self.stdout.write(f"Rejected rows, with their line and reason: {rejects}")
