"""`civic311 serve`: migrate if needed, then serve the whole site with gunicorn."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from gunicorn.app.base import BaseApplication

from civic311.core import site
from civic311.geo.geocoding.chicago import street_map
from civic311.wsgi import application


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return application


def refresh_planner_statistics() -> None:
    """Give SQLite's query planner statistics (PostgreSQL's autovacuum keeps its own).

    Without any, SQLite guesses from index shapes alone: at a million requests it read
    the public list through (service, status, lat), a whole service's history per page,
    instead of (service, requested): 3 pages a second instead of hundreds (see
    docs/performance.md). A sampled ANALYZE takes milliseconds.
    """
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("ANALYZE")


def write_status_checks(server, worker) -> None:
    """gunicorn's worker_exit hook: a stopping worker writes the status checks it counted."""
    from civic311.status_checks.services import flush_at_exit

    flush_at_exit()


class Command(BaseCommand):
    help = "Serve the API, resident site, back office and admin on one port."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args, host: str, port: int, workers: int, threads: int, **options) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        refresh_planner_statistics()
        # Before the workers fork: they share the streets, and no request waits a second
        # for the geocoder to load them.
        street_map()
        # Emails, discovery and media links follow this server in development (core/site.py).
        site.record_served_at(host, port)
        self.stdout.write(f"civic311 serving on http://{host}:{port}/ (Ctrl-C stops it)")
        _Gunicorn(
            {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "accesslog": "-",
                "timeout": 60,
                "graceful_timeout": 10,
                # gunicorn's control socket is one path per user ($HOME/.gunicorn/gunicorn.ctl):
                # with several servers on a machine (tests, benchmarks) the last one takes it
                # and its commands reach the wrong server. civic311 does not use it.
                "control_socket_disable": True,
                # Tracker pages and API lookups are counted in memory (status_checks): a
                # worker that stops, or is recycled, writes what it holds first.
                "worker_exit": write_status_checks,
            }
        ).run()
