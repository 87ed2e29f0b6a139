"""`civic311 demo`: fill an empty database with believable Chicago requests."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from civic311.service_requests.demo import create_demo_requests
from civic311.service_requests.models import ServiceRequest


class Command(BaseCommand):
    help = "Fill an empty database with a few hundred believable requests with timelines."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--count", type=int, default=300)
        parser.add_argument("--days", type=int, default=120, help="spread over this many days")
        parser.add_argument("--seed", type=int, default=311)
        parser.add_argument("--force", action="store_true", help="add even if requests exist")

    def handle(self, *args, count: int, days: int, seed: int, force: bool, **options) -> None:
        if ServiceRequest.objects.exists() and not force:
            raise CommandError("the database already has requests; use --force to add more")
        with tqdm(
            total=count, desc="demo requests", unit="req", disable=options["verbosity"] == 0
        ) as bar:
            try:
                summary = create_demo_requests(
                    count=count, days=days, seed=seed, progress=lambda done: bar.update(1)
                )
            except RuntimeError as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(f"Created {summary.requests} demo requests with {summary.events} events.")
