"""Run the real `civic311` command against the test database from a test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

# The installed console script when there is one (it is what operators run).
_SCRIPT = Path(sys.executable).with_name("civic311")
CIVIC311 = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "civic311.cli"]


def test_database_url() -> str:
    """A URL for the database this test runs on, so a subprocess sees the same rows.

    Tests that use it need django_db(transaction=True): rows must be committed to be seen.
    """
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


def civic311_env(**settings: str) -> dict[str, str]:
    """The environment for a civic311 subprocess on the test database, plus `settings`."""
    from django.conf import settings as django_settings

    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVIC311_")}
    env.update(
        {
            "CIVIC311_ENV": "test",
            "CIVIC311_DATA_DIR": str(django_settings.CIVIC311.data_path),
            "CIVIC311_DATABASE_URL": test_database_url(),
            "CIVIC311_BASE_URL": django_settings.BASE_URL,
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(settings)
    return env


def civic311(*args: str, **settings: str) -> subprocess.Popen:
    """Start `civic311 ARGS…` (the real console entry point) on the test database."""
    return subprocess.Popen(
        [*CIVIC311, *args],
        env=civic311_env(**settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
