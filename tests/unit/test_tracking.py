import pytest
from hypothesis import given
from hypothesis import strategies as st

from civic311.service_requests.tracking import (
    format_tracking_number,
    numbers_meant,
    parse_city_number,
    parse_tracking_number,
)


def test_format_is_chicagos_two_digit_year_and_eight_digits():
    assert format_tracking_number(2026, 1234) == "26-00001234"
    assert format_tracking_number(2013, 983453) == "13-00983453"


def test_format_refuses_numbers_that_do_not_fit():
    with pytest.raises(ValueError):
        format_tracking_number(2026, 100_000_000)
    with pytest.raises(ValueError):
        format_tracking_number(2026, 0)


@pytest.mark.parametrize(
    "typed",
    [
        "26-00001234",
        "#26-00001234",
        " 26-00001234 ",
        "2600001234",
        "00001234",
        "# 26-00001234",
        "sr26-00001234",
    ],
)
def test_every_way_people_type_a_number_finds_it(typed):
    assert parse_tracking_number(typed, current_year=2026) == "26-00001234"


def test_eight_bare_digits_mean_this_year():
    assert parse_tracking_number("00001234", current_year=2027) == "27-00001234"


@pytest.mark.parametrize("typed", ["", "hello", "26-1234", "123", "26-000012345", "2-00001234"])
def test_things_that_are_not_numbers_are_refused(typed):
    assert parse_tracking_number(typed, current_year=2026) is None


@given(st.integers(min_value=2000, max_value=2099), st.integers(min_value=1, max_value=99_999_999))
def test_a_formatted_number_always_parses_back_to_itself(year, sequence):
    number = format_tracking_number(year, sequence)
    assert parse_tracking_number(number, current_year=2026) == number
    assert parse_tracking_number(f"#{number.replace('-', '')}", current_year=2026) == number


@given(st.text())
def test_the_parser_never_crashes_on_anything_typed(typed):
    result = parse_tracking_number(typed, current_year=2026)
    assert result is None or (len(result) == 11 and result[2] == "-")


@pytest.mark.parametrize("typed", ["SR21-00000001", "SR21-1", "sr2100000001", " #sr21-0001 "])
def test_the_citys_own_numbers_are_read_however_they_are_typed(typed):
    assert parse_city_number(typed) == "SR21-00000001"


@pytest.mark.parametrize("typed", ["21-00000001", "SR21-", "SR21-000000001", "SR21-0", "SRX1-1"])
def test_what_is_not_a_city_number_is_refused(typed):
    assert parse_city_number(typed) is None


def test_an_sr_prefix_may_mean_either_number_and_the_citys_comes_first():
    assert numbers_meant("sr26-00001234", current_year=2026) == ["SR26-00001234", "26-00001234"]
    assert numbers_meant("26-00001234", current_year=2026) == ["26-00001234"]
    assert numbers_meant("hello", current_year=2026) == []
