"""Medians and percentiles of a list of numbers. Pure: no database.

The method is linear interpolation between the two nearest ranks, the one
PostgreSQL's `percentile_cont`, numpy's default and Excel's `PERCENTILE.INC`
use: for sorted values v[0..n-1] and a fraction q in [0, 1], the position is
h = q·(n-1); the answer is v[⌊h⌋] + (h-⌊h⌋)·(v[⌊h⌋+1] - v[⌊h⌋]). So a
direct SQL computation on PostgreSQL (`percentile_cont(q) WITHIN GROUP
(ORDER BY x)`) gives the same number, which is how tests check the pages.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence


def percentile_of_sorted(values: Sequence[float], q: float) -> float:
    """The q-quantile (0 ≤ q ≤ 1) of `values`, which must be sorted ascending and non-empty."""
    if not values:
        raise ValueError("a percentile needs at least one value")
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must be between 0 and 1, not {q}")
    position = q * (len(values) - 1)
    below = math.floor(position)
    above = min(below + 1, len(values) - 1)
    fraction = position - below
    low, high = values[below], values[above]
    if fraction == 0 or low == high:
        return float(low)
    # Written as a weighted sum so the answer never leaves [low, high] by rounding.
    return min(max(low + fraction * (high - low), low), high)


def percentile(values: Iterable[float], q: float) -> float:
    """The q-quantile (0 ≤ q ≤ 1) of `values` in any order, by linear interpolation."""
    return percentile_of_sorted(sorted(values), q)


def median(values: Iterable[float]) -> float:
    """The middle value (the mean of the two middle ones for an even count)."""
    return percentile(values, 0.5)
