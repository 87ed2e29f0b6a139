"""Strict headers: a CSP every page keeps, HTTPS settings, no caching of callers' details."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from civic311.config import load
from civic311.core.csp import content_security_policy
from civic311.service_requests.services import Requester
from tests.support.staff import file_pothole, logged_in, make_staff

CALLER = Requester(email="ana@example.org", phone="312-555-0100")
DEPLOY_DOC = Path(__file__).parents[2] / "docs" / "deploy-security.md"
INLINE = [
    # Data for scripts (json_script) is never run, so the CSP lets it be.
    (
        re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.I),
        "an inline <script>",
    ),
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"\sstyle=", re.I), "a style attribute"),
    (re.compile(r"\son[a-z]+=", re.I), "an inline event handler"),
]


def policy(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def assert_nothing_inline(html: str, path: str) -> None:
    for pattern, what in INLINE:
        found = pattern.search(html)
        assert not found, f"{path} has {what}, which the CSP refuses: {found.group(0)!r}"


@pytest.mark.django_db
def test_every_kind_of_page_sends_a_strict_policy_and_keeps_it(client, pothole):
    request = file_pothole(pothole, requester=Requester(email="ana@example.org"))
    pages = [
        "/",
        "/es/",
        "/report/",
        f"/report/{pothole.service_code}/",
        f"/requests/{request.tracking_number}",
        "/developers/",
        "/open-data/",
        "/es/open-data/",
        "/open-data/requests.csv",
        "/staff/login/",
        "/admin/login/",
        "/open311/discovery.json",
        "/open311/v2/services.json",
        "/healthz",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        directives = policy(response)
        assert directives["default-src"] == "'self'", path
        assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'", path
        assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
        assert "unsafe-inline" not in response["Content-Security-Policy"], path
        if response["Content-Type"].startswith("text/html"):
            assert_nothing_inline(response.content.decode(), path)


@pytest.mark.django_db
def test_the_staff_pages_keep_the_policy_too(client, pothole):
    request = file_pothole(
        pothole, requester=Requester(email="ana@example.org", phone="312-555-0100")
    )
    logged_in(client, make_staff("operator", "operator"))
    for path in [
        "/staff/",
        "/staff/intake/",
        "/staff/lookup/",
        f"/staff/requests/{request.tracking_number}/",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "unsafe-inline" not in policy(response).get("style-src", "")
        assert_nothing_inline(response.content.decode(), path)


def test_tiles_from_another_host_are_the_only_outside_images_allowed():
    osm = load({"CIVIC311_MAP_TILES_URL": "https://tile.openstreetmap.org/{z}/{x}/{y}.png"})
    assert content_security_policy(osm)["img-src"] == [
        "'self'",
        "blob:",
        "data:",
        "https://tile.openstreetmap.org",
    ]
    shards = load({"CIVIC311_MAP_TILES_URL": "https://{s}.tiles.example.org/{z}/{x}/{y}.png"})
    assert content_security_policy(shards)["img-src"] == [
        "'self'",
        "blob:",
        "data:",
        "https://*.tiles.example.org",
    ]
    assert content_security_policy(load({}))["img-src"] == ["'self'", "blob:"]


@pytest.mark.django_db
def test_a_staff_page_with_a_callers_contact_details_is_never_stored(client, pothole):
    request = file_pothole(
        pothole, requester=Requester(email="ana@example.org", phone="312-555-0100")
    )
    logged_in(client, make_staff("operator", "operator"))
    page = client.get(f"/staff/requests/{request.tracking_number}/")
    assert "ana@example.org" in page.content.decode()
    cache_control = {part.strip() for part in page["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    lookup = client.get("/staff/lookup/", {"q": request.tracking_number})
    assert {"private", "no-store"} <= {p.strip() for p in lookup["Cache-Control"].split(",")}


def test_production_defaults_turn_on_hsts_and_the_https_redirect():
    production = load(
        {
            "CIVIC311_ENV": "production",
            "CIVIC311_SECRET_KEY": secrets.token_urlsafe(50),
            "CIVIC311_BASE_URL": "https://311.example.org",
        }
    )
    assert production.effective_hsts_seconds == 31_536_000
    assert production.effective_ssl_redirect is True
    development = load({})
    assert development.effective_hsts_seconds == 0 and development.effective_ssl_redirect is False
    off = load(
        {
            "CIVIC311_ENV": "production",
            "CIVIC311_HSTS_SECONDS": "0",
            "CIVIC311_SSL_REDIRECT": "false",
            "CIVIC311_SECRET_KEY": secrets.token_urlsafe(50),
            "CIVIC311_BASE_URL": "https://311.example.org",
        }
    )
    assert off.effective_hsts_seconds == 0 and off.effective_ssl_redirect is False


def documented_production_settings() -> dict[str, str]:
    """The CIVIC311_* lines of the production block in docs/deploy-security.md."""
    block = re.search(r"```sh\n# production settings\n(.*?)```", DEPLOY_DOC.read_text(), re.S)
    assert block, "docs/deploy-security.md lost its production settings block"
    found = dict(re.findall(r"^(CIVIC311_[A-Z_]+)=(\S+)", block.group(1), re.M))
    found["CIVIC311_SECRET_KEY"] = secrets.token_urlsafe(50)  # the block says how to make one
    return found


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    # As an operator's shell would be: no test settings (the browser fixture sets
    # DJANGO_ALLOW_ASYNC_UNSAFE for Playwright, which the deploy check rightly refuses).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CIVIC311_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(documented_production_settings(), CIVIC311_DATA_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "civic311.cli", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
