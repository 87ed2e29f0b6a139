"""`civic311 load-catalog NAME|FILE`."""

from django.core.management.base import BaseCommand, CommandError

from civic311.catalog.services import load_catalog
from civic311.core.errors import ValidationFailed


class Command(BaseCommand):
    help = "Load or refresh a service catalogue (built in: chicago-2012). Safe to run again."

    def add_arguments(self, parser) -> None:
        parser.add_argument("catalog", help="a built-in name (chicago-2012) or a YAML file")

    def handle(self, *args, catalog: str, **options) -> None:
        try:
            summary = load_catalog(name_or_path=catalog)
        except ValidationFailed as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"Loaded {catalog}: {summary.services} services, {summary.departments} departments, "
            f"{summary.routing_rules} routing rules, {summary.wards} wards."
        )
