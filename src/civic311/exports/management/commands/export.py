"""`civic311 export`: write the daily open-data files (full, and the changes since the last)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from civic311.core import clock
from civic311.exports import services
from civic311.exports.query import FORMATS


class Command(BaseCommand):
    help = (
        "Write every public request to DIR as a gzip file per format (the daily full file) "
        "and, after the first run, a file of the changes since the previous run."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--format",
            action="append",
            dest="formats",
            help="csv, geojson or ndjson (repeat, or comma-separate; default csv)",
        )
        parser.add_argument("--out", type=Path, help="folder (default CIVIC311_OPEN_DATA_DIR)")

    def handle(self, *args, formats: list[str] | None, out: Path | None, **options) -> None:
        chosen = [f.strip() for value in formats or ["csv"] for f in value.split(",") if f]
        unknown = [f for f in chosen if f not in FORMATS]
        if unknown:
            raise CommandError(f"unknown format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
        folder = (out or settings.CIVIC311.effective_open_data_path).resolve()
        for fmt in chosen:
            total = services.rows_to_export(fmt, folder=folder)
            with tqdm(
                total=total,
                desc=f"exporting {fmt}",
                unit="rows",
                unit_scale=True,
                disable=options["verbosity"] == 0,
            ) as bar:
                written = services.export(
                    folder=folder, fmt=fmt, now=clock.now(), progress=bar.update
                )
            for file in written:
                self.stdout.write(f"{folder / file.name}: {file.rows} requests, {file.bytes} bytes")
