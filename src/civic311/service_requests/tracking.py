"""Tracking numbers in Chicago's form `YY-NNNNNNNN`, and a lenient reader of what people type.

Residents copy numbers from emails, receipts and phone calls: `#26-00001234`,
` 26-00001234 `, `2600001234` and a bare `00001234` (meaning this year) must
all find `26-00001234`, as Chicago's Service Tracker did.
"""

from __future__ import annotations

import re

_TYPED = re.compile(r"^(?:(?P<yy>\d{2})-?)?(?P<n>\d{8})$")


def format_tracking_number(year: int, sequence: int) -> str:
    """`26-00001234` for the 1234th request of 2026."""
    if not 0 < sequence < 100_000_000:
        raise ValueError(f"sequence {sequence} does not fit in eight digits")
    return f"{year % 100:02d}-{sequence:08d}"


def parse_tracking_number(typed: str, *, current_year: int) -> str | None:
    """The canonical tracking number `typed` means, or None when it cannot be one."""
    cleaned = re.sub(r"[\s#]", "", typed or "").upper().removeprefix("SR")
    match = _TYPED.match(cleaned)
    if match is None:
        return None
    yy = match["yy"] if match["yy"] is not None else f"{current_year % 100:02d}"
    return f"{yy}-{match['n']}"
