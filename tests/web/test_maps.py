"""Maps on both sites: the tile settings reach the page, and without tiles the city is drawn.

The browser test points the tiles at a local port nobody listens on, as when a
city's tile server is down (or the machine has no internet): the maps must then
draw the shipped base map, with every ward, its number and the major streets,
and still show each request's pin coloured by its status, with a legend.
"""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from django.conf import settings as django_settings

from civic311.core.csp import content_security_policy
from civic311.service_requests import services
from tests.conftest import CITY_HALL, WRIGLEY_FIELD
from tests.support.browser import ARTIFACTS, serious_axe_violations
from tests.support.smtp import free_port
from tests.support.staff import PASSWORD, make_staff
from tests.support.tiles import TileServer

ENGLEWOOD = (41.7797, -87.6446)  # 63rd St & Halsted St, ward 16 or 20
LEGEND = ["New or under review", "Work scheduled or in progress", "Closed"]


def use_tiles(settings, url: str, attribution: str = "") -> None:
    """Run the site with these tile settings (the live server reads the same settings)."""
    settings.CIVIC311 = dataclasses.replace(
        django_settings.CIVIC311, map_tiles_url=url, map_attribution=attribution
    )
    # The Content-Security-Policy lets the pages load images from the tile server.
    settings.SECURE_CSP = content_security_policy(settings.CIVIC311)


def file_at(pothole, where, status: str = ""):
    """A pothole at `where`, moved on to `status` when one is given."""
    request = services.submit_request(
        service=pothole,
        channel="web",
        location=services.Location(lat=where[0], long=where[1]),
        attributes={"WHEREIST": ["CURB"]},
    )
    if status:
        services.change_status(request, status=status, actor=None)
    return request


def map_element(html: str, element_id: str) -> str:
    match = re.search(rf'<div [^>]*id="{element_id}"[^>]*>', html)
    assert match, f"no #{element_id} on the page"
    return match.group(0)


# --- what the pages carry ----------------------------------------------------------------


@pytest.mark.django_db
def test_without_tile_settings_the_home_map_asks_for_the_base_map(client, pothole):
    file_at(pothole, CITY_HALL)
    html = client.get("/").content.decode()
    element = map_element(html, "recent-map")
    assert 'data-tiles=""' in element
    assert 'data-basemap="/static/civic311/chicago-basemap.geojson"' in element
    basemap = client.get("/static/civic311/chicago-basemap.geojson")
    assert basemap.status_code == 200
    features = json.loads(b"".join(basemap.streaming_content))["features"]
    assert sum(f["properties"]["kind"] == "ward" for f in features) == 50


@pytest.mark.django_db
def test_configured_tiles_and_their_credit_reach_every_map(client, pothole, settings):
    use_tiles(settings, "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    sr = file_at(pothole, WRIGLEY_FIELD, "in_progress")
    for path, element_id in (
        ("/", "recent-map"),
        (f"/requests/{sr.tracking_number}", "request-map"),
    ):
        element = map_element(client.get(path).content.decode(), element_id)
        assert 'data-tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in element, path
        assert 'data-attribution="© OpenStreetMap contributors"' in element, path
    tracker = map_element(
        client.get(f"/requests/{sr.tracking_number}").content.decode(), "request-map"
    )
    assert 'data-status-group="progress"' in tracker


@pytest.mark.django_db
def test_the_home_maps_markers_carry_their_status_colour(client, pothole):
    new, scheduled, fixed = (
        file_at(pothole, CITY_HALL),
        file_at(pothole, WRIGLEY_FIELD, "action_scheduled"),
        file_at(pothole, ENGLEWOOD, "fixed"),
    )
    html = client.get("/").content.decode()
    data = re.search(r'<script id="recent-markers" type="application/json">(.*?)</script>', html)
    markers = {m["url"].rsplit("/", 1)[1]: m["group"] for m in json.loads(data.group(1))}
    assert markers == {
        new.tracking_number: "new",
        scheduled.tracking_number: "progress",
        fixed.tracking_number: "closed",
    }


@pytest.mark.django_db
def test_the_staff_request_page_map_has_the_tiles_and_the_pins_status(client, pothole, settings):
    use_tiles(settings, "https://tiles.example.org/{z}/{x}/{y}.png", "Tiles © Example Maps")
    sr = file_at(pothole, CITY_HALL, "fixed")
    client.force_login(make_staff("supervisor", "supervisor", departments=("cdot",)))
    html = client.get(f"/staff/requests/{sr.tracking_number}/").content.decode()
    element = re.search(r"<div class=\"map\" data-map [^>]*>", html).group(0)
    assert 'data-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in element
    assert 'data-attribution="Tiles © Example Maps"' in element
    assert 'data-status-group="closed"' in element
    assert "civic311/citymap.js" in html


# --- in a real browser -------------------------------------------------------------------


def _drawn(page, selector: str) -> None:
    """Wait for the base map to be drawn on the map, and for it to stop moving."""
    page.wait_for_selector(f"{selector}[data-basemap-state=drawn]", timeout=15_000)
    page.wait_for_selector(
        f"{selector} .leaflet-map-pane:not(.leaflet-zoom-anim)", state="attached"
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.browser
def test_with_tiles_unreachable_the_maps_draw_the_city_and_coloured_pins(page, pothole, settings):
    use_tiles(settings, f"http://127.0.0.1:{free_port()}/{{z}}/{{x}}/{{y}}.png", "Tiles © Nowhere")
    requests = {
        "new": file_at(pothole, CITY_HALL),
        "progress": file_at(pothole, WRIGLEY_FIELD, "in_progress"),
        "closed": file_at(pothole, ENGLEWOOD, "fixed"),
    }
    page.goto(f"{page.base}/")
    _drawn(page, "#recent-map")
    home = page.locator("#recent-map")

    # The tiles failed and were dropped; the base map is there instead.
    assert home.locator("img.leaflet-tile").count() == 0
    assert home.locator("path.citymap-ward").count() == 50
    assert home.locator("path.citymap-outline").count() == 1
    assert home.locator("path.citymap-street").count() >= 40
    wards = home.locator(".citymap-ward-label").all_text_contents()
    assert sorted(int(n) for n in wards) == list(range(1, 51))
    streets = home.locator(".citymap-street-label").all_inner_texts()
    assert len(streets) >= 3, streets
    assert set(streets) <= set(_street_names(page)), streets
    assert "City of Chicago" in home.locator(".leaflet-control-attribution").inner_text()

    # Each request's pin says its status, in colour, glyph and words; the legend says how.
    for group, sr in requests.items():
        pin = home.locator(f".citymap-pin--{group}")
        assert pin.count() == 1, group
        title = pin.get_attribute("title")
        assert (
            sr.tracking_number in title
            and LEGEND[["new", "progress", "closed"].index(group)] in title
        )
    colours = {
        pin.get_attribute("class").split("--")[-1]: pin.locator("path").first.get_attribute("fill")
        for pin in home.locator(".citymap-pin").all()
    }
    assert len(set(colours.values())) == 3, colours
    assert page.locator(".citymap-legend li").all_inner_texts() == LEGEND
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "maps-basemap-home.png"), full_page=True)
    assert [v["id"] for v in serious_axe_violations(page)] == []

    # On a phone the legend wraps and nothing is wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    _drawn(page, "#recent-map")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator(".citymap-legend").is_visible()
    page.screenshot(path=str(ARTIFACTS / "maps-basemap-home-390.png"), full_page=True)

    # In Spanish, the legend is too.
    page.goto(f"{page.base}/es/")
    _drawn(page, "#recent-map")
    assert page.locator(".citymap-legend li").all_inner_texts() == [
        "Nueva o en revisión",
        "Trabajo programado o en curso",
        "Cerrada",
    ]

    # The tracker page of one request: its pin on the base map, up close, with street names.
    page.goto(f"{page.base}/requests/{requests['progress'].tracking_number}")
    _drawn(page, "#request-map")
    tracker = page.locator("#request-map")
    assert tracker.locator(".citymap-pin--progress").count() == 1
    assert tracker.locator(".citymap-street-label").count() >= 1
    page.locator("#request-map").screenshot(path=str(ARTIFACTS / "maps-basemap-tracker.png"))

    # When the tiles do load they stay, with their credit, and the base map is not drawn; the
    # tile server learns which site asks (the origin as Referer) but not which page.
    tiles = TileServer().start()
    try:
        use_tiles(settings, tiles.url, "Tiles © Local Maps")
        # (a query of its own: the browser keeps the page it saw for a minute, as it may)
        page.goto(f"{page.base}/requests/{requests['progress'].tracking_number}?tiles")
        page.locator("#request-map img.leaflet-tile-loaded").first.wait_for()
        page.wait_for_timeout(300)  # the tile layer's "load" has fired by now
        assert page.locator("#request-map").get_attribute("data-basemap-state") is None
        assert page.locator("#request-map path.citymap-ward").count() == 0
        credit = page.locator("#request-map .leaflet-control-attribution").inner_text()
        assert "Tiles © Local Maps" in credit
        assert tiles.requests and {referer for _path, referer in tiles.requests} == {
            f"{page.base}/"
        }
    finally:
        tiles.stop()

    # Staff intake: the point is still picked by a click on the base map.
    use_tiles(settings, f"http://127.0.0.1:{free_port()}/{{z}}/{{x}}/{{y}}.png")
    make_staff("operator", "operator")
    page.goto(f"{page.base}/staff/")
    page.get_by_label("Username").fill("operator")
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{page.base}/staff/")
    page.goto(f"{page.base}/staff/intake/")
    _drawn(page, ".map[data-pick]")
    page.locator(".map[data-pick]").click()  # the middle: City Hall
    assert abs(float(page.get_by_label("Latitude").input_value()) - CITY_HALL[0]) < 0.01
    assert abs(float(page.get_by_label("Longitude").input_value()) - CITY_HALL[1]) < 0.01


def _street_names(page) -> list[str]:
    data = page.evaluate(
        "async () => (await (await fetch('/static/civic311/chicago-basemap.geojson')).json())"
        ".features.filter(f => f.properties.kind === 'street').map(f => f.properties.name)"
    )
    return list(data)
