"""Writes of the status-check count.

Two ways in. `note_check` is for the tracker page and the API: it only adds to this
process's in-memory tally (no database on the page's request path); a background thread
writes the tally every few seconds (`CIVIC311_STATUS_CHECK_FLUSH_SECONDS`), and the process
writes what is left when it exits. `record_check` is for staff lookups: written at once,
since the back office is not a hot path and the count is expected on the next page.
Both end in the same upsert, `count = count + n`, so concurrent processes never lose one.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
import threading
from collections import Counter

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from civic311.accounts.selectors import signed_in_sessions
from civic311.core import clock
from civic311.status_checks import channels
from civic311.status_checks.models import StatusCheck
from civic311.status_checks.tally import Tally

logger = logging.getLogger(__name__)

_TALLY = Tally()
_FLUSHING = threading.Lock()  # one write of the tally at a time in a process


def _today() -> dt.date:
    return timezone.localdate(clock.now())


def _check_channel(channel: str) -> None:
    if channel not in channels.ALL:
        raise ValueError(f"unknown status-check channel {channel!r}")


def _add(day: dt.date, channel: str, n: int) -> None:
    table = StatusCheck._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, channel, count) VALUES (%s, %s, %s) "
            f"ON CONFLICT (day, channel) DO UPDATE SET count = {table}.count + EXCLUDED.count",
            [day, channel, n],
        )


def record_check(*, channel: str) -> None:
    """Count one status check answered today (city time) through `channel`, written now."""
    _check_channel(channel)
    with transaction.atomic():
        _add(_today(), channel, 1)


def note_check(*, channel: str, session_key: str = "") -> None:
    """Count one status check today through `channel`, in memory; written later by `flush`.

    `session_key` is the viewer's session cookie, if any: at flush, a session with a
    signed-in user (city staff; residents have no accounts) is not counted. Never blocks
    on the database.
    """
    _check_channel(channel)
    _TALLY.add(_today(), channel, session_key)
    _ensure_writer()


def flush() -> int:
    """Write every buffered check to the database; return how many were counted.

    Checks from a staff member's browser are dropped here. If the write fails, the checks
    go back into the tally for the next try, and the error is raised.
    """
    with _FLUSHING:
        counts, with_session = _TALLY.take()
        if not counts and not with_session:
            return 0
        try:
            staff = signed_in_sessions({key for _day, _channel, key in with_session})
            total: Counter[tuple[dt.date, str]] = Counter(counts)
            for (day, channel, key), n in with_session.items():
                if key not in staff:
                    total[(day, channel)] += n
            with transaction.atomic():
                for (day, channel), n in sorted(total.items()):
                    _add(day, channel, n)
        except Exception:
            _TALLY.give_back(counts, with_session)
            raise
        return sum(total.values())


def pending() -> int:
    """How many checks this process has counted but not yet written."""
    return _TALLY.pending()


def discard_pending() -> None:
    """Forget this process's unwritten checks (tests start each case from nothing)."""
    _TALLY.clear()


# --- the background writer ----------------------------------------------------------


class _Writer:
    """A daemon thread that flushes the tally every `every` seconds, in one process."""

    def __init__(self, every: float) -> None:
        self.every = every
        self.pid = os.getpid()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="status-check-writer", daemon=True)

    def _run(self) -> None:
        while not self.stopping.wait(self.every):
            _flush_quietly()


_writer: _Writer | None = None
_writer_lock = threading.Lock()


def _ensure_writer() -> None:
    """Start this process's writer on its first check (after a fork: the child's own)."""
    global _writer
    if _writer is not None and _writer.pid == os.getpid():
        return
    every = settings.CIVIC311.effective_status_check_flush_seconds
    if every <= 0:
        return
    with _writer_lock:
        if _writer is None or _writer.pid != os.getpid():
            _writer = _Writer(every)
            _writer.thread.start()
            atexit.register(flush_at_exit)


def _flush_quietly() -> None:
    try:
        flush()
    except Exception:
        logger.exception("status checks not written; kept for the next try")
    finally:
        connections.close_all()  # this thread's connections only


def flush_at_exit() -> None:
    """Stop the writer and write what is left (process exit, gunicorn's worker_exit)."""
    if _writer is not None and _writer.pid == os.getpid():
        _writer.stopping.set()
    if _TALLY.pending():
        _flush_quietly()
