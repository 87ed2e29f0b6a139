"""The Content-Security-Policy every page is sent with, built from the settings (pure).

civic311's pages load only their own scripts and styles (vendored Leaflet and htmx, no
CDN) and carry no inline script, style element or style attribute, so the policy allows
nothing inline and needs no nonce; a nonce would also stop resident pages being cached
(docs/adr/0009). The one outside origin is the map tiles' host, when one is configured.
See docs/adr/0016-staff-login-lockout-and-strict-headers.md.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.utils.csp import CSP

from civic311.config import Config


def content_security_policy(config: Config) -> dict[str, list[str]]:
    """SECURE_CSP for these settings: self only; with map tiles, their server's images too."""
    # blob: is the preview of a photo the resident picked, before it is sent (site.js).
    images = [CSP.SELF, "blob:"]
    if config.map_tiles_url:
        # Leaflet blanks a tile it stops loading with a data: GIF; then the tiles' server.
        images += ["data:", *_tile_origin(config.map_tiles_url)]
    return {
        "default-src": [CSP.SELF],
        "script-src": [CSP.SELF],
        "style-src": [CSP.SELF],
        "img-src": images,
        "connect-src": [CSP.SELF],
        "font-src": [CSP.SELF],
        "object-src": [CSP.NONE],
        "base-uri": [CSP.NONE],
        "form-action": [CSP.SELF],
        "frame-ancestors": [CSP.NONE],
    }


def _tile_origin(tiles_url: str) -> list[str]:
    """The scheme and host of a tile URL template; Leaflet's {s} subdomains become *."""
    parts = urlsplit(tiles_url.replace("{s}", "sub"))
    host = parts.netloc.replace("sub.", "*.", 1) if "{s}." in tiles_url else parts.netloc
    return [f"{parts.scheme}://{host}"]
