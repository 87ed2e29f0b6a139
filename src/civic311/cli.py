"""The `civic311` console script: one entry point over Django's management commands.

Commands are spelled with hyphens (`civic311 load-catalog chicago-2012`);
Django's own commands (`migrate`, `createsuperuser`, `shell`…) work too.
A configuration or database problem ends with one sentence and exit code 2,
never a traceback.
"""

from __future__ import annotations

import os
import sys

from civic311 import config

USAGE = """usage: civic311 COMMAND [options]

  setup                    migrate, load the Chicago catalogue and demo data, create an admin
  run [--host H] [--port P]
                           serve the site and send its emails (what `make run` does)
  serve [--host H] [--port P] [--workers N]
                           serve the whole site (migrates first)
  worker [--once]          send queued emails (--once: what is due now, then exit)
  check-email ADDRESS      send a test email now and say exactly what failed
  overdue-reminders        queue today's overdue-requests email to supervisors (the worker
                           does it daily by itself; once a day, however often it runs)
  load-catalog NAME|FILE   load a service catalogue (built in: chicago-2012)
  load-wards FILE [--number-property NAME]
                           load ward boundaries from GeoJSON
  load-ward-offices FILE   load aldermen and ward-office contacts from CSV
  demo [--count N]         fill an empty database with believable requests
  apikey create NAME [--sandbox] [--email E]
                           make an Open311 API key and print it (shown once)
  apikey list | apikey revoke PREFIX
                           list API clients, or stop a key working
  geocode-backfill [--batch 500]
                           place stored requests that lack a point or an address
  import chicago-open-data|open311-harvest FILE [--rejects PATH]
                           take in a city's history: its open-data CSV or an Open311 harvest
  purge-sandbox [--days 7] delete old test requests filed through the API sandbox
  export [--format csv|geojson|ndjson] [--out DIR]
                           write the open-data files: today's full file and the changes
  refresh-stats            recompute each service's close times per ward (daily; the worker
                           also does it once a day), which set new requests' expected dates
  migrate, createsuperuser, shell, …  Django's own commands

Settings are CIVIC311_* environment variables; see the README.
"""

# Commands that need no database (so a broken database URL does not block them).
_NO_DATABASE = {"help", "version", "check", "makemigrations", "compilemessages", "makemessages"}


def main(argv: list[str] | None = None) -> int:
    """Run one civic311 command; return the process exit code."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic311.settings")
    try:
        settings = config.load()
    except config.ConfigError as exc:
        return _fail(str(exc))
    settings.data_path.mkdir(parents=True, exist_ok=True)

    import django
    from django.core.management import execute_from_command_line

    django.setup()
    command = argv[0].replace("-", "_")
    if command not in _NO_DATABASE:
        problem = database_problem()
        if problem:
            return _fail(problem)
    try:
        execute_from_command_line(["civic311", command, *argv[1:]])
    except KeyboardInterrupt:
        return 130
    return 0


def database_problem() -> str | None:
    """One sentence saying why the database cannot be reached, or None when it can."""
    from django.conf import settings
    from django.db import DatabaseError, connection

    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        where = _redacted(settings.CIVIC311.effective_database_url)
        return f"cannot connect to the database at {where} ({reason}); check CIVIC311_DATABASE_URL."
    return None


def _redacted(url: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _fail(sentence: str) -> int:
    print(f"civic311: {sentence}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
