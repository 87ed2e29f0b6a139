"""`civic311 load-ward-offices FILE`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from civic311.core.errors import ValidationFailed
from civic311.geo.services import OFFICE_COLUMNS, load_ward_offices


class Command(BaseCommand):
    help = f"Load aldermen and ward-office contacts from a CSV: ward,{','.join(OFFICE_COLUMNS)}."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        try:
            count = load_ward_offices(path=file)
        except (ValidationFailed, OSError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Loaded ward-office contacts for {count} wards from {file}.")
