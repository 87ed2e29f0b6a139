"""The built-in Chicago geocoder: what people type lands where the city is, and back."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civic311.geo.geocoding import Precision, candidates, geocode, reverse
from civic311.geo.geocoding.chicago import city_spelling, street_map

CITY_HALL = (41.8837, -87.6325)
CLARK_AND_DIVISION = (41.9039, -87.6314)


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance between two nearby points, good to a metre at the city's scale."""
    dy = (a[0] - b[0]) * 111_132
    dx = (a[1] - b[1]) * 111_320 * math.cos(math.radians(a[0]))
    return math.hypot(dx, dy)


@pytest.mark.parametrize(
    "typed",
    [
        "121 N LaSalle St",
        "121 n lasalle",
        "121 North La Salle Street",
        "121 N. LaSalle St., Chicago IL 60602",
        "121 N LaSalle St #2",
        "121 N LaSalle St Apt 3",
        "  121   N  LASALLE  ST ",
    ],
)
def test_every_way_of_typing_city_hall_finds_city_hall(typed):
    match = geocode(typed)
    assert match is not None
    assert match.address == "121 N La Salle St"
    assert match.precision is Precision.ADDRESS
    assert metres((match.lat, match.long), CITY_HALL) < 60


@pytest.mark.parametrize("typed", ["Clark & Division", "Clark and Division", "clark/division"])
def test_two_crossing_streets_are_found_as_an_intersection(typed):
    match = geocode(typed)
    assert match is not None and match.precision is Precision.INTERSECTION
    assert match.address == "N Clark St & W Division St"
    assert metres((match.lat, match.long), CLARK_AND_DIVISION) < 30


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("3059 S Saint Louis Ave", "3059 S St Louis Ave"),
        ("2811 W 5th Ave", "2811 W Fifth Avenue"),
        ("9129A S Commercial Ave", "9129 S Commercial Ave"),
        ("4 N Wacker Lower Dr", "4 N Wacker Dr"),
        ("11751 S O", "11751 S Avenue O"),
    ],
)
def test_spellings_of_one_address_find_one_place(one, other):
    first, second = geocode(one), geocode(other)
    assert first is not None and first == second


@pytest.mark.parametrize(
    "typed", ["1 Nowhere St", "99999 W Fullerton Ave", "", ", Chicago, IL 60602"]
)
def test_what_names_no_chicago_place_is_not_found(typed):
    assert geocode(typed) is None


def test_a_number_without_direction_gives_each_street_it_may_mean():
    found = [match.address for match in candidates("100 Washington")]
    assert "100 W Washington St" in found and "100 E Washington St" in found


def test_a_typed_type_narrows_the_street_and_a_missing_one_does_not():
    assert [m.address for m in candidates("933 W Fullerton Ave")] == ["933 W Fullerton Ave"]
    assert geocode("933 fullerton").address == "933 W Fullerton Ave"


def test_even_numbers_are_west_of_a_north_south_street_and_odd_east():
    even, odd = geocode("2400 N Halsted St"), geocode("2401 N Halsted St")
    assert even.long < odd.long
    assert 20 < metres((even.lat, even.long), (odd.lat, odd.long)) < 45


def test_even_numbers_are_north_of_an_east_west_street():
    even, odd = geocode("1600 W Fullerton Ave"), geocode("1601 W Fullerton Ave")
    assert even.lat > odd.lat


def test_a_block_and_a_street_alone_are_found_with_that_precision():
    assert geocode("the 2400 block of N Halsted").precision is Precision.BLOCK
    street = geocode("Fullerton Ave")
    assert street.precision is Precision.STREET and street.address == "W Fullerton Ave"


def test_city_hall_reverses_to_its_street():
    match = reverse(*CITY_HALL)
    assert match is not None and match.address.endswith("N La Salle St")
    assert (match.lat, match.long) == CITY_HALL


def test_a_point_in_the_lake_has_no_address():
    assert reverse(41.88, -87.55) is None


def test_names_are_written_as_the_city_writes_them():
    assert city_spelling("S DR MARTIN LUTHER KING JR DR") == "S Dr Martin Luther King Jr Dr"
    assert city_spelling("W 79TH ST") == "W 79th St"
    assert city_spelling("N MCCORMICK BLVD") == "N McCormick Blvd"


@given(st.text(max_size=120))
def test_any_text_is_answered_without_error(text):
    found = candidates(text)
    assert all(-88.0 < m.long < -87.5 and 41.6 < m.lat < 42.1 for m in found)


def _numbered_streets():
    streets = [s for s in street_map().streets.values() if len(s.crossings) >= 4]
    return sorted(streets, key=lambda s: s.name)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_a_house_inside_a_street_lands_between_its_own_crossings(data):
    street = data.draw(st.sampled_from(_numbered_streets()))
    low, high = street.house_range()
    house = data.draw(st.integers(min_value=max(low, 1), max_value=max(high, 1)))
    match = geocode(f"{house} {street.name}")
    assert match is not None
    nearest = min(metres((match.lat, match.long), _degrees(c)) for c in street.crossings)
    span = max(
        metres(_degrees(a), _degrees(b))
        for a, b in zip(street.crossings, street.crossings[1:], strict=False)
    )
    assert nearest <= span + 60  # between two of its own crossings, not across town


def _degrees(crossing):
    from civic311.geo.geocoding.streets import to_degrees

    return to_degrees(crossing.x, crossing.y)
