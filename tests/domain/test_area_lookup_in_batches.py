"""Looking up many points at once (as imports do) gives what one point at a time gives."""

import csv
from pathlib import Path

import pytest

from civic311.geo import lookup

pytestmark = pytest.mark.django_db
ADDRESSES = Path(__file__).resolve().parents[2].parent / "shared/data/chicago/addresses_400.csv"


def test_wards_and_community_areas_of_many_points_match_the_one_point_lookup(chicago):
    points = [
        (float(row["latitude"]), float(row["longitude"]))
        for row in csv.DictReader(ADDRESSES.open(encoding="utf-8"))
    ]
    points.append((41.88, -87.55))  # Lake Michigan: in no ward

    assert lookup.wards_at(points) == [lookup.ward_at(*p) for p in points]
    assert lookup.community_areas_at(points) == [lookup.community_area_at(*p) for p in points]
    assert lookup.wards_at(points)[-1] is None
    assert lookup.wards_at([]) == []
