"""The one place civic311 asks what time it is, so tests and demo data can move time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    """The current time, timezone-aware in UTC."""
    return _frozen if _frozen is not None else dt.datetime.now(dt.UTC)


@contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[None]:
    """Within the block, now() answers `moment` (used by demo data to write history)."""
    global _frozen
    previous, _frozen = _frozen, moment
    try:
        yield
    finally:
        _frozen = previous
