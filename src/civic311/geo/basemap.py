"""The city's own base map, drawn when no map tiles are configured or they fail to load.

Built once by `scripts/build_basemap.py` from data we ship: the ward
boundaries (their union is the city outline) and the city's named intersections,
from which each major street is drawn by ordering its crossings along the
street. The result is one small GeoJSON file served as a static asset. Pure: no
database, no Django.
"""

from __future__ import annotations

import csv
import gzip
import json
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import LineString, mapping, shape
from shapely.ops import polylabel

Point = tuple[float, float]  # (longitude, latitude), GeoJSON's order

# Metres per degree near Chicago's latitude; good to a fraction of a percent across the city.
_METRES_PER_DEGREE_LAT = 110_574.0
_METRES_PER_DEGREE_LONG = 111_320.0 * math.cos(math.radians(41.85))

WARD_TOLERANCE = 0.0002  # degrees, about 20 m: invisible at city zoom, keeps the file small
STREET_TOLERANCE = 0.00005  # about 5 m: drops crossings that lie on a straight line
DECIMALS = 5  # about 1 m, the precision of the source points
# Shown on the map; the sources in full are in SOURCES, beside it in the file, and ATTRIBUTION.md.
ATTRIBUTION = "Wards and streets: City of Chicago open data"
SOURCES = (
    "Ward boundaries (and the city outline, their union): City of Chicago 'Boundaries - Wards "
    "(2015-2023)', via mikemommsen/chicago wards.geojson (commit dd05b9e), MIT licence, "
    "Copyright (c) 2014 mikemommsen. Major streets: drawn from the crossings in the City of "
    "Chicago 'Street Center Lines' (data portal 6imu-meau), via "
    "dannguyen/chicago-streets-static-geocoder munged-chicago-intersections.csv (commit "
    "ffd5a9d), under the Chicago Data Portal's terms of use."
)


@dataclass(frozen=True)
class Street:
    """A major street: its name on the map, its names in the source data, and its weight.

    rank 1 is drawn wider than rank 2. max_gap_m splits the line where two
    consecutive crossings are further apart, so a street interrupted by a park,
    a rail yard or the river is not drawn across it; expressways cross few named
    streets and get a larger gap.
    """

    label: str
    names: tuple[str, ...]
    rank: int = 1
    max_gap_m: float = 2000.0


def _grid(label: str, *names: str, rank: int = 1) -> Street:
    return Street(label=label, names=names, rank=rank)


# Chicago's arterials: the mile and half-mile grid streets, the diagonals and the lake drives.
CHICAGO_STREETS: tuple[Street, ...] = (
    # north-south, east to west
    _grid("State St", "N STATE ST", "S STATE ST"),
    _grid("Michigan Ave", "N MICHIGAN AVE", "S MICHIGAN AVE", rank=2),
    _grid("King Dr", "S DR MARTIN LUTHER KING JR DR", rank=2),
    _grid("Cottage Grove Ave", "S COTTAGE GROVE AVE"),
    _grid("Stony Island Ave", "S STONY ISLAND AVE"),
    _grid("Halsted St", "N HALSTED ST", "S HALSTED ST"),
    _grid("Racine Ave", "N RACINE AVE", "S RACINE AVE", rank=2),
    _grid("Ashland Ave", "N ASHLAND AVE", "S ASHLAND AVE"),
    _grid("Damen Ave", "N DAMEN AVE", "S DAMEN AVE", rank=2),
    _grid("Western Ave", "N WESTERN AVE", "S WESTERN AVE"),
    _grid("California Ave", "N CALIFORNIA AVE", "S CALIFORNIA AVE", rank=2),
    _grid("Kedzie Ave", "N KEDZIE AVE", "S KEDZIE AVE"),
    _grid("Central Park Ave", "N CENTRAL PARK AVE", "S CENTRAL PARK AVE", rank=2),
    _grid("Pulaski Rd", "N PULASKI RD", "S PULASKI RD"),
    _grid("Kostner Ave", "N KOSTNER AVE", "S KOSTNER AVE", rank=2),
    _grid("Cicero Ave", "N CICERO AVE", "S CICERO AVE"),
    _grid("Laramie Ave", "N LARAMIE AVE", "S LARAMIE AVE", rank=2),
    _grid("Central Ave", "N CENTRAL AVE", "S CENTRAL AVE"),
    _grid("Austin Ave", "N AUSTIN AVE", "S AUSTIN AVE", rank=2),
    _grid("Narragansett Ave", "N NARRAGANSETT AVE", "S NARRAGANSETT AVE", rank=2),
    _grid("Harlem Ave", "N HARLEM AVE", "S HARLEM AVE"),
    # east-west, north to south
    _grid("Howard St", "W HOWARD ST"),
    _grid("Touhy Ave", "W TOUHY AVE"),
    _grid("Devon Ave", "W DEVON AVE"),
    _grid("Peterson Ave", "W PETERSON AVE", rank=2),
    _grid("Bryn Mawr Ave", "W BRYN MAWR AVE", rank=2),
    _grid("Foster Ave", "W FOSTER AVE", rank=2),
    _grid("Lawrence Ave", "W LAWRENCE AVE"),
    _grid("Montrose Ave", "W MONTROSE AVE", rank=2),
    _grid("Irving Park Rd", "W IRVING PARK RD"),
    _grid("Addison St", "W ADDISON ST", rank=2),
    _grid("Belmont Ave", "W BELMONT AVE"),
    _grid("Diversey Ave", "W DIVERSEY AVE", "W DIVERSEY PKWY", rank=2),
    _grid("Fullerton Ave", "W FULLERTON AVE"),
    _grid("Armitage Ave", "W ARMITAGE AVE", rank=2),
    _grid("North Ave", "W NORTH AVE"),
    _grid("Division St", "W DIVISION ST", "E DIVISION ST", rank=2),
    _grid("Chicago Ave", "W CHICAGO AVE", "E CHICAGO AVE"),
    _grid("Grand Ave", "W GRAND AVE", "E GRAND AVE", rank=2),
    _grid("Madison St", "W MADISON ST", "E MADISON ST"),
    _grid("Roosevelt Rd", "W ROOSEVELT RD", "E ROOSEVELT RD"),
    _grid("Cermak Rd", "W CERMAK RD", "E CERMAK RD"),
    _grid("31st St", "W 31ST ST", "E 31ST ST"),
    _grid("35th St", "W 35TH ST", "E 35TH ST", rank=2),
    _grid("Pershing Rd", "W PERSHING RD", "E PERSHING RD"),
    _grid("43rd St", "W 43RD ST", "E 43RD ST", rank=2),
    _grid("47th St", "W 47TH ST", "E 47TH ST"),
    _grid("51st St", "W 51ST ST", "E 51ST ST", rank=2),
    _grid("55th St", "W 55TH ST", "E 55TH ST"),
    _grid("Garfield Blvd", "W GARFIELD BLVD", "E GARFIELD BLVD"),
    _grid("59th St", "W 59TH ST", "E 59TH ST", rank=2),
    _grid("63rd St", "W 63RD ST", "E 63RD ST"),
    _grid("67th St", "W 67TH ST", "E 67TH ST", rank=2),
    _grid("71st St", "W 71ST ST", "E 71ST ST"),
    _grid("75th St", "W 75TH ST", "E 75TH ST", rank=2),
    _grid("79th St", "W 79TH ST", "E 79TH ST"),
    _grid("83rd St", "W 83RD ST", "E 83RD ST", rank=2),
    _grid("87th St", "W 87TH ST", "E 87TH ST"),
    _grid("91st St", "W 91ST ST", "E 91ST ST", rank=2),
    _grid("95th St", "W 95TH ST", "E 95TH ST"),
    _grid("99th St", "W 99TH ST", "E 99TH ST", rank=2),
    _grid("103rd St", "W 103RD ST", "E 103RD ST"),
    _grid("107th St", "W 107TH ST", "E 107TH ST", rank=2),
    _grid("111th St", "W 111TH ST", "E 111TH ST"),
    _grid("115th St", "W 115TH ST", "E 115TH ST", rank=2),
    _grid("119th St", "W 119TH ST", "E 119TH ST"),
    _grid("127th St", "W 127TH ST", "E 127TH ST", rank=2),
    # diagonals and streets that bend
    _grid("Milwaukee Ave", "N MILWAUKEE AVE"),
    _grid("Lincoln Ave", "N LINCOLN AVE"),
    _grid("Clark St", "N CLARK ST", "S CLARK ST"),
    _grid("Broadway", "N BROADWAY", rank=2),
    _grid("Sheridan Rd", "N SHERIDAN RD", "W SHERIDAN RD", rank=2),
    _grid("Ridge Ave", "N RIDGE AVE", rank=2),
    _grid("Elston Ave", "N ELSTON AVE"),
    _grid("Northwest Hwy", "N NORTHWEST HWY", rank=2),
    _grid("Higgins Ave", "W HIGGINS AVE", "W HIGGINS RD", rank=2),
    _grid("Ogden Ave", "N OGDEN AVE", "W OGDEN AVE"),
    _grid("Archer Ave", "S ARCHER AVE", "W ARCHER AVE"),
    _grid("Blue Island Ave", "S BLUE ISLAND AVE", rank=2),
    _grid("Vincennes Ave", "S VINCENNES AVE", rank=2),
    _grid("South Chicago Ave", "S SOUTH CHICAGO AVE"),
    _grid("Ewing Ave", "S EWING AVE", rank=2),
    Street("Lake Shore Dr", ("N LAKE SHORE DR", "S LAKE SHORE DR"), rank=1, max_gap_m=6000.0),
)


def _metres(a: Point, b: Point) -> float:
    return math.hypot(
        (a[0] - b[0]) * _METRES_PER_DEGREE_LONG, (a[1] - b[1]) * _METRES_PER_DEGREE_LAT
    )


def along_street(points: Iterable[Point]) -> list[Point]:
    """The crossings of one street in order along it (its principal axis), duplicates dropped.

    Grid streets, diagonals and gently bending streets all run mostly one way;
    projecting on the direction of greatest spread orders them without knowing
    which way that is.
    """
    unique = sorted(set(points))
    if len(unique) < 3:
        return unique
    xs = [p[0] * _METRES_PER_DEGREE_LONG for p in unique]
    ys = [p[1] * _METRES_PER_DEGREE_LAT for p in unique]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    angle = 0.5 * math.atan2(2 * sxy, sxx - syy)
    ux, uy = math.cos(angle), math.sin(angle)
    keyed = sorted(
        zip(xs, ys, unique, strict=True), key=lambda t: (t[0] - mx) * ux + (t[1] - my) * uy
    )
    return [p for _x, _y, p in keyed]


def without_spikes(
    line: Sequence[Point], *, ratio: float = 1.6, slack_m: float = 60.0
) -> list[Point]:
    """The line without points that stick out of it and come back (a same-named stub street).

    A point is a spike when going through it is much longer than going past it;
    a real bend of 90 degrees costs a factor of 1.41, so it stays.
    """
    kept = list(line)
    changed = True
    while changed and len(kept) > 2:
        changed = False
        for i in range(1, len(kept) - 1):
            a, p, b = kept[i - 1], kept[i], kept[i + 1]
            if _metres(a, p) + _metres(p, b) > ratio * _metres(a, b) + slack_m:
                del kept[i]
                changed = True
                break
    return kept


def smoothed(line: Sequence[Point], *, reach: int = 3) -> list[Point]:
    """The line with each point moved to the median of its neighbours, coordinate by coordinate.

    A street's recorded crossings wobble from side to side by the width of the
    road where side streets meet it offset (tens of metres, drawn as a zig-zag
    up close); along a straight or gently bending street the median of a few
    neighbours is the point on the street itself. Ends are kept as they are.
    """
    if len(line) <= 2 * reach:
        return list(line)
    found = [line[0]]
    for i in range(1, len(line) - 1):
        near = line[max(0, i - reach) : i + reach + 1]
        found.append((statistics.median(p[0] for p in near), statistics.median(p[1] for p in near)))
    found.append(line[-1])
    return found


def split_at_gaps(line: Sequence[Point], max_gap_m: float) -> list[list[Point]]:
    """The line cut where consecutive points are further apart than max_gap_m; lone points go."""
    pieces: list[list[Point]] = []
    current: list[Point] = []
    for point in line:
        if current and _metres(current[-1], point) > max_gap_m:
            pieces.append(current)
            current = []
        current.append(point)
    pieces.append(current)
    return [piece for piece in pieces if len(piece) >= 2]


def street_lines(street: Street, crossings: Mapping[str, list[Point]]) -> list[list[Point]]:
    """The polylines of one street from the crossings of each of its source names."""
    points = [p for name in street.names for p in crossings.get(name, [])]
    if not points:
        raise ValueError(f"no intersection names {street.label!r} ({', '.join(street.names)})")
    ordered = without_spikes(along_street(points))
    lines = []
    for piece in split_at_gaps(ordered, street.max_gap_m):
        simple = LineString(smoothed(piece)).simplify(STREET_TOLERANCE, preserve_topology=False)
        lines.append([(float(x), float(y)) for x, y in simple.coords])
    return lines


def crossings_by_street(rows: Iterable[Mapping[str, str]]) -> dict[str, list[Point]]:
    """Every street name of intersections.csv with the points where it crosses another."""
    found: dict[str, list[Point]] = defaultdict(list)
    for row in rows:
        point = (float(row["longitude"]), float(row["latitude"]))
        found[row["street_1"]].append(point)
        found[row["street_2"]].append(point)
    return found


def _rounded(geometry: dict[str, Any]) -> dict[str, Any]:
    def walk(value: Any) -> Any:
        if isinstance(value, float):
            return round(value, DECIMALS)
        return [walk(v) for v in value]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def ward_features(wards: Mapping[str, Any], number_property: str) -> list[dict[str, Any]]:
    """The outline (union of the wards) and one feature per ward with a point for its number.

    Coverage simplification keeps neighbouring wards sharing their edges, so no
    slivers open between them; the label point is the pole of inaccessibility,
    inside even a ward shaped like a C.
    """
    features = wards["features"]
    numbers = [int(f["properties"][number_property]) for f in features]
    simple = shapely.coverage_simplify([shape(f["geometry"]) for f in features], WARD_TOLERANCE)
    simple = [shapely.set_precision(g, 10**-DECIMALS) for g in simple]
    outline = shapely.union_all(simple)
    found = [{"kind": "outline", "geometry": outline}]
    for number, geometry in sorted(zip(numbers, simple, strict=True)):
        label = polylabel(_largest(geometry), tolerance=0.0001)
        found.append(
            {"kind": "ward", "ward": number, "label": [label.x, label.y], "geometry": geometry}
        )
    return [_feature(f) for f in found]


def _largest(geometry: Any) -> Any:
    parts = getattr(geometry, "geoms", [geometry])
    return max(parts, key=lambda part: part.area)


def _feature(item: dict[str, Any]) -> dict[str, Any]:
    properties = {k: v for k, v in item.items() if k != "geometry"}
    if "label" in properties:
        properties["label"] = [round(c, DECIMALS) for c in properties["label"]]
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": _rounded(mapping(item["geometry"])),
    }


def street_features(
    rows: Iterable[Mapping[str, str]], streets: Sequence[Street] = CHICAGO_STREETS
) -> list[dict[str, Any]]:
    """One MultiLineString feature per major street, named and ranked."""
    crossings = crossings_by_street(rows)
    found = []
    for street in streets:
        lines = street_lines(street, crossings)
        geometry = {"type": "MultiLineString", "coordinates": lines}
        found.append(
            {
                "type": "Feature",
                "properties": {"kind": "street", "name": street.label, "rank": street.rank},
                "geometry": _rounded(geometry),
            }
        )
    return found


def build(
    wards: Mapping[str, Any],
    intersections: Iterable[Mapping[str, str]],
    *,
    number_property: str = "District_N",
    streets: Sequence[Street] = CHICAGO_STREETS,
) -> dict[str, Any]:
    """The base map: a FeatureCollection of the outline, the wards and the major streets."""
    return {
        "type": "FeatureCollection",
        "attribution": ATTRIBUTION,
        "sources": SOURCES,
        "features": [
            *ward_features(wards, number_property),
            *street_features(intersections, streets),
        ],
    }


def build_file(wards_path: Path, intersections_path: Path) -> str:
    """The base map's file text from the wards GeoJSON and intersections CSV (gzipped or not)."""
    wards = json.loads(wards_path.read_text(encoding="utf-8"))
    opener = gzip.open if intersections_path.suffix == ".gz" else open
    with opener(intersections_path, "rt", newline="", encoding="utf-8") as rows:
        collection = build(wards, csv.DictReader(rows))
    return json.dumps(collection, separators=(",", ":"), ensure_ascii=False) + "\n"
