"""Tracking numbers in Chicago's form `YY-NNNNNNNN`, and a lenient reader of what people type.

Residents copy numbers from emails, receipts and phone calls: `#26-00001234`,
` 26-00001234 `, `2600001234` and a bare `00001234` (meaning this year) must
all find `26-00001234`, as Chicago's Service Tracker did.

Requests imported from the city's own system keep the city's numbers, `SR21-00000001`;
people type those loosely too (`SR21-1`, `sr2100000001`). An `SR` in front may also be a
habit carried over to a civic311 number, so both readings are offered.
"""

from __future__ import annotations

import re

_TYPED = re.compile(r"^(?:(?P<yy>\d{2})-?)?(?P<n>\d{8})$")
_CITY_TYPED = re.compile(r"^SR(?P<yy>\d{2})-?(?P<n>\d{1,8})$")


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


def parse_city_number(typed: str) -> str | None:
    """The city's own number (`SR21-00000001`) that `typed` means, or None when it cannot be one."""
    match = _CITY_TYPED.match(re.sub(r"[\s#]", "", typed or "").upper())
    if match is None or int(match["n"]) == 0:
        return None
    return f"SR{match['yy']}-{int(match['n']):08d}"


def numbers_meant(typed: str, *, current_year: int) -> list[str]:
    """Every stored number `typed` may mean, the likeliest first (empty when none)."""
    meant = [parse_city_number(typed), parse_tracking_number(typed, current_year=current_year)]
    return [number for number in meant if number is not None]
