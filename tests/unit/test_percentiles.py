"""Medians and percentiles by linear interpolation (PostgreSQL's percentile_cont)."""

from __future__ import annotations

import numpy
import pytest
from hypothesis import given
from hypothesis import strategies as st

from civic311.stats.percentiles import median, percentile, percentile_of_sorted

numbers = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
samples = st.lists(numbers, min_size=1, max_size=60)
fractions = st.floats(min_value=0.0, max_value=1.0)


def test_the_median_of_an_odd_count_is_the_middle_value():
    assert median([9, 1, 5]) == 5


def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two():
    assert median([4, 1, 3, 2]) == 2.5


def test_the_90th_percentile_interpolates_between_neighbouring_ranks():
    # 1..10: position 0.9 * 9 = 8.1, between 9 and 10.
    assert percentile(range(1, 11), 0.9) == pytest.approx(9.1)
    # 20 values 1..20: position 17.1, between the 18th and the 19th.
    assert percentile(range(1, 21), 0.9) == pytest.approx(18.1)


def test_one_value_is_every_percentile():
    assert percentile([7], 0.0) == percentile([7], 0.9) == percentile([7], 1.0) == 7


def test_empty_lists_and_fractions_outside_zero_to_one_are_refused():
    with pytest.raises(ValueError, match="at least one"):
        percentile([], 0.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        percentile([1, 2], 90)


@given(samples, fractions, fractions)
def test_a_percentile_never_falls_as_q_rises(values, q1, q2):
    low, high = sorted((q1, q2))
    assert percentile(values, low) <= percentile(values, high)


@given(samples, fractions)
def test_a_percentile_lies_between_the_smallest_and_largest_value(values, q):
    assert min(values) <= percentile(values, q) <= max(values)


@given(samples)
def test_at_q_k_over_n_minus_1_the_percentile_is_the_kth_sorted_value(values):
    ordered = sorted(values)
    n = len(ordered)
    for k in range(n):
        q = k / (n - 1) if n > 1 else 0.0
        assert percentile_of_sorted(ordered, q) == pytest.approx(ordered[k], abs=1e-9)


@given(samples, fractions)
def test_the_order_of_the_values_does_not_matter(values, q):
    assert percentile(values, q) == percentile(list(reversed(values)), q)


@given(samples, fractions)
def test_it_agrees_with_numpys_linear_method(values, q):
    expected = float(numpy.quantile(numpy.array(values), q, method="linear"))
    assert percentile(values, q) == pytest.approx(expected, rel=1e-9, abs=1e-6)
