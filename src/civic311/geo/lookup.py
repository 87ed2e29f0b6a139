"""Which ward and community area a point is in: shapely STRtrees, built once per process.

Each index is rebuilt when its boundaries are (re)loaded; `reset()` is called by the
loaders so the same process sees new boundaries.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import shapely
from django.db import models
from shapely import STRtree
from shapely.geometry import Point, shape


class _BoundaryIndex:
    """The polygons of one model's `boundary` field, keyed by the model's `number`."""

    def __init__(self, model_name: str) -> None:
        self._model_name = model_name
        self._lock = threading.Lock()
        self._index: tuple[STRtree, list[int]] | None = None

    def _model(self) -> type[models.Model]:
        from civic311.geo import models as geo_models

        return getattr(geo_models, self._model_name)

    def _build(self) -> tuple[STRtree, list[int]]:
        polygons, numbers = [], []
        rows = self._model()._default_manager.filter(boundary__isnull=False)
        for number, boundary in rows.values_list("number", "boundary"):
            polygons.append(shape(boundary))
            numbers.append(number)
        return STRtree(polygons), numbers

    def tree(self) -> tuple[STRtree, list[int]]:
        """The index, built on first use."""
        if self._index is None:
            with self._lock:
                if self._index is None:
                    self._index = self._build()
        return self._index

    def reset(self) -> None:
        """Forget the loaded boundaries; the next lookup reads them again."""
        with self._lock:
            self._index = None

    def number_at(self, lat: float, long: float) -> int | None:
        """The number of the area containing the point, or None when it is in none."""
        tree, numbers = self.tree()
        hits = tree.query(Point(long, lat), predicate="intersects")
        return numbers[int(min(hits))] if len(hits) else None

    def numbers_at(self, points: Sequence[tuple[float, float]]) -> list[int | None]:
        """`number_at` for many (lat, long) points in one vectorised query (imports use it)."""
        tree, numbers = self.tree()
        found: list[int | None] = [None] * len(points)
        if not points or not numbers:
            return found
        lats, longs = np.array(points, dtype=float).T
        inputs, hits = tree.query(shapely.points(longs, lats), predicate="intersects")
        # Several hits for one point (on a shared border): the lowest index, as number_at.
        for point, hit in sorted(zip(inputs.tolist(), hits.tolist(), strict=True), reverse=True):
            found[point] = numbers[hit]
        return found


_wards = _BoundaryIndex("Ward")
_community_areas = _BoundaryIndex("CommunityArea")


def reset() -> None:
    """Forget every loaded boundary; the next lookup reads them again."""
    _wards.reset()
    _community_areas.reset()


def has_boundaries() -> bool:
    """True when at least one ward boundary is loaded."""
    return bool(_wards.tree()[1])


def ward_at(lat: float, long: float) -> int | None:
    """The number of the ward containing the point, or None when it is outside every ward."""
    return _wards.number_at(lat, long)


def community_area_at(lat: float, long: float) -> int | None:
    """The number of the community area containing the point, or None outside them all."""
    return _community_areas.number_at(lat, long)


def wards_at(points: Sequence[tuple[float, float]]) -> list[int | None]:
    """The ward of each (lat, long) point, None where it is outside every ward."""
    return _wards.numbers_at(points)


def community_areas_at(points: Sequence[tuple[float, float]]) -> list[int | None]:
    """The community area of each (lat, long) point, None where it is outside them all."""
    return _community_areas.numbers_at(points)
