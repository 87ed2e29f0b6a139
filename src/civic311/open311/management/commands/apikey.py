"""`civic311 apikey create NAME [--sandbox]`, `apikey list`, `apikey revoke PREFIX`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from civic311.core.errors import ValidationFailed
from civic311.open311 import services
from civic311.open311.models import ApiClient


class Command(BaseCommand):
    help = "Create, list or revoke Open311 API keys."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="make a key and print it (shown once)")
        create.add_argument("name", help="the app's name, e.g. 'Chicago Works'")
        create.add_argument("--email", default="", help="the developer's contact (private)")
        create.add_argument(
            "--sandbox", action="store_true", help="a key for /open311/sandbox/v2/ only"
        )
        actions.add_parser("list", help="list clients and their key prefixes")
        revoke = actions.add_parser("revoke", help="stop a key working")
        revoke.add_argument("prefix", help="the key, or its first characters as listed")

    def handle(self, *args, action: str, **options) -> None:
        if action == "create":
            self._create(options["name"], options["email"], options["sandbox"])
        elif action == "list":
            self._list()
        else:
            self._revoke(options["prefix"])

    def _create(self, name: str, email: str, sandbox: bool) -> None:
        try:
            client, secret = services.create_client(name=name, contact_email=email, sandbox=sandbox)
        except ValidationFailed as exc:
            raise CommandError(exc.message) from None
        where = "/open311/sandbox/v2/" if sandbox else "/open311/v2/"
        self.stderr.write(
            f"Created the {'sandbox' if sandbox else 'production'} key of {client.name} "
            f"for {where}. It is shown only now:"
        )
        self.stdout.write(secret)

    def _list(self) -> None:
        for client in ApiClient.objects.order_by("name", "id"):
            state = f"revoked {client.revoked_at:%Y-%m-%d}" if client.revoked_at else "active"
            kind = "sandbox" if client.is_sandbox else "production"
            self.stdout.write(f"{client.key_prefix}…  {kind:<10}  {state:<18}  {client.name}")

    def _revoke(self, prefix: str) -> None:
        prefix = prefix.strip()[:12]
        matches = list(ApiClient.objects.filter(key_prefix=prefix))
        if len(matches) != 1:
            found = "no key" if not matches else f"{len(matches)} keys"
            raise CommandError(f"{found} start with {prefix!r}; see `civic311 apikey list`.")
        services.revoke_client(client=matches[0])
        self.stdout.write(f"Revoked the key of {matches[0].name} ({prefix}…).")
