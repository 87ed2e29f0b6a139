"""The base map drawn when there are no tiles: how it is built, and the file we ship."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from shapely.geometry import Point, box, shape

import civic311
from civic311.geo import basemap
from tests.conftest import CITY_HALL, LAKE_MICHIGAN, WRIGLEY_FIELD

PACKAGE = Path(civic311.__file__).parent
SHIPPED = PACKAGE / "core/static/civic311/chicago-basemap.geojson"


@pytest.fixture(scope="module")
def shipped() -> dict:
    return json.loads(SHIPPED.read_text(encoding="utf-8"))


def _kind(collection: dict, kind: str) -> list[dict]:
    return [f for f in collection["features"] if f["properties"]["kind"] == kind]


# --- the shipped file ------------------------------------------------------------------


def test_the_shipped_base_map_is_small():
    assert SHIPPED.stat().st_size < 300 * 1024


def test_it_has_the_fifty_wards_each_with_its_number_inside_it(shipped):
    wards = _kind(shipped, "ward")
    assert sorted(f["properties"]["ward"] for f in wards) == list(range(1, 51))
    for ward in wards:
        lng, lat = ward["properties"]["label"]
        assert shape(ward["geometry"]).contains(Point(lng, lat)), ward["properties"]["ward"]


def test_city_hall_is_drawn_in_ward_42_and_wrigley_field_in_44(shipped):
    wards = {f["properties"]["ward"]: shape(f["geometry"]) for f in _kind(shipped, "ward")}
    assert wards[42].contains(Point(CITY_HALL[1], CITY_HALL[0]))
    assert wards[44].contains(Point(WRIGLEY_FIELD[1], WRIGLEY_FIELD[0]))


def test_the_outline_is_the_city_and_not_the_lake(shipped):
    (outline,) = _kind(shipped, "outline")
    city = shape(outline["geometry"])
    assert city.contains(Point(CITY_HALL[1], CITY_HALL[0]))
    assert city.contains(Point(WRIGLEY_FIELD[1], WRIGLEY_FIELD[0]))
    assert not city.contains(Point(LAKE_MICHIGAN[1], LAKE_MICHIGAN[0]))
    wards = [shape(f["geometry"]) for f in _kind(shipped, "ward")]
    # The wards tile the city: no ward sticks out of the outline, no gap opens between them.
    assert sum(w.area for w in wards) == pytest.approx(city.area, rel=0.001)


def test_the_major_streets_are_named_and_lie_in_the_city(shipped):
    streets = {f["properties"]["name"]: f for f in _kind(shipped, "street")}
    for name in ("State St", "Western Ave", "Fullerton Ave", "63rd St", "Milwaukee Ave"):
        assert name in streets
    assert len(streets) >= 60
    city = shape(_kind(shipped, "outline")[0]["geometry"]).buffer(0.005)  # about 500 m
    for name, street in streets.items():
        points = [p for line in street["geometry"]["coordinates"] for p in line]
        assert len(points) >= 2, name
        inside = sum(city.contains(Point(p)) for p in points)
        assert inside >= 0.95 * len(points), name


def test_grid_streets_run_straight_and_diagonals_diagonally(shipped):
    streets = {
        f["properties"]["name"]: f["geometry"]["coordinates"] for f in _kind(shipped, "street")
    }
    western = [p for line in streets["Western Ave"] for p in line]  # 2400 W, the whole city long
    assert max(p[0] for p in western) - min(p[0] for p in western) < 0.01
    assert max(p[1] for p in western) - min(p[1] for p in western) > 0.3
    fullerton = [p for line in streets["Fullerton Ave"] for p in line]  # 2400 N
    assert max(p[1] for p in fullerton) - min(p[1] for p in fullerton) < 0.005
    milwaukee = sorted(p for line in streets["Milwaukee Ave"] for p in line)
    west_end, east_end = milwaukee[0], milwaukee[-1]
    assert west_end[1] > east_end[1] + 0.1, "Milwaukee Ave runs north-west from downtown"


def test_the_shipped_file_is_what_the_builder_makes_from_the_shipped_data():
    built = basemap.build_file(
        PACKAGE / "catalog/catalogs/chicago/wards-2015.geojson",
        PACKAGE / "geo/data/chicago-intersections.csv.gz",
    )
    assert built == SHIPPED.read_text(encoding="utf-8"), "run scripts/build_basemap.py"


def test_it_carries_its_sources(shipped):
    assert "City of Chicago" in shipped["attribution"]
    assert "MIT" in shipped["sources"] and "terms of use" in shipped["sources"]


# --- building it ------------------------------------------------------------------------


def test_crossings_come_out_in_order_along_a_diagonal_street():
    line = [(-87.70 + i * 0.002, 41.90 - i * 0.0015) for i in range(20)]
    shuffled = random.Random(7).sample(line, len(line))
    ordered = basemap.along_street(shuffled)
    assert ordered in (line, line[::-1])


def test_a_spike_is_dropped_but_a_real_bend_is_kept():
    straight = [(-87.70 + i * 0.002, 41.90) for i in range(5)]
    spiked = [*straight[:2], (-87.697, 41.91), *straight[2:]]  # a stub 1 km off the street
    assert basemap.without_spikes(spiked) == straight
    bend = [(-87.70, 41.90), (-87.69, 41.90), (-87.69, 41.91)]
    assert basemap.without_spikes(bend) == bend


def test_crossings_that_wobble_across_the_road_are_drawn_as_one_line():
    wobbly = [(-87.70 + i * 0.0012, 41.7359 if i % 3 else 41.7363) for i in range(12)]
    middle = basemap.smoothed(wobbly)[1:-1]
    assert {lat for _long, lat in middle} == {41.7359}


def test_a_street_interrupted_by_a_park_is_drawn_in_two_pieces():
    north = [(-87.68, 41.90 + i * 0.002) for i in range(4)]
    south = [(-87.68, 41.80 + i * 0.002) for i in range(4)]
    pieces = basemap.split_at_gaps(south + north, max_gap_m=2000)
    assert pieces == [south, north]


def test_a_street_missing_from_the_intersections_is_named_in_the_error():
    street = basemap.Street("Nowhere St", ("W NOWHERE ST",))
    with pytest.raises(ValueError, match="Nowhere St"):
        basemap.street_lines(street, {"N STATE ST": [(-87.62, 41.9)]})


def test_build_makes_outline_wards_and_streets_from_small_inputs():
    wards = {
        "type": "FeatureCollection",
        "features": [
            {
                "properties": {"District_N": "2"},
                "geometry": box(-87.7, 41.8, -87.6, 41.9).__geo_interface__,
            },
            {
                "properties": {"District_N": "1"},
                "geometry": box(-87.6, 41.8, -87.5, 41.9).__geo_interface__,
            },
        ],
    }
    rows = [
        {
            "street_1": "N TEST AVE",
            "street_2": f"W CROSS {i} ST",
            "longitude": "-87.65",
            "latitude": f"{41.81 + i * 0.01}",
        }
        for i in range(5)
    ]
    built = basemap.build(
        wards, rows, streets=[basemap.Street("Test Ave", ("N TEST AVE",), rank=2)]
    )
    (outline,) = _kind(built, "outline")
    assert shape(outline["geometry"]).area == pytest.approx(0.02, rel=0.01)
    assert [f["properties"]["ward"] for f in _kind(built, "ward")] == [1, 2]
    (street,) = _kind(built, "street")
    assert street["properties"] == {"kind": "street", "name": "Test Ave", "rank": 2}
    assert street["geometry"]["coordinates"] == [[[-87.65, 41.81], [-87.65, 41.85]]]
