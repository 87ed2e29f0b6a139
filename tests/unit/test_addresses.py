"""Stored Chicago addresses and what operators type reduce to the same street key and block."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civic311.geo.addresses import AddressKey, address_key, block_of
from civic311.geo.chicago_grid import EAST_WEST, NORTH_SOUTH, address_near

COTTAGE_GROVE_700 = AddressKey(street="cottage grove", block=700)
SPOKEN = {"n": "north", "s": "south", "e": "east", "w": "west", "ave": "avenue", "st": "street"}


@pytest.mark.parametrize(
    "text",
    [
        "709 N Cottage Grove Ave, Chicago, IL",
        "709 N Cottage Grove Ave, Chicago, IL 60653",
        "709 north cottage grove avenue",
        "709 N. Cottage Grove",
        "709 N Cottage Grove Ave.",
        "  709   N   COTTAGE GROVE AVE ",
        "700 block of N Cottage Grove",
        "the 700 block of north cottage grove avenue",
        "709-711 N Cottage Grove Ave",
        "709 N Cottage Grove Ave Apt 2",
        "709 N Cottage Grove #3",
        "709 n cottage grove ave chicago il",
        "799 N Cottage Grove Ave",
    ],
)
def test_the_ways_a_caller_says_one_block_give_one_key(text):
    assert address_key(text) == COTTAGE_GROVE_700


@pytest.mark.parametrize(
    ("text", "street", "block"),
    [
        ("cottage grove", "cottage grove", None),
        ("Cottage Grove Ave", "cottage grove", None),
        ("121 N LaSalle St", "lasalle", 100),
        ("121 north la salle street", "lasalle", 100),
        ("1601 W North Ave, Chicago, IL", "north", 1600),
        ("north avenue", "north", None),
        ("800 W Chicago Ave, Chicago, IL", "chicago", 800),
        ("800 w chicago ave chicago il 60622", "chicago", 800),
        ("800 w chicago", "chicago", 800),
        ("1200 W 81st St", "81", 1200),
        ("81st street", "81", None),
        ("81 st", "81", None),
        ("3000 S St Louis Ave", "st louis", 3000),
        ("saint louis avenue", "st louis", None),
        ("1 E Madison St", "madison", 0),
        ("2800 N Diversey Pkwy", "diversey", 2800),
        ("5500 S Garfield Blvd", "garfield", 5500),
        ("4000 W Irving Park Rd", "irving park", 4000),
        ("1200 W O'Brien St", "obrien", 1200),
    ],
)
def test_direction_type_city_and_punctuation_are_dropped(text, street, block):
    assert address_key(text) == AddressKey(street=street, block=block)


@pytest.mark.parametrize("text", ["", "   ", "709", "Ave", "700 block of", ", Chicago, IL 60602"])
def test_text_that_names_no_street_has_no_key(text):
    assert address_key(text).street == ""


def test_a_house_number_is_on_its_hundred_block():
    assert [block_of(n) for n in (1, 99, 100, 709, 1200, 12345)] == [0, 0, 100, 700, 1200, 12300]


def test_other_blocks_and_streets_differ():
    assert address_key("1200 N Cottage Grove").block == 1200
    assert address_key("709 N Cottage Grove Ave").street != address_key("709 N Woodlawn").street


def test_every_street_of_the_demo_grid_gets_its_own_key():
    names = [name for _, name in EAST_WEST + NORTH_SOUTH]
    keys = {address_key(f"100 N {name}").street for name in names}
    assert "" not in keys and len(keys) == len(names)


@given(
    lat=st.floats(min_value=41.65, max_value=42.02),
    long=st.floats(min_value=-87.94, max_value=-87.53),
    east_west=st.booleans(),
)
def test_a_demo_address_and_its_spoken_form_share_a_key(lat, long, east_west):
    filed = f"{address_near(lat, long, on_east_west_street=east_west)}, Chicago, IL"
    spoken = filed.split(",")[0].lower()
    for short, long_form in SPOKEN.items():
        spoken = re.sub(rf"\b{short}\b", long_form, spoken)
    key = address_key(filed)
    assert key.street and key.block is not None
    assert address_key(spoken) == key


@given(st.text(max_size=300))
def test_any_text_gives_a_key_that_fits_the_column(text):
    key = address_key(text)
    assert len(key.street) <= 100 and key.street == key.street.strip()
    assert key.block is None or key.block >= 0
