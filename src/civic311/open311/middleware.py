"""Serve /open311/ without the middleware the API never uses.

The GeoReport API authenticates by key, keeps no session, sets no cookie, shows
no messages and answers in English, so sessions, authentication, CSRF, messages,
locale and frame options are work for nothing on its hot paths. Placed right
after the security headers and static files, this middleware resolves an
/open311/ address itself and calls the view, skipping the rest of the chain.
Every API view handles its own errors (`open311.http.endpoint`), so nothing
below is needed to turn an exception into an answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import resolve
from django.utils import translation

PREFIX = "/open311/"
REPEATED_SLASHES = re.compile(r"/{2,}")


class GeoReportFastPath:
    """Short-circuit the middleware chain for GeoReport API addresses."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        # Clients that join a base URL ending in "/" with "/services.xml" ask for
        # v2//services.xml; a doubled slash means the single one.
        match = resolve(REPEATED_SLASHES.sub("/", request.path_info))
        request.resolver_match = match
        # The language is per thread: without this, a worker thread that last served a
        # Spanish page filed API requests as Spanish (receipts, the filer's alerts).
        with translation.override(settings.LANGUAGE_CODE):
            return match.func(request, *match.args, **match.kwargs)
