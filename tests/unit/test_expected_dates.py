"""Which history sets a new request's expected date, and what residents are told about it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from civic311.stats.expected import (
    MIN_CLOSED,
    Basis,
    CloseTimes,
    Source,
    choose,
    expected_at,
    explain,
    summarize,
    whole_days,
)

FILED = dt.datetime(2025, 12, 1, 9, 30, tzinfo=dt.UTC)
QUICK_WARD = CloseTimes(closed=25, median_days=2.2, p90_days=5.1)
SLOW_CITY = CloseTimes(closed=400, median_days=6.0, p90_days=13.4)


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def test_a_ward_with_enough_history_sets_the_date_from_its_90th_percentile():
    basis = choose(ward=42, in_ward=QUICK_WARD, in_city=SLOW_CITY, target_days=7)
    assert basis == Basis(source=Source.WARD, days=6, ward=42, median_days=3, closed=25)
    assert expected_at(FILED, basis) == FILED + dt.timedelta(days=6)


def test_a_ward_with_too_little_history_falls_back_to_the_city():
    thin = CloseTimes(closed=MIN_CLOSED - 1, median_days=1.0, p90_days=1.0)
    basis = choose(ward=42, in_ward=thin, in_city=SLOW_CITY, target_days=7)
    assert basis is not None and basis.source is Source.CITY
    assert (basis.days, basis.median_days, basis.closed) == (14, 6, 400)


def test_too_little_history_anywhere_falls_back_to_the_catalogue_target():
    thin = CloseTimes(closed=MIN_CLOSED - 1, median_days=1.0, p90_days=1.0)
    basis = choose(ward=42, in_ward=None, in_city=thin, target_days=7)
    assert basis == Basis(source=Source.TARGET, days=7, ward=42)
    assert expected_at(FILED, basis) == FILED + dt.timedelta(days=7)


def test_no_history_and_no_target_means_no_expected_date():
    assert choose(ward=None, in_ward=None, in_city=None, target_days=None) is None
    assert expected_at(FILED, None) is None


def test_exactly_the_minimum_history_is_enough():
    enough = CloseTimes(closed=MIN_CLOSED, median_days=1.0, p90_days=2.0)
    assert choose(ward=3, in_ward=enough, in_city=None, target_days=9).source is Source.WARD


def test_close_times_are_summarised_as_median_and_90th_percentile():
    times = summarize([float(d) for d in range(20, 0, -1)])
    assert times.closed == 20
    assert times.median_days == pytest.approx(10.5)
    assert times.p90_days == pytest.approx(18.1)


@given(st.floats(min_value=0, max_value=3650, allow_nan=False))
def test_whole_days_round_up_so_within_n_days_stays_true(days):
    told = whole_days(days)
    assert told >= 1 and told >= days - 1e-6 and told - days < 1 + 1e-6


def test_a_figure_of_exactly_six_days_is_told_as_six():
    assert whole_days(6.0) == 6 and whole_days(5.0000000001) == 5 and whole_days(0.1) == 1


def test_the_basis_survives_the_round_trip_through_the_request_row():
    for basis in (
        Basis(source=Source.WARD, days=6, ward=42, median_days=3, closed=25),
        Basis(source=Source.CITY, days=14, ward=None, median_days=6, closed=400),
        Basis(source=Source.TARGET, days=7, ward=42),
    ):
        assert Basis.from_json(basis.as_json()) == basis
    assert Basis.from_json({}) is None and Basis.from_json(None) is None


def test_residents_read_where_a_learnt_date_came_from():
    ward = Basis(source=Source.WARD, days=6, ward=42, median_days=1, closed=25)
    assert explain(ward, "Pothole in Street") == (
        "In the last 12 months, 9 in 10 Pothole in Street requests in ward 42 were done "
        "within 6 days, most within 1 day."
    )
    city = Basis(source=Source.CITY, days=14, ward=42, median_days=6, closed=400)
    assert explain(city, "Pothole in Street") == (
        "In the last 12 months, 9 in 10 Pothole in Street requests across the city were done "
        "within 14 days, most within 6 days. Ward 42 has too few of them yet to go by."
    )


def test_residents_read_when_the_date_is_only_the_citys_target():
    assert explain(Basis(source=Source.TARGET, days=7), "Pothole in Street") == (
        "This is the city's target for Pothole in Street requests: 7 days."
    )
    assert explain(Basis(source=Source.TARGET, days=1), "Graffiti Removal") == (
        "This is the city's target for Graffiti Removal requests: 1 day."
    )
