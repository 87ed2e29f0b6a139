"""A client for an external Nominatim-compatible geocoder (`/search` and `/reverse`, jsonv2).

Cities that run their own geocoder (Nominatim, or anything answering in its format)
set CIVIC311_GEOCODER_URL; `geo.services.locate` asks it first and falls back to the
built-in Chicago geocoder whenever this client raises GeocoderUnavailable or finds
nothing. Answers are cached in the process (a bounded LRU with a TTL), so a
resident's search and the filing that follows it ask the server once. After a
failure the server is left alone for a short while: a geocoder that is down costs
one timeout, not one per request. Standard library only (urllib), no extra package.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.error import URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import orjson

from civic311 import __version__
from civic311.geo.addresses import DIRECTION_LETTERS, TYPE_SPELLINGS
from civic311.geo.geocoding.match import Match, Precision

SOURCE = "nominatim"
# Nominatim's usage policy asks every application to name itself in the User-Agent.
USER_AGENT = f"civic311/{__version__} (open-source 311 system; +https://github.com/civic311)"
MAX_ANSWER_BYTES = 1_000_000
SEARCH_LIMIT = 5
CACHE_SIZE = 10_000
CACHE_SECONDS = 24 * 3600.0
PAUSE_AFTER_FAILURE_SECONDS = 30.0


class GeocoderUnavailable(Exception):
    """The external geocoder did not answer usefully: timeout, refused, HTTP error, bad JSON."""


class TtlCache:
    """A bounded, thread-safe LRU whose entries expire after `seconds`."""

    def __init__(
        self,
        size: int = CACHE_SIZE,
        seconds: float = CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.size, self.seconds, self.clock = size, seconds, clock
        self._entries: OrderedDict[Any, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> tuple[bool, Any]:
        """(True, value) when `key` is cached and fresh, else (False, None)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] < self.clock():
                self._entries.pop(key, None)
                return False, None
            self._entries.move_to_end(key)
            return True, entry[1]

    def put(self, key: Any, value: Any) -> None:
        """Remember `value` under `key`, forgetting the least recently used beyond the size."""
        with self._lock:
            self._entries[key] = (self.clock() + self.seconds, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


class Nominatim:
    """One Nominatim-compatible server: search a typed address, or name a point."""

    def __init__(self, url: str, *, timeout: float, cache: TtlCache | None = None) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.cache = cache or TtlCache()
        self._paused_until = 0.0

    def search(self, text: str, limit: int = SEARCH_LIMIT) -> list[Match]:
        """The server's matches for a typed address, best first (empty when it knows none).

        The server is always asked for SEARCH_LIMIT places, so a search box's short list and
        the filing that follows it share one cached answer.
        """
        query = " ".join(text.split())
        params = {"q": query, "format": "jsonv2", "limit": SEARCH_LIMIT, "addressdetails": 1}
        answer = self._cached(("search", query.casefold()), "search", params, list)
        return [m for m in (match_of(place) for place in answer) if m is not None][:limit]

    def reverse(self, lat: float, long: float) -> Match | None:
        """The server's address for a point, or None when it knows none there."""
        params = {"lat": f"{lat:.6f}", "lon": f"{long:.6f}", "format": "jsonv2"}
        answer = self._cached(("reverse", params["lat"], params["lon"]), "reverse", params, dict)
        return None if "error" in answer else match_of(answer)

    def _cached(self, key: tuple, path: str, params: dict[str, Any], shape: type) -> Any:
        found, answer = self.cache.get(key)
        if found:
            return answer
        answer = self._get(path, params)
        if not isinstance(answer, shape):
            self._pause()
            raise GeocoderUnavailable(f"its /{path} answer is not a JSON {shape.__name__}")
        self.cache.put(key, answer)
        return answer

    def _pause(self) -> None:
        self._paused_until = time.monotonic() + PAUSE_AFTER_FAILURE_SECONDS

    def _get(self, path: str, params: dict[str, Any]) -> Any:
        if time.monotonic() < self._paused_until:
            raise GeocoderUnavailable("it failed moments ago; not asked again yet")
        request = Request(
            f"{self.url}/{path}?{urlencode(params)}",
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        )
        try:
            with urlopen(request, timeout=self.timeout) as response:
                return orjson.loads(response.read(MAX_ANSWER_BYTES))
        except (URLError, OSError, http.client.HTTPException, ValueError) as exc:
            # URLError covers refusals and HTTP errors; OSError timeouts; ValueError bad JSON.
            self._pause()
            raise GeocoderUnavailable(f"{self.url}/{path} failed: {exc}") from exc


@cache
def client(url: str, timeout: float) -> Nominatim:
    """The one client (and cache) per server and timeout in this process."""
    return Nominatim(url, timeout=timeout)


def match_of(place: Any) -> Match | None:
    """A jsonv2 place as a Match, or None when it has no usable point."""
    if not isinstance(place, dict):
        return None
    try:
        lat, long = float(place["lat"]), float(place["lon"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= long <= 180):
        return None
    found = place.get("address")
    details: dict[str, Any] = found if isinstance(found, dict) else {}
    number = str(details.get("house_number") or "").strip()
    road = city_style(str(details.get("road") or ""))
    address = f"{number} {road}".strip() if road else _first_part(place.get("display_name"))
    if not address:
        return None
    return Match(
        lat=lat,
        long=long,
        address=address,
        precision=Precision.ADDRESS if number and road else Precision.STREET,
        source=SOURCE,
        zipcode=str(details.get("postcode") or "")[:10],
    )


def city_style(road: str) -> str:
    """A street as the city writes it: "West Fullerton Avenue" → "W Fullerton Ave"."""
    words = road.split()
    if len(words) > 1 and words[0].lower() in DIRECTION_LETTERS:
        words[0] = DIRECTION_LETTERS[words[0].lower()]
    if len(words) > 1 and words[-1].lower() in TYPE_SPELLINGS:
        words[-1] = TYPE_SPELLINGS[words[-1].lower()].capitalize()
    return " ".join(words)


def _first_part(display_name: Any) -> str:
    return str(display_name or "").split(",", 1)[0].strip()[:300]
