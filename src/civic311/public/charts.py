"""Charts drawn on the server as SVG: no JavaScript, no tiles, and they print.

Each chart is a picture with a title and a short description for screen
readers; the numbers themselves are always in a table beside it (the page's
job), so nothing is only in the picture. Pure: numbers in, markup out.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BASEMAP = Path(__file__).resolve().parents[1] / "core/static/civic311/chicago-basemap.geojson"
# A sequential blue scale that stays readable in grey and for colour-blind readers.
SHADES = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
NO_DATA = "#e5e7eb"
OPENED_COLOUR = "#6b7280"
CLOSED_COLOUR = "#1d4ed8"

Ring = list[tuple[float, float]]


@dataclass(frozen=True)
class Period:
    """One bar group: a period's label and its requests opened and closed."""

    label: str
    opened: int
    closed: int


@dataclass(frozen=True)
class Shade:
    """One class of the map's legend: the colour and the values it covers."""

    colour: str
    low: float
    high: float

    @property
    def level(self) -> int:
        """0 (lightest) to 4 (darkest), for the legend's stylesheet class."""
        return SHADES.index(self.colour)


@functools.cache
def _ward_features() -> tuple[dict, ...]:
    """The shipped base map's ward features, read once per process."""
    features = json.loads(BASEMAP.read_text())["features"]
    return tuple(f for f in features if f["properties"].get("kind") == "ward")


@functools.cache
def ward_labels() -> dict[int, tuple[float, float]]:
    """Where each ward's number is written (a point well inside it), from the base map."""
    return {f["properties"]["ward"]: tuple(f["properties"]["label"]) for f in _ward_features()}


@functools.cache
def ward_shapes() -> dict[int, list[Ring]]:
    """Each ward's outer rings (longitude, latitude), from the shipped base map."""
    shapes: dict[int, list[Ring]] = {}
    for feature in _ward_features():
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        shapes[feature["properties"]["ward"]] = [
            [(x, y) for x, y in polygon[0]] for polygon in polygons
        ]
    return shapes


def shades_for(values: Sequence[float]) -> list[Shade]:
    """Up to five classes holding about equal numbers of the values (quantile classes)."""
    ordered = sorted(values)
    if not ordered:
        return []
    lows = sorted({ordered[len(ordered) * i // len(SHADES)] for i in range(len(SHADES))})
    highs = [*lows[1:], ordered[-1]]
    last = len(lows) - 1
    # Fewer classes than colours (few distinct values) still span light to dark.
    picks = [round(i * (len(SHADES) - 1) / last) if last else 2 for i in range(len(lows))]
    return [
        Shade(colour=SHADES[pick], low=low, high=high)
        for pick, low, high in zip(picks, lows, highs, strict=True)
    ]


def colour_of(value: float | None, shades: Sequence[Shade]) -> str:
    """The legend colour a value falls in (the last class whose low it reaches)."""
    if value is None or not shades:
        return NO_DATA
    chosen = shades[0].colour
    for shade in shades:
        if value >= shade.low:
            chosen = shade.colour
    return chosen


def ward_map(
    values: Mapping[int, float | None], *, title: str, describe: str, unit: str
) -> SafeString:
    """The 50 wards shaded by `values` (ward → number), each with its number and a tooltip."""
    shapes = ward_shapes()
    shades = shades_for([v for v in values.values() if v is not None])
    project = _city_projection()
    paths = []
    for number, rings in sorted(shapes.items()):
        value = values.get(number)
        words = f"Ward {number}: " + (f"{value:g} {unit}" if value is not None else "no data")
        d = " ".join(_ring_path(ring, project) for ring in rings)
        paths.append(
            f'<path d="{d}" fill="{colour_of(value, shades)}" stroke="#ffffff" '
            f'stroke-width="1" data-ward="{number}"><title>{escape(words)}</title></path>'
        )
    for number, point in sorted(ward_labels().items()):
        x, y = project(point)
        dark = colour_of(values.get(number), shades) in SHADES[3:]
        paths.append(
            f'<text x="{x:.1f}" y="{y + 3:.1f}" text-anchor="middle" font-size="9" '
            f'fill="{"#ffffff" if dark else "#1b1f24"}" aria-hidden="true">{number}</text>'
        )
    svg = (
        f'<svg class="chart ward-map" viewBox="0 0 {project.width:.0f} {project.height:.0f}" '
        f'role="img" aria-labelledby="ward-map-title ward-map-desc" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="ward-map-title">{escape(title)}</title>'
        f'<desc id="ward-map-desc">{escape(describe)}</desc>{"".join(paths)}</svg>'
    )
    return mark_safe(svg)  # every text in it went through escape()


def legend_of(values: Mapping[int, float | None]) -> list[Shade]:
    """The classes the ward map uses for these values, for the legend under it."""
    return shades_for([v for v in values.values() if v is not None])


def opened_and_closed(
    periods: Sequence[Period], *, title: str, describe: str, ids: str = "bars"
) -> SafeString:
    """Side-by-side bars of requests opened and closed in each period, with a y scale;
    `ids` prefixes the title's and description's ids (several charts on one page)."""
    width, height, left, bottom, top = 640.0, 260.0, 44.0, 36.0, 12.0
    highest = max([p.opened for p in periods] + [p.closed for p in periods] + [1])
    step = _nice_step(highest)
    ceiling = step * math.ceil(highest / step)
    plot_h = height - bottom - top
    slot = (width - left) / max(len(periods), 1)
    bar = slot * 0.38

    def y(value: float) -> float:
        return top + plot_h * (1 - value / ceiling)

    parts = []
    for tick in range(0, int(ceiling) + 1, int(step)):
        parts.append(
            f'<line x1="{left}" x2="{width}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="#e5e7eb"/><text x="{left - 6}" y="{y(tick) + 4:.1f}" '
            f'text-anchor="end" font-size="11">{tick}</text>'
        )
    label_every = max(1, math.ceil(len(periods) / 8))
    for i, period in enumerate(periods):
        x = left + i * slot + slot * 0.1
        for offset, count, colour, word in (
            (0.0, period.opened, OPENED_COLOUR, "opened"),
            (bar, period.closed, CLOSED_COLOUR, "closed"),
        ):
            parts.append(
                f'<rect x="{x + offset:.1f}" y="{y(count):.1f}" width="{bar:.1f}" '
                f'height="{y(0) - y(count):.1f}" fill="{colour}" class="bar-{word}">'
                f"<title>{escape(period.label)}: {count} {word}</title></rect>"
            )
        if i % label_every == 0:
            parts.append(
                f'<text x="{x + bar:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                f'font-size="11">{escape(period.label)}</text>'
            )
    svg = (
        f'<svg class="chart bars" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-labelledby="{ids}-title {ids}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ids}-title">{escape(title)}</title><desc id="{ids}-desc">'
        f"{escape(describe)}</desc>{''.join(parts)}</svg>"
    )
    return mark_safe(svg)  # every text in it went through escape()


def _nice_step(highest: float) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about five ticks."""
    raw = highest / 5
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for multiple in (1, 2, 5, 10):
        if raw <= multiple * power:
            return max(multiple * power, 1)
    return 10 * power


@dataclass(frozen=True)
class _Projection:
    west: float
    north: float
    scale_x: float
    scale_y: float
    width: float
    height: float

    def __call__(self, point: tuple[float, float]) -> tuple[float, float]:
        return ((point[0] - self.west) * self.scale_x, (self.north - point[1]) * self.scale_y)


@functools.cache
def _city_projection() -> _Projection:
    """The wards' projection: the same for every map drawn, so worked out once."""
    shapes = ward_shapes()
    return _projection([point for rings in shapes.values() for ring in rings for point in ring])


def _projection(points: Sequence[tuple[float, float]], width: float = 420.0) -> _Projection:
    """Longitude shrunk by the cosine of the latitude, so the city keeps its shape."""
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    squeeze = math.cos(math.radians((north + south) / 2))
    scale = width / ((east - west) * squeeze)
    return _Projection(
        west=west,
        north=north,
        scale_x=scale * squeeze,
        scale_y=scale,
        width=width,
        height=(north - south) * scale,
    )


def _ring_path(ring: Ring, project: _Projection) -> str:
    points = [project(p) for p in ring]
    return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z"
