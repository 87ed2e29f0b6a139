"""`civic311 run`: the site and an email worker together, as `make run` starts them.

Both run as child processes of this one (each a plain `civic311 serve` and
`civic311 worker`), so each can be stopped, restarted or scaled on its own in
production; here Ctrl-C (or SIGTERM) stops both, and if either stops by
itself the other is stopped too rather than left running half a system.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

STOP_GRACE_SECONDS = 15


class Command(BaseCommand):
    help = "Serve the whole site and run an email worker beside it; Ctrl-C stops both."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="web server processes")

    def handle(self, *args, host: str, port: int, workers: int, **options) -> None:
        # Migrate once here, so the worker never starts against missing tables.
        call_command("migrate", interactive=False, verbosity=0)
        civic311 = [sys.executable, "-m", "civic311.cli"]
        children = {
            "web server": subprocess.Popen(
                [*civic311, "serve", "--host", host, "--port", str(port), "--workers", str(workers)]
            ),
            "email worker": subprocess.Popen([*civic311, "worker"]),
        }
        stopping = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stopping.set())
        while not stopping.wait(0.2):
            ended = [name for name, child in children.items() if child.poll() is not None]
            if ended:
                break
        else:
            ended = []
        _stop_all(children)
        if ended:
            name = ended[0]
            raise CommandError(
                f"the {name} stopped by itself (exit code {children[name].returncode}), "
                "so everything was stopped; see its messages above."
            )
        self.stdout.write("civic311: web server and email worker stopped.")


def _stop_all(children: dict[str, subprocess.Popen]) -> None:
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children.values():
        try:
            child.wait(STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
