"""A real map tile server on loopback: answers every /{z}/{x}/{y}.png with one grey tile."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image


def _tile() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (205, 214, 222)).save(buffer, "PNG")
    return buffer.getvalue()


class TileServer:
    """Serves tiles on a free port and records each request's path and Referer."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []
        png = _tile()
        seen = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                seen.append((self.path, self.headers.get("Referer", "")))
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(png)))
                self.end_headers()
                self.wfile.write(png)

            def log_message(self, *args) -> None:  # quiet in test output
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}/{{z}}/{{x}}/{{y}}.png"

    def start(self) -> TileServer:
        """Serve in a background thread."""
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()
