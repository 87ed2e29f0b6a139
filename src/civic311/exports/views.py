"""The open-data page and its downloads: streamed, gzip when asked, ETag and Last-Modified.

A download is one stream from the database to the client (exports.writers), a chunk of
2,000 rows at a time, so memory stays flat and the first bytes leave at once. Its ETag
and Last-Modified come from the newest change in the selection, so a puller that asks
again with If-None-Match or If-Modified-Since gets a 304 until something changes.
"""

from __future__ import annotations

from django.conf import settings
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from civic311.core import site
from civic311.core.errors import ValidationFailed
from civic311.exports import columns, selectors, services, writers
from civic311.exports.query import parse_export_query

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "ndjson": "application/x-ndjson",
}
MAX_AGE = 60


def folder():
    """Where `civic311 export` writes the published files."""
    return settings.CIVIC311.effective_open_data_path


@require_safe
def page(request: HttpRequest) -> HttpResponse:
    """/open-data/: what is published, how often, under what terms, and every column."""
    context = {
        "columns": columns.column_notes(),
        "files": services.published_files(folder()),
        "formats": list(CONTENT_TYPES),
        "base_url": site.base_url(),
    }
    response = render(request, "exports/open_data.html", context)
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def _accepts_gzip(request: HttpRequest) -> bool:
    codings = request.headers.get("Accept-Encoding", "").lower().replace(" ", "").split(",")
    return any(c == "gzip" or (c.startswith("gzip;") and c != "gzip;q=0") for c in codings)


@require_safe
def download(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """Every public request the filters select, streamed in `fmt`, oldest change first."""
    try:
        query = parse_export_query(dict(request.GET.lists()), zone=settings.TIME_ZONE)
    except ValidationFailed as problem:
        return JsonResponse({"errors": problem.errors}, status=400)
    gzip = _accepts_gzip(request)
    fresh = selectors.freshness(query)
    changed = fresh.last_updated.timestamp() if fresh.last_updated else 0.0
    etag = f'"{fmt}-{query.fingerprint()}-{changed:.6f}-{fresh.last_id}{"-gzip" if gzip else ""}"'
    unchanged = get_conditional_response(request, etag=etag, last_modified=int(changed))
    if unchanged is not None:
        return unchanged
    body = writers.stream(fmt, query)
    response = StreamingHttpResponse(
        writers.gzipped(body) if gzip else body, content_type=CONTENT_TYPES[fmt]
    )
    if gzip:
        response["Content-Encoding"] = "gzip"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(int(changed))
    response["Vary"] = "Accept-Encoding"
    response["Content-Disposition"] = f'attachment; filename="requests.{fmt}"'
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


@require_safe
def published_file(request: HttpRequest, name: str) -> HttpResponseBase:
    """One file `civic311 export` wrote, by the name the manifest gives it (nothing else)."""
    found = {f.name: f for f in services.published_files(folder())}
    if name not in found:
        raise Http404("no such open-data file")
    path = folder() / name
    stat = path.stat()
    etag = f'"{name}-{stat.st_size}-{int(stat.st_mtime)}"'
    unchanged = get_conditional_response(request, etag=etag, last_modified=int(stat.st_mtime))
    if unchanged is not None:
        return unchanged
    response = FileResponse(path.open("rb"), as_attachment=True, content_type="application/gzip")
    response["ETag"] = etag
    response["Last-Modified"] = http_date(int(stat.st_mtime))
    response["Access-Control-Allow-Origin"] = "*"
    return response
