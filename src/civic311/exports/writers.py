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
# Columns written as numbers, never neutralised: a longitude starts with "-".
NUMERIC_COLUMNS = frozenset({"latitude", "longitude", "x_coordinate", "y_coordinate"})
GZIP_LEVEL = 5  # about a third of level 9's time for a file a few percent larger

_FIELD = {name: i for i, name in enumerate(selectors.CSV_FIELDS)}
_NUMERIC = tuple(name in NUMERIC_COLUMNS for name in chicago.COLUMNS)


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


def chicago_row(row: tuple[Any, ...], created_department: str | None = None) -> tuple[Any, ...]:
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
        created_department or department,
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


def _cell(value: Any, numeric: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int) or numeric:
        return str(value)
    return neutralised(value)


def _with_departments(
    chunks: Iterable[list[tuple[Any, ...]]],
) -> Iterator[Iterator[tuple[Any, ...]]]:
    """Each chunk as portal rows, with the department each transferred request began in."""
    ident = _FIELD["id"]
    for chunk in chunks:
        created = selectors.created_departments([row[ident] for row in chunk])
        yield (chicago_row(row, created.get(row[ident])) for row in chunk)


def csv_stream(chunks: Iterable[list[tuple[Any, ...]]]) -> Iterator[bytes]:
    """Chicago's CSV: the header, then one line per request (UTF-8, CRLF as the portal)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(chicago.COLUMNS)
    yield buffer.getvalue().encode()
    for rows in _with_departments(chunks):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(
            [_cell(value, numeric) for value, numeric in zip(row, _NUMERIC, strict=True)]
            for row in rows
        )
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
    for rows in _with_departments(chunks):
        lines = []
        for row in rows:
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
