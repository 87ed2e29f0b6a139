"""The open-data files, written a chunk of rows at a time: CSV, GeoJSON and GeoReport NDJSON.

Each writer turns an iterator of row chunks into an iterator of bytes, so a download
and a file on disk are the same stream and memory stays flat at any size. The CSV
speaks Chicago's portal columns through `chicago_format`, the module the importer
reads with, so an exported file imports back into the same requests.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zlib
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any

import orjson

from civic311.exports import chicago_format as chicago
from civic311.exports import selectors
from civic311.exports.query import ExportQuery
from civic311.geo.addresses import DIRECTION_LETTERS, STREET_TYPES
from civic311.open311.records import records

# Text a spreadsheet would run as a formula (=, +, -, @, and tab or carriage return before
# one): such a cell is written with a leading single quote (OWASP's CSV injection advice).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
GZIP_LEVEL = 5  # about a third of level 9's time for a file a few percent larger

_FIELD = {name: i for i, name in enumerate(selectors.CSV_FIELDS)}


def neutralised(text: str) -> str:
    """`text`, with a leading ' when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _moment(value: Any) -> dt.datetime | None:
    """A datetime as the cursor gave it (SQLite: naive UTC text; PostgreSQL: aware)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


@lru_cache(maxsize=65536)
def street_parts(address: str) -> tuple[str, str, str, str, str]:
    """The street line of an address and its number, direction, name and type, as written.

    "2111 W Lexington ST, Chicago, IL" → ("2111 W Lexington ST", "2111", "W", "Lexington",
    "ST"); the city's tables (civic311.geo.addresses) say what is a direction or a type.
    """
    line = address.split(",", 1)[0].strip()
    words = line.split()
    number = words.pop(0) if words and words[0].isdigit() else ""
    direction = words.pop(0) if len(words) > 1 and words[0].lower() in DIRECTION_LETTERS else ""
    street_type = words.pop() if len(words) > 1 and words[-1].lower() in STREET_TYPES else ""
    return line, number, direction, " ".join(words), street_type


def _location(lat: float | None, long: float | None) -> str:
    """The portal's `location` cell for a point (its own quoting, kept as the city writes it)."""
    if lat is None or long is None:
        return ""
    human = '{"address": "", "city": "", "state": "", "zip": ""}'
    return f"{{'latitude': '{lat!r}', 'longitude': '{long!r}', 'human_address': '{human}'}}"


def chicago_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """One request as the portal's 37 columns, typed (None where civic311 has nothing)."""
    f = _FIELD
    created = _moment(row[f["requested_datetime"]])
    local = created.astimezone(chicago.CHICAGO) if created else None
    street, number, direction, name, street_type = street_parts(row[f["address"]] or "")
    lat, long = row[f["lat"]], row[f["long"]]
    department = row[f["department"]]
    return (
        row[f["tracking_number"]],
        row[f["service_name"]],
        row[f["service_code"]],
        row[f["created_department"]] or department,
        department,
        chicago.portal_status(row[f["status"]]),
        chicago.origin_for(row[f["channel"]]),
        chicago.write_time(created),
        chicago.write_time(_moment(row[f["updated_datetime"]])),
        chicago.write_time(_moment(row[f["closed_datetime"]])),
        street or None,
        None,  # city
        None,  # state
        row[f["zipcode"]] or None,
        number or None,
        direction or None,
        name or None,
        street_type or None,
        row[f["duplicate_of_id"]] is not None,
        None,  # legacy_record
        row[f["community_area_id"]],
        row[f["ward_id"]],
        None,  # electricity_grid
        None,  # police_sector
        None,  # police_district
        None,  # police_beat
        None,  # precinct
        local.hour if local else None,
        local.isoweekday() % 7 + 1 if local else None,  # the portal's Sunday = 1
        local.month if local else None,
        None,  # x_coordinate (State Plane feet: civic311 keeps WGS84 only)
        None,  # y_coordinate
        lat,
        long,
        _location(lat, long) or None,
        row[f["parent_number"]],
        None,  # electrical_district
    )


def csv_cell(value: Any) -> str:
    """How the CSV writes one of `chicago_row`'s values: text neutralised, numbers as they are
    (a longitude starts with "-" and stays a number)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return neutralised(value)


_NUMBERS = [str(n) for n in range(100)]


def _cells_maker() -> Any:
    """`chicago_row` straight to CSV cells, for speed: the same values as
    `[csv_cell(v) for v in chicago_row(row)]` (a test holds them equal), with catalogue
    words, statuses and small numbers looked up instead of rebuilt on every row."""
    f = _FIELD
    tracking, service_name = f["tracking_number"], f["service_name"]
    service_code = f["service_code"]
    created_department, department = f["created_department"], f["department"]
    status, channel, address, zipcode = f["status"], f["channel"], f["address"], f["zipcode"]
    requested, updated = f["requested_datetime"], f["updated_datetime"]
    closed = f["closed_datetime"]
    duplicate, area, ward, parent = (
        f["duplicate_of_id"],
        f["community_area_id"],
        f["ward_id"],
        f["parent_number"],
    )
    lat_at, long_at = f["lat"], f["long"]
    words: dict[Any, str] = {None: ""}
    statuses: dict[str, str] = {}
    origins: dict[str, str] = {}
    write_time, chicago_zone, numbers = chicago.write_time, chicago.CHICAGO, _NUMBERS

    def word(value: Any) -> str:
        found = words.get(value)
        if found is None:
            found = neutralised(value)
            if len(words) < 10_000:  # catalogue words and ZIP codes repeat; numbers do not
                words[value] = found
        return found

    def number_text(value: int | None) -> str:
        return "" if value is None else numbers[value] if 0 <= value < 100 else str(value)

    def cells(row: tuple[Any, ...]) -> list[str]:
        created = _moment(row[requested])
        local = created.astimezone(chicago_zone) if created else None
        street, number, direction, name, street_type = street_parts(row[address] or "")
        lat, long = row[lat_at], row[long_at]
        state = row[status]
        if state not in statuses:
            statuses[state] = chicago.portal_status(state)
        via = row[channel]
        if via not in origins:
            origins[via] = chicago.origin_for(via)
        owner = word(row[department])
        return [
            neutralised(row[tracking]),
            word(row[service_name]),
            word(row[service_code]),
            word(row[created_department]) or owner,
            owner,
            statuses[state],
            origins[via],
            write_time(created),
            write_time(_moment(row[updated])),
            write_time(_moment(row[closed])),
            neutralised(street),
            "",
            "",
            word(row[zipcode] or None),
            neutralised(number),
            direction,
            neutralised(name),
            street_type,
            "False" if row[duplicate] is None else "True",
            "",
            number_text(row[area]),
            number_text(row[ward]),
            "",
            "",
            "",
            "",
            "",
            numbers[local.hour] if local else "",
            numbers[local.isoweekday() % 7 + 1] if local else "",
            numbers[local.month] if local else "",
            "",
            "",
            "" if lat is None else repr(lat),
            "" if long is None else repr(long),
            neutralised(_location(lat, long)),
            neutralised(row[parent] or ""),
            "",
        ]

    return cells


def csv_stream(chunks: Iterable[list[tuple[Any, ...]]]) -> Iterator[bytes]:
    """Chicago's CSV: the header, then one line per request (UTF-8, CRLF as the portal)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(chicago.COLUMNS)
    yield buffer.getvalue().encode()
    cells = _cells_maker()
    for rows in chunks:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(map(cells, rows))
        yield buffer.getvalue().encode()


_GEOJSON_SKIP = frozenset({"latitude", "longitude", "location"})
_PROPERTIES = tuple(
    (i, name) for i, name in enumerate(chicago.COLUMNS) if name not in _GEOJSON_SKIP
)
_LAT, _LONG = chicago.COLUMNS.index("latitude"), chicago.COLUMNS.index("longitude")


def geojson_stream(chunks: Iterable[list[tuple[Any, ...]]]) -> Iterator[bytes]:
    """A GeoJSON FeatureCollection: one Point feature per request (null geometry if none)."""
    yield b'{"type":"FeatureCollection","features":[\n'
    first = True
    for chunk in chunks:
        lines = []
        for row in map(chicago_row, chunk):
            lat, long = row[_LAT], row[_LONG]
            geometry = None if lat is None else {"type": "Point", "coordinates": [long, lat]}
            properties = {name: row[i] for i, name in _PROPERTIES}
            feature = {"type": "Feature", "geometry": geometry, "properties": properties}
            lines.append(orjson.dumps(feature))
        if lines:
            yield (b"" if first else b",\n") + b",\n".join(lines)
            first = False
    yield b"\n]}\n"


def ndjson_stream(chunks: Iterable[list[dict[str, Any]]]) -> Iterator[bytes]:
    """One GeoReport record with Chicago's extensions per line (what harvesters write)."""
    for rows in chunks:
        shaped = records(rows, extensions=True)
        yield b"".join(orjson.dumps(record) + b"\n" for record in shaped)


def gzipped(stream: Iterable[bytes], level: int = GZIP_LEVEL) -> Iterator[bytes]:
    """The stream gzip-compressed, chunk by chunk (a valid .gz file when read whole)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, 31)
    for piece in stream:
        packed = compressor.compress(piece)
        if packed:
            yield packed
    yield compressor.flush()


def stream(
    fmt: str, query: ExportQuery, *, wrap: Callable[[Iterable[Any]], Iterable[Any]] | None = None
) -> Iterator[bytes]:
    """The download of `query` in `fmt` (csv, geojson or ndjson), uncompressed.

    `wrap`, when given, sees each chunk of rows on its way (the export command counts them).
    """
    around = wrap or (lambda chunks: chunks)
    if fmt == "csv":
        return csv_stream(around(selectors.csv_chunks(query)))
    if fmt == "geojson":
        return geojson_stream(around(selectors.csv_chunks(query)))
    if fmt == "ndjson":
        return ndjson_stream(around(selectors.record_chunks(query)))
    raise ValueError(f"unknown format {fmt!r}")
