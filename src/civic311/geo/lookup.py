"""Which ward a point is in: shapely's STRtree over the ward polygons, built once per process.

The index is rebuilt when wards are (re)loaded; `reset()` is called by the
loader so the same process sees new boundaries.
"""

from __future__ import annotations

import threading

from shapely import STRtree
from shapely.geometry import Point, shape

_lock = threading.Lock()
_index: tuple[STRtree, list[int]] | None = None


def _build() -> tuple[STRtree, list[int]]:
    from civic311.geo.models import Ward

    polygons, numbers = [], []
    for number, boundary in Ward.objects.filter(boundary__isnull=False).values_list(
        "number", "boundary"
    ):
        polygons.append(shape(boundary))
        numbers.append(number)
    return STRtree(polygons), numbers


def _tree() -> tuple[STRtree, list[int]]:
    global _index
    if _index is None:
        with _lock:
            if _index is None:
                _index = _build()
    return _index


def reset() -> None:
    """Forget the loaded boundaries; the next lookup reads them again."""
    global _index
    with _lock:
        _index = None


def has_boundaries() -> bool:
    """True when at least one ward boundary is loaded."""
    return bool(_tree()[1])


def ward_at(lat: float, long: float) -> int | None:
    """The number of the ward containing the point, or None when it is outside every ward."""
    tree, numbers = _tree()
    hits = tree.query(Point(long, lat), predicate="intersects")
    return numbers[int(min(hits))] if len(hits) else None
