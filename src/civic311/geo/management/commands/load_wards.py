"""`civic311 load-wards FILE [--number-property NAME]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from civic311.core.errors import ValidationFailed
from civic311.geo.services import load_wards


class Command(BaseCommand):
    help = "Load ward boundaries from a GeoJSON FeatureCollection (WGS84)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--number-property",
            default="ward",
            help="the feature property that holds the ward number (Chicago's file: District_N)",
        )

    def handle(self, *args, file: Path, number_property: str, **options) -> None:
        try:
            count = load_wards(path=file, number_property=number_property)
        except ValidationFailed as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"Loaded {count} wards from {file}.")
