"""A real HTTP server on a free loopback port answering like Nominatim (jsonv2).

The edge of the world: a city's own geocoder is a server we cannot reach in tests,
so this one stands in for it over real HTTP. `places` maps a query (case-insensitive)
to the jsonv2 list /search answers; `behaviour` makes it slow, fail with 500 or
answer something that is not JSON. Every request it received is kept in `seen`.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.support.smtp import free_port


def place(lat: float, long: float, number: str, road: str, postcode: str = "") -> dict:
    """One jsonv2 result as Nominatim writes it (strings for coordinates)."""
    return {
        "place_id": 1,
        "lat": f"{lat}",
        "lon": f"{long}",
        "category": "place",
        "type": "house",
        "place_rank": 30,
        "addresstype": "place",
        "display_name": f"{number}, {road}, Chicago, Cook County, Illinois, {postcode}, USA",
        "address": {
            "house_number": number,
            "road": road,
            "city": "Chicago",
            "state": "Illinois",
            "postcode": postcode,
            "country_code": "us",
        },
    }


class NominatimServer:
    """Start with `.start()`, stop with `.stop()`; `.url` is its base address."""

    def __init__(
        self,
        places: dict[str, list[dict]] | None = None,
        reverse: dict | None = None,
        behaviour: str = "ok",
        delay: float = 0.0,
    ) -> None:
        self.places = {k.casefold(): v for k, v in (places or {}).items()}
        self.reverse_answer = reverse or {"error": "Unable to geocode"}
        self.behaviour, self.delay = behaviour, delay
        self.seen: list[dict[str, Any]] = []
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self._server.daemon_threads = True

    def start(self) -> NominatimServer:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, bytes]:
        if self.delay:
            time.sleep(self.delay)
        if self.behaviour == "error":
            return 500, b"<html>Internal Server Error</html>"
        if self.behaviour == "garbage":
            return 200, b"<html>not json</html>"
        if path == "/search":
            text = " ".join(query.get("q", [""])[0].split()).casefold()
            return 200, json.dumps(self.places.get(text, [])).encode()
        if path == "/reverse":
            return 200, json.dumps(self.reverse_answer).encode()
        return 404, b'{"error": "unknown path"}'

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                server.seen.append(
                    {"path": parts.path, "query": query, "user_agent": self.headers["User-Agent"]}
                )
                status, body = server.answer(parts.path, query)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the timeout tests)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler
