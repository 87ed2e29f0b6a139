"""Confirmed points correcting the grid geocoder on their block (pure, no database)."""

import pytest

from civic311.geo.distance import metres_between
from civic311.geo.geocoding import Match, Precision
from civic311.geo.learning import Confirmed, corrected

GRID = Match(
    lat=41.90000, long=-87.65000, address="933 W Fullerton Ave", precision=Precision.ADDRESS
)


def grid(address: str, lat: float = 41.9, long: float = -87.65) -> Match:
    return Match(lat=lat, long=long, address=address, precision=Precision.ADDRESS)


def test_nothing_confirmed_changes_nothing():
    assert corrected(GRID, []) == GRID


def test_the_same_address_confirmed_answers_its_confirmed_point():
    points = [
        Confirmed(lat=41.90010, long=-87.65020, grid=grid("933 W Fullerton Ave")),
        Confirmed(lat=41.90030, long=-87.65040, grid=grid("933 W Fullerton Ave")),
        Confirmed(lat=41.90050, long=-87.65060, grid=grid("933 W Fullerton Ave")),
    ]
    fixed = corrected(GRID, points)
    assert (fixed.lat, fixed.long) == (41.90030, -87.65040)
    assert fixed.source == "civic311+confirmed"
    assert fixed.address == GRID.address and fixed.precision is Precision.ADDRESS


def test_neighbours_shift_the_grid_by_their_median_offset_same_side_first():
    points = [
        # 901 and 921 (odd, same side) were 30 m east of where the grid put them.
        Confirmed(
            lat=41.9, long=-87.6496 + 0.00036, grid=grid("901 W Fullerton Ave", 41.9, -87.6496)
        ),
        Confirmed(
            lat=41.9, long=-87.6498 + 0.00036, grid=grid("921 W Fullerton Ave", 41.9, -87.6498)
        ),
        # 940 is across the street: its offset is not used while same-side ones exist.
        Confirmed(
            lat=41.9 + 0.001, long=-87.6501, grid=grid("940 W Fullerton Ave", 41.9, -87.6501)
        ),
    ]
    fixed = corrected(GRID, points)
    # Two points against the grid's own "no offset" worth three: two fifths of 30 m.
    assert fixed.lat == pytest.approx(GRID.lat)
    assert fixed.long == pytest.approx(GRID.long + 0.00036 * 2 / 5)
    assert metres_between(GRID.lat, GRID.long, fixed.lat, fixed.long) == pytest.approx(12, abs=1)


def test_a_pin_blocks_away_is_not_a_correction():
    far = Confirmed(lat=41.91, long=-87.65, grid=grid("933 W Fullerton Ave"))  # 1.1 km north
    assert corrected(GRID, [far]) == GRID


def test_intersections_and_streets_are_not_corrected():
    corner = Match(lat=41.9, long=-87.65, address="N Clark St & W Division St",
                   precision=Precision.INTERSECTION)  # fmt: skip
    near = Confirmed(lat=41.9001, long=-87.65, grid=grid("N Clark St & W Division St"))
    assert corrected(corner, [near]) == corner


def test_metres_between_is_right_at_chicagos_latitude():
    # 0.001° of latitude is 111 m; of longitude at 41.9° N, 83 m.
    assert metres_between(41.9, -87.65, 41.901, -87.65) == pytest.approx(111.3, abs=0.5)
    assert metres_between(41.9, -87.65, 41.9, -87.649) == pytest.approx(82.9, abs=0.5)


def test_the_same_block_of_the_other_direction_is_not_used():
    # 800 N and 800 S Halsted share a street key and block, 2.5 km apart.
    south = Confirmed(lat=41.8715, long=-87.6472, grid=grid("801 S Halsted St", 41.8713, -87.6470))
    north = Match(
        lat=41.8966, long=-87.6476, address="801 N Halsted St", precision=Precision.ADDRESS
    )
    assert corrected(north, [south]) == north
