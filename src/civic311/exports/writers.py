"""The open-data files, written a chunk of rows at a time: CSV, GeoJSON and GeoReport NDJSON.

Each writer turns an iterator of row chunks into an iterator of bytes, so a download
and a file on disk are the same stream and memory stays flat at any size. The CSV
speaks Chicago's portal columns through `chicago_format`, the module the importer
reads with, so an exported file imports back into the same requests.
"""

from __future__ import annotations

import datetime as dt
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


_TRIGGERS = frozenset(FORMULA_STARTS)
_MEMO_LIMIT = 50_000  # catalogue words, ZIP codes and addresses repeat; keep memory bounded
_HUMAN_ADDRESS = '{""address"": """", ""city"": """", ""state"": """", ""zip"": """"}'


def csv_text(text: str) -> str:
    """One CSV field of text: neutralised, then quoted as csv.writer would (QUOTE_MINIMAL)."""
    if not text:
        return ""
    if text[0] in _TRIGGERS:
        text = "'" + text
    if '"' in text:
        return '"' + text.replace('"', '""') + '"'
    if "," in text or "\n" in text or "\r" in text:
        return '"' + text + '"'
    return text


class _Memo(dict):
    """Text already written as CSV fields, up to a bound (then written afresh each time)."""

    def __init__(self, write: Any) -> None:
        super().__init__()
        self.write = write

    def __missing__(self, key: Any) -> str:
        found = self.write(key)
        if len(self) < _MEMO_LIMIT:
            self[key] = found
        return found


def _address_fields(address: str | None) -> tuple[str, str]:
    """The street_address field, and the number, direction, name and type fields joined."""
    street, number, direction, name, street_type = street_parts(address or "")
    return csv_text(street), ",".join(map(csv_text, (number, direction, name, street_type)))


class _Times:
    """The database's UTC times as write_time writes them, computed once per hour.

    Chicago's offset from UTC changes only on the hour, so the local text of any moment is
    write_time of its UTC hour with the moment's minutes and seconds. A zone with a
    half-hour offset is written by write_time row by row instead.
    """

    def __init__(self) -> None:
        self.hours: dict[str, tuple[str, str, str, str] | None] = {}

    def _hour(self, key: str) -> tuple[str, str, str, str] | None:
        start = dt.datetime.fromisoformat(key + ":00:00").replace(tzinfo=dt.UTC)
        local = chicago.write_time(start)
        if local[14:19] != "00:00":
            return None
        day = dt.date.fromisoformat(local[:10])
        # The prefix, the hour, the portal's day of the week (Sunday = 1) and the month.
        return local[:13], str(int(local[11:13])), str(day.isoweekday() % 7 + 1), str(day.month)

    def parts(self, value: Any) -> tuple[str, str, str, str]:
        """(write_time's text, hour, day of the week, month) of a database time; all "" if none."""
        if value is None:
            return "", "", "", ""
        text = value if isinstance(value, str) else value.astimezone(dt.UTC).isoformat(" ")
        key = text[:13]
        if key not in self.hours:
            self.hours[key] = self._hour(key)
        hour = self.hours[key]
        if hour is None:
            moment = _moment(value)
            local = moment.astimezone(chicago.CHICAGO) if moment else None
            assert local is not None
            weekday = str(local.isoweekday() % 7 + 1)
            return chicago.write_time(moment), str(local.hour), weekday, str(local.month)
        return hour[0] + text[13:19] + ".000", hour[1], hour[2], hour[3]

    def text(self, value: Any) -> str:
        """write_time's text of a database time ("" for none)."""
        return self.parts(value)[0]


def _line_maker() -> Any:
    """A function writing one row as its CSV line, for speed: the same text as csv.writer
    writes for `[csv_cell(v) for v in chicago_row(row)]` (a test holds them equal), with
    catalogue words, addresses and each hour's local time computed once."""
    f = _FIELD
    tracking, service_name = f["tracking_number"], f["service_name"]
    service_code, address, zipcode = f["service_code"], f["address"], f["zipcode"]
    created_department, department = f["created_department"], f["department"]
    status, channel = f["status"], f["channel"]
    requested, updated = f["requested_datetime"], f["updated_datetime"]
    closed, duplicate = f["closed_datetime"], f["duplicate_of_id"]
    area, ward, parent = f["community_area_id"], f["ward_id"], f["parent_number"]
    lat_at, long_at = f["lat"], f["long"]
    words = _Memo(lambda value: csv_text(value or ""))
    addresses = _Memo(_address_fields)
    statuses = _Memo(lambda value: csv_text(chicago.portal_status(value)))
    origins = _Memo(lambda value: csv_text(chicago.origin_for(value)))
    numbers = _Memo(lambda value: "" if value is None else str(value))
    times = _Times()

    def line(row: tuple[Any, ...]) -> str:
        created, hour, weekday, month = times.parts(row[requested])
        lat, long = row[lat_at], row[long_at]
        owner = words[row[department]]
        if lat is None or long is None:
            lat_text = "" if lat is None else repr(lat)
            long_text = "" if long is None else repr(long)
            location = ""
        else:
            lat_text, long_text = repr(lat), repr(long)
            location = (
                f"\"{{'latitude': '{lat_text}', 'longitude': '{long_text}', "
                f"'human_address': '{_HUMAN_ADDRESS}'}}\""
            )
        street, street_parts_fields = addresses[row[address]]
        return (
            f"{csv_text(row[tracking])},{words[row[service_name]]},{words[row[service_code]]},"
            f"{words[row[created_department]] or owner},{owner},{statuses[row[status]]},"
            f"{origins[row[channel]]},{created},{times.text(row[updated])},"
            f"{times.text(row[closed])},{street},,,{words[row[zipcode]]},{street_parts_fields},"
            f"{'False' if row[duplicate] is None else 'True'},,"
            f"{numbers[row[area]]},{numbers[row[ward]]},,,,,,{hour},{weekday},{month},,,"
            f"{lat_text},{long_text},{location},{csv_text(row[parent] or '')},\r\n"
        )

    return line


def csv_stream(chunks: Iterable[list[tuple[Any, ...]]]) -> Iterator[bytes]:
    """Chicago's CSV: the header, then one line per request (UTF-8, CRLF as the portal)."""
    yield (",".join(chicago.COLUMNS) + "\r\n").encode()
    line = _line_maker()
    for rows in chunks:
        yield "".join(map(line, rows)).encode()


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
