"""Writing the published open-data files: the daily full file and the changes since the last.

The folder is self-describing: `manifest.json` beside the files says what each holds
and when each format was last exported, so the next run knows where its changes file
starts and the /open-data/ page lists exactly what is there (ADR 0018). Files are
written under a temporary name and renamed when complete: a reader never sees half a file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from civic311.exports import selectors, writers
from civic311.exports.query import FORMATS, ExportQuery

MANIFEST = "manifest.json"
# A change committed while the last export ran may carry an earlier time than its start:
# the changes file reaches back this far before it, and a loader upserts by sr_number.
OVERLAP = dt.timedelta(minutes=5)
KEEP_CHANGES = dt.timedelta(days=31)
EXTENSIONS = {"csv": "csv", "geojson": "geojson", "ndjson": "ndjson"}


@dataclass(frozen=True)
class Published:
    """One file of the folder, as the manifest and the page describe it."""

    name: str
    format: str
    kind: str  # "full" or "changes"
    rows: int
    bytes: int
    written_at: str  # ISO 8601, UTC
    changed_since: str | None = None  # for a changes file: ISO 8601, UTC


def read_manifest(folder: Path) -> dict[str, Any]:
    """The folder's manifest, or an empty one."""
    try:
        return json.loads((folder / MANIFEST).read_text())
    except (FileNotFoundError, ValueError):
        return {"files": [], "last_export": {}}


def published_files(folder: Path) -> list[Published]:
    """The files the manifest lists that are on disk, newest first."""
    found = [Published(**entry) for entry in read_manifest(folder)["files"]]
    return [f for f in found if (folder / f.name).is_file()]


def export(
    *, folder: Path, fmt: str, now: dt.datetime, progress: Callable[[int], None] = lambda n: None
) -> list[Published]:
    """Write today's full file of `fmt` and, after a first run, the changes since the last."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    folder.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(folder)
    previous = manifest["last_export"].get(fmt)
    stamp = now.astimezone(dt.UTC)
    written = [
        _write(folder, f"requests-{stamp:%Y-%m-%d}", fmt, "full", ExportQuery(), stamp, progress)
    ]
    if previous:
        since = dt.datetime.fromisoformat(previous) - OVERLAP
        written.append(
            _write(
                folder,
                f"requests-changes-{stamp:%Y-%m-%dT%H%M%SZ}",
                fmt,
                "changes",
                ExportQuery(updated_after=since),
                stamp,
                progress,
                since=since,
            )
        )
    _record(folder, manifest, fmt, written, stamp)
    return written


def _write(
    folder: Path,
    stem: str,
    fmt: str,
    kind: str,
    query: ExportQuery,
    now: dt.datetime,
    progress: Callable[[int], None],
    since: dt.datetime | None = None,
) -> Published:
    name = f"{stem}.{EXTENSIONS[fmt]}.gz"
    rows = [0]

    def counted(chunks: Iterable[list[Any]]) -> Iterator[list[Any]]:
        for chunk in chunks:
            rows[0] += len(chunk)
            progress(len(chunk))
            yield chunk

    partial = folder / f".{name}.part"
    with partial.open("wb") as out:
        for piece in writers.gzipped(writers.stream(fmt, query, wrap=counted)):
            out.write(piece)
    os.replace(partial, folder / name)
    return Published(
        name=name,
        format=fmt,
        kind=kind,
        rows=rows[0],
        bytes=(folder / name).stat().st_size,
        written_at=now.isoformat(),
        changed_since=since.isoformat() if since else None,
    )


def _record(
    folder: Path, manifest: dict[str, Any], fmt: str, written: list[Published], now: dt.datetime
) -> None:
    """Add the new files to the manifest; drop this format's older full files and old changes."""
    kept = []
    names = {f.name for f in written}
    for entry in manifest["files"]:
        old = Published(**entry)
        stale = old.format == fmt and (
            old.kind == "full" or dt.datetime.fromisoformat(old.written_at) < now - KEEP_CHANGES
        )
        if old.name in names:
            continue
        if stale:
            (folder / old.name).unlink(missing_ok=True)
        else:
            kept.append(entry)
    manifest["files"] = [asdict(f) for f in written] + kept
    manifest["last_export"][fmt] = now.isoformat()
    partial = folder / f".{MANIFEST}.part"
    partial.write_text(json.dumps(manifest, indent=1))
    os.replace(partial, folder / MANIFEST)


def rows_to_export(fmt: str, *, folder: Path) -> int:
    """How many rows the next `export` of `fmt` will write (for a progress bar)."""
    previous = read_manifest(folder)["last_export"].get(fmt)
    total = selectors.count(ExportQuery())
    if previous:
        since = dt.datetime.fromisoformat(previous) - OVERLAP
        total += selectors.count(ExportQuery(updated_after=since))
    return total
