"""An import from start to end: stream the file, check each row, write batches, count.

Memory stays flat whatever the file's size: rows are read one at a time and written a
batch at a time. A bad row never stops the good ones: it goes to the rejects file (a
CSV of line number, reason and the row as it was) and the import goes on.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

from civic311.core.errors import ValidationFailed
from civic311.service_requests.importing import chicago, georeport
from civic311.service_requests.importing.records import ImportedRequest, RowRejected
from civic311.service_requests.importing.upsert import (
    ImportContext,
    link_waiting_duplicates,
    write_batch,
)

BATCH_SIZE = 2000
FORMATS = ("chicago-open-data", "open311-harvest")
# A CSV cell may be as long as a request's description; the csv module's default is less.
csv.field_size_limit(10_000_000)


@dataclass
class ImportCounts:
    """What an import did with the file's rows."""

    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    duplicates_linked: int = 0


@dataclass(frozen=True)
class Line:
    """One record of the file and the line it starts on."""

    number: int
    raw: dict[str, str] | bytes


def import_file(
    path: Path,
    *,
    format: str,
    rejects: Path,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] = lambda rows, position: None,
) -> ImportCounts:
    """Import every row of `path`; `progress(rows, bytes read)` after each batch."""
    counts = ImportCounts()
    context = ImportContext(source=format)
    batch: list[ImportedRequest] = []
    with _opened(path) as (raw, text), _Rejects(rejects) as rejected:
        for line in _lines(text, format):
            counts.read += 1
            try:
                batch.append(_read(line))
            except RowRejected as problem:
                rejected.add(line, str(problem))
            if len(batch) >= batch_size:
                _write(batch, context, counts)
                progress(counts.read, raw.tell())
        _write(batch, context, counts)
        progress(counts.read, raw.tell())
        counts.rejected = rejected.count
    counts.duplicates_linked += link_waiting_duplicates()
    return counts


def _write(batch: list[ImportedRequest], context: ImportContext, counts: ImportCounts) -> None:
    if not batch:
        return
    result = write_batch(batch, context)
    counts.created += result.created
    counts.updated += result.updated
    counts.unchanged += result.unchanged
    counts.unchanged += len(batch) - len({row.tracking_number for row in batch})  # repeats
    batch.clear()


def _read(line: Line) -> ImportedRequest:
    if isinstance(line.raw, bytes):
        return georeport.read_line(line.raw)
    if None in line.raw:
        raise RowRejected("the row has more cells than the header")
    return chicago.read_row(line.raw)


@contextmanager
def _opened(path: Path) -> Iterator[tuple[IO[bytes], IO[bytes]]]:
    """The file as bytes (for the progress bar's position) and as its content, gzip or not."""
    try:
        raw = path.open("rb")
    except OSError as problem:
        raise ValidationFailed(f"cannot read {path}: {problem.strerror}") from None
    with raw:
        gzipped = raw.read(2) == b"\x1f\x8b"
        raw.seek(0)
        with cast(IO[bytes], gzip.GzipFile(fileobj=raw) if gzipped else raw) as content:
            yield raw, content


def _lines(content: IO[bytes], format: str) -> Iterator[Line]:
    if format == "open311-harvest":
        for number, line in enumerate(content, start=1):
            if line.strip():
                yield Line(number, line)
        return
    text = io.TextIOWrapper(content, encoding="utf-8-sig", newline="", errors="replace")
    try:
        reader = csv.DictReader(text)
        missing = chicago.missing_columns(list(reader.fieldnames or []))
        if missing:
            raise ValidationFailed(
                f"this is not Chicago's 311 open data: the header lacks {', '.join(missing)}"
            )
        start = reader.line_num + 1
        for row in reader:
            yield Line(start, row)
            start = reader.line_num + 1
    finally:
        text.detach()  # the file stays open for the progress bar; _opened closes it


class _Rejects:
    """The rejects file, written only when a row is refused."""

    def __init__(self, path: Path) -> None:
        self.path, self.count = path, 0
        self._file: IO[str] | None = None

    def __enter__(self) -> _Rejects:
        self.path.unlink(missing_ok=True)  # an earlier run's rejects are not this run's
        return self

    def add(self, line: Line, reason: str) -> None:
        """Keep a refused row with its line number and why."""
        if self._file is None:
            self._file = self.path.open("w", encoding="utf-8", newline="")
            self._writer = csv.writer(self._file)
            self._writer.writerow(["line", "reason", "row"])
        raw = line.raw if isinstance(line.raw, bytes) else _as_csv(line.raw)
        text = raw.decode("utf-8", "replace").rstrip("\n") if isinstance(raw, bytes) else raw
        self._writer.writerow([line.number, reason, text])
        self.count += 1

    def __exit__(self, *exc: object) -> None:
        if self._file is not None:
            self._file.close()


def _as_csv(row: dict[str, str]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([v for k, v in row.items() if k is not None])
    return out.getvalue().rstrip("\r\n")
