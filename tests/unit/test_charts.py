"""The server-drawn SVG charts of /performance/: shading rules, shapes and what they say."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from civic311.public import charts

values = st.lists(st.floats(min_value=0, max_value=400, allow_nan=False), min_size=1, max_size=60)


@given(values)
def test_every_value_gets_a_shade_and_a_larger_value_never_a_lighter_one(numbers):
    shades = charts.shades_for(numbers)
    assert 1 <= len(shades) <= len(charts.SHADES)
    order = [charts.SHADES.index(charts.colour_of(v, shades)) for v in sorted(numbers)]
    assert order == sorted(order)
    assert shades[0].low == min(numbers) and shades[-1].high == max(numbers)


def test_missing_values_are_grey_not_a_shade():
    assert charts.colour_of(None, charts.shades_for([1.0, 2.0])) == charts.NO_DATA


def test_the_ward_map_draws_all_50_wards_with_their_numbers_and_values():
    svg = charts.ward_map(
        {1: 2.5, 2: None, 42: 9.0}, title="Median days", describe="Darker is slower", unit="days"
    )
    assert sorted(int(n) for n in re.findall(r'data-ward="(\d+)"', svg)) == list(range(1, 51))
    assert "<title>Ward 42: 9 days</title>" in svg
    assert "<title>Ward 2: no data</title>" in svg
    assert 'role="img"' in svg and '<desc id="ward-map-desc">Darker is slower</desc>' in svg


def test_chart_words_are_escaped():
    svg = charts.opened_and_closed([charts.Period("<b>", 1, 0)], title="A & B", describe='"quoted"')
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "A &amp; B" in svg


def test_bars_are_as_tall_as_their_counts():
    svg = charts.opened_and_closed(
        [charts.Period("W1", 10, 5), charts.Period("W2", 0, 20)], title="t", describe="d"
    )
    heights = {
        (label, word): float(h)
        for h, label, count, word in re.findall(
            r'height="([\d.]+)"[^>]*><title>(\w+): (\d+) (opened|closed)</title>', svg
        )
    }
    assert heights[("W2", "opened")] == 0
    assert heights[("W1", "opened")] * 2 == heights[("W2", "closed")]
    assert heights[("W1", "closed")] * 4 == heights[("W2", "closed")]
