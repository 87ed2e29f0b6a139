"""Shared fixtures: the Chicago catalogue on a real database, users, and helpers."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from civic311.catalog.models import Service
from civic311.catalog.services import load_catalog
from civic311.geo import lookup

POTHOLE = "4fd3b656e750846c53000004"
ABANDONED_VEHICLE = "4ffa4c69601827691b000018"
CITY_HALL = (41.8837, -87.6325)  # 121 N LaSalle St, ward 42
WRIGLEY_FIELD = (41.9484, -87.6553)  # ward 44
LAKE_MICHIGAN = (41.88, -87.55)  # in no ward


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a Spanish page leaves Spanish active in the
    thread (LocaleMiddleware never deactivates), and a later test that files without a
    request would then write its emails in Spanish."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_ward_index():
    """Ward boundaries are cached per process; tests load and flush them, so start clean."""
    lookup.reset()
    yield
    lookup.reset()


@pytest.fixture(autouse=True)
def _no_leftover_status_checks():
    """Status checks are buffered per process; one test's unwritten checks never reach another."""
    from civic311.status_checks import services as status_checks

    status_checks.discard_pending()
    yield
    status_checks.discard_pending()


@pytest.fixture
def chicago(db) -> None:
    """The Chicago 2012 catalogue with its departments, routing and 50 wards."""
    if not Service.objects.filter(service_code=POTHOLE).exists():
        load_catalog(name_or_path="chicago-2012")


@pytest.fixture
def pothole(chicago) -> Service:
    return Service.objects.get(service_code=POTHOLE)


@pytest.fixture
def abandoned_vehicle(chicago) -> Service:
    return Service.objects.get(service_code=ABANDONED_VEHICLE)


@pytest.fixture
def media_root(settings, tmp_path):
    """Photos stored during the test land in tmp_path/media, never in the developer's var/."""
    root = tmp_path / "media"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": "/media/"},
        },
    }
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def smtp_sink():
    """A real SMTP server on a free loopback port; `.mailbox` holds what it received."""
    from tests.support.smtp import SmtpSink

    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the session (Debian's package, never a downloaded one)."""
    from playwright.sync_api import sync_playwright

    from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, chromium_missing

    problem = chromium_missing()
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    # Playwright's sync API runs an event loop in this thread; the ORM calls tests make
    # around it are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    """A fresh browser page (desktop size); `page.base` is the live server's URL."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.base = live_server.url
    # Chromium reports what the Content-Security-Policy refused on the console: any such
    # line means a page and its policy disagree (a map that cannot load, a dead button).
    refused: list[str] = []

    def note_refusals(message) -> None:
        if "Content Security Policy" in message.text and not getattr(page, "running_axe", False):
            refused.append(f"{message.text} ({message.location['url']})")

    page.on("console", note_refusals)
    yield page
    context.close()
    assert not refused, f"the Content-Security-Policy refused: {refused}"
