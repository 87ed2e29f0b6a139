"""The in-process buffer of status checks seen by pages and the API, not yet written.

Adding to it takes a lock for a dictionary update: no database, no I/O, so the page that
counts never waits for a write. `services.flush` takes what is buffered and writes it.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

Key = tuple[dt.date, str]  # (day, channel)
SignedKey = tuple[dt.date, str, str]  # (day, channel, session key) of a browser with a session


class Tally:
    """Thread-safe counts by (day, channel), plus those still to check for a signed-in viewer."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[Key] = Counter()
        self._with_session: Counter[SignedKey] = Counter()

    def add(self, day: dt.date, channel: str, session_key: str = "") -> None:
        """Count one check; with a session key, it is dropped at flush if a staff member's."""
        with self._lock:
            if session_key:
                self._with_session[(day, channel, session_key)] += 1
            else:
                self._counts[(day, channel)] += 1

    def take(self) -> tuple[Counter[Key], Counter[SignedKey]]:
        """Everything buffered, leaving the tally empty."""
        with self._lock:
            taken = self._counts, self._with_session
            self._counts, self._with_session = Counter(), Counter()
        return taken

    def give_back(self, counts: Counter[Key], with_session: Counter[SignedKey]) -> None:
        """Put back what a failed write took, so nothing is lost."""
        with self._lock:
            self._counts.update(counts)
            self._with_session.update(with_session)

    def pending(self) -> int:
        """How many checks wait to be written (signed-in ones included)."""
        with self._lock:
            return sum(self._counts.values()) + sum(self._with_session.values())

    def clear(self) -> None:
        """Forget everything buffered (tests start from nothing)."""
        self.take()
