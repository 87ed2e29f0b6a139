"""`civic311 setup`: everything a fresh checkout needs before `serve`. Safe to run again."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from civic311.catalog.models import Service
from civic311.service_requests.models import ServiceRequest


class Command(BaseCommand):
    help = "Migrate, load the Chicago catalogue and demo data when empty, and create an admin."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--catalog", default="chicago-2012")
        parser.add_argument("--no-demo", action="store_true")

    def handle(self, *args, catalog: str, no_demo: bool, **options) -> None:
        self.stdout.write("Migrating the database…")
        call_command("migrate", interactive=False, verbosity=0)
        if not Service.objects.exists():
            call_command("load_catalog", catalog, stdout=self.stdout)
        if not no_demo and not ServiceRequest.objects.exists():
            call_command("demo", stdout=self.stdout)
        # New requests take their expected dates from the history there is (none is fine).
        call_command("refresh_stats", stdout=self.stdout, verbosity=0)
        self._admin()
        self._demo_staff()

    def _admin(self) -> None:
        password_file = Path(settings.CIVIC311.data_path) / "admin-password.txt"
        users = get_user_model()
        if not users.objects.filter(is_superuser=True).exists():
            password = secrets.token_urlsafe(12)
            users.objects.create_superuser("admin", "admin@localhost", password)
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        base = settings.BASE_URL
        where = (
            f"password in {password_file}"
            if password_file.exists()
            else "the password you set for your superuser"
        )
        self.stdout.write(
            f"\nAdmin: {base}/admin/  user `admin`, {where}\n"
            f"Site:  {base}/    API: {base}/open311/discovery.json    Health: {base}/healthz\n"
        )

    def _demo_staff(self) -> None:
        """A few back-office logins for trying the system, passwords in var/."""
        from civic311.accounts.demo import create_demo_staff

        password_file = Path(settings.CIVIC311.data_path) / "staff-passwords.txt"
        created = create_demo_staff()
        if created:
            with password_file.open("a") as handle:
                for username, (password, what) in created.items():
                    handle.write(f"{username}\t{password}\t{what}\n")
            password_file.chmod(0o600)
        if password_file.exists():
            self.stdout.write(
                f"Staff: {settings.BASE_URL}/staff/  demo logins and passwords in {password_file}:"
            )
            for line in password_file.read_text().splitlines():
                username, password, what = line.split("\t")
                self.stdout.write(f"  {username:<12} {password:<18} {what}")
