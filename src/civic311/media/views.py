"""Serve stored photos at /media/<path>, straight from the default storage.

Photo names are random and never reused, so responses are cacheable for a
year; `nosniff` stops a browser from treating bytes as anything but what the
Content-Type says. Paths that try to leave the media folder are 404s.
"""

from __future__ import annotations

import mimetypes
import posixpath

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

CACHE_FOREVER = "public, max-age=31536000, immutable"


@require_safe
def serve(request: HttpRequest, path: str) -> FileResponse:
    """Stream one stored file with its content type and long-lived cache headers."""
    name = _safe_name(path)
    try:
        if not default_storage.exists(name):
            raise Http404("No such photo.")
        stored = default_storage.open(name, "rb")
    except (SuspiciousFileOperation, OSError, ValueError):
        raise Http404("No such photo.") from None
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(stored, content_type=content_type)
    response["Cache-Control"] = CACHE_FOREVER
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _safe_name(path: str) -> str:
    """The storage name for a URL path, or 404 if it is absolute, climbs out or is odd."""
    if not path or "\\" in path or "\x00" in path or path.startswith("/"):
        raise Http404("No such photo.")
    parts = path.split("/")
    if any(part in {"", ".", ".."} for part in parts) or posixpath.normpath(path) != path:
        raise Http404("No such photo.")
    return path
