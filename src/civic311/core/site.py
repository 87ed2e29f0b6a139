"""The site's own address, for links that leave the page: emails, discovery, media, keys.

In production `CIVIC311_BASE_URL` is required and is the answer. In development it is
usually unset, and a fixed `http://127.0.0.1:8000` would be wrong whenever the server
runs on another port (`civic311 serve --port 8123`): every emailed link, `media_url`
and discovery endpoint would point at nothing. So `civic311 serve` writes the address it
serves to `<data_dir>/served-at.txt`, and every process on that data directory (the web
workers and the email worker alike) reads it back.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

SERVED_AT_FILE = "served-at.txt"
_ANY_ADDRESS = {"", "0.0.0.0", "::", "[::]"}

_cache: dict[Path, tuple[float, str]] = {}


def base_url() -> str:
    """The public base URL without a trailing slash, as links should carry it."""
    config = settings.CIVIC311
    if config.base_url or config.env != "development":
        return settings.BASE_URL
    return _served_at(config.data_path / SERVED_AT_FILE) or settings.BASE_URL


def record_served_at(host: str, port: int) -> str | None:
    """Write where `civic311 serve` listens, when links should follow it; return that address."""
    config = settings.CIVIC311
    if config.base_url or config.env != "development":
        return None
    # A server listening on every interface is reached locally at the loopback address.
    shown = "127.0.0.1" if host in _ANY_ADDRESS else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    address = f"http://{shown}:{port}"
    path = config.data_path / SERVED_AT_FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(address + "\n", encoding="utf-8")
    # A rename is atomic: a worker never reads half an address.
    os.replace(temporary, path)
    return address


def _served_at(path: Path) -> str:
    # One stat per call; the file is read again only when serve rewrote it.
    try:
        changed = path.stat().st_mtime
    except FileNotFoundError:
        return ""
    cached = _cache.get(path)
    if cached is None or cached[0] != changed:
        cached = (changed, path.read_text(encoding="utf-8").strip().rstrip("/"))
        _cache[path] = cached
    return cached[1]
