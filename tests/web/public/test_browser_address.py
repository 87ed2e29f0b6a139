"""In Chromium: a pothole reported by typing its address and confirming the match, never
clicking the map to place it; a pin dropped in Lake Michigan is refused and goes back."""

from __future__ import annotations

import re

import pytest

from civic311.service_requests.models import ServiceRequest
from tests.conftest import LAKE_MICHIGAN
from tests.support.browser import serious_axe_violations
from tests.web.public.test_address_search import FULLERTON, FULLERTON_WARD
from tests.web.public.test_browser import NUMBER, shoot, stay_local

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# Keeps every Leaflet map the page makes, so the test can find where a lat/long is drawn.
# Test-only: it wraps the `L` the vendored leaflet.js assigns, the page's code is untouched.
KEEP_MAPS = """
(() => {
  let leaflet;
  window.__maps = [];
  Object.defineProperty(window, "L", {
    configurable: true,
    get() { return leaflet; },
    set(value) {
      leaflet = value;
      if (value && value.Map) { value.Map.addInitHook(function () { window.__maps.push(this); }); }
    },
  });
})();
"""


def pixel_of(page, lat: float, long: float) -> dict:
    """Where on the picker map a point is drawn, as a click position inside #location-map."""
    x, y = page.evaluate(
        "([lat, long]) => { const p = window.__maps[0].latLngToContainerPoint([lat, long]);"
        " return [p.x, p.y]; }",
        [lat, long],
    )
    return {"x": x, "y": y}


def test_report_by_typing_the_address_and_a_pin_in_the_lake_goes_back(page, pothole):
    stay_local(page)
    page.add_init_script(KEEP_MAPS)
    page.goto(f"{page.base}/report/{pothole.service_code}/")
    page.get_by_label("Curb Lane").check()
    address = page.get_by_label("Address or nearest intersection")
    address.fill("1 Nowhere St")
    page.get_by_role("button", name="Search", exact=True).click()
    search_status = page.locator("[data-address-status]")
    page.wait_for_function(
        "() => document.querySelector('[data-address-status]').textContent.includes('could not')"
    )
    assert "We could not find that address in Chicago." in search_status.inner_text()
    assert address.input_value() == "1 Nowhere St", "what was typed is kept"

    address.fill("933 w fullerton")
    page.keyboard.press("Enter")  # searches; does not send the form

    confirm = page.locator("[data-address-confirm]")
    confirm.wait_for(state="visible")
    assert f"{FULLERTON}, ward {FULLERTON_WARD}" in confirm.inner_text()
    assert "Is this the place?" in confirm.inner_text()
    assert page.locator("#id_lat").input_value() == "", "nothing is filled before confirming"
    shoot(page, "address-search-confirm")
    page.get_by_role("button", name="Yes, this is the place").click()
    lat = float(page.locator("#id_lat").input_value())
    long = float(page.locator("#id_long").input_value())
    assert address.input_value() == FULLERTON
    assert page.locator(".leaflet-marker-icon").count() == 1

    # Lake Michigan: the pin is refused, says why, and goes back to the confirmed place.
    page.evaluate("() => window.__maps[0].setView([41.9, -87.6], 11)")
    page.locator("#location-map").click(position=pixel_of(page, *LAKE_MICHIGAN))
    pin_status = page.locator("[data-pin-status]")
    page.wait_for_function(
        "() => document.querySelector('[data-pin-status]').textContent.includes('outside')"
    )
    assert "That point is outside Chicago." in pin_status.inner_text()
    assert "The pin went back to where it was." in pin_status.inner_text()
    assert float(page.locator("#id_lat").input_value()) == lat
    assert float(page.locator("#id_long").input_value()) == long
    marker = page.evaluate(
        "() => { const m = window.__maps[0]; let at = null;"
        " m.eachLayer((l) => { if (l.options.draggable) { at = l.getLatLng(); } });"
        " return [at.lat, at.lng]; }"
    )
    assert marker == pytest.approx([lat, long], abs=1e-6), "the pin is drawn back there too"
    shoot(page, "address-search-lake-refused")
    problems = serious_axe_violations(page)
    assert not problems, [(p["id"], [n["target"] for n in p["nodes"]]) for p in problems]

    page.get_by_label("Describe the problem").fill("Found by its address.")
    page.get_by_role("button", name="Review your report").click()
    page.wait_for_url(re.compile(r"/report/review/"))
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_url(re.compile(r"/report/done/"))
    number = page.get_by_test_id("tracking-number").inner_text().strip()
    assert NUMBER.match(number), number
    request = ServiceRequest.objects.get(tracking_number=number)
    assert request.ward_id == FULLERTON_WARD and request.address == FULLERTON
    assert (request.lat, request.long) == pytest.approx((lat, long), abs=1e-6)

    # The home page finds it again near the corner a neighbour types.
    page.goto(f"{page.base}/")
    page.get_by_label("Requests near an address").fill("Fullerton & Sheffield")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"near=Fullerton"))
    listed = page.locator(".request-list .request-item").first
    assert number in listed.inner_text() and "m away" in listed.inner_text()
    assert "Requests within 1 km of" in page.locator("[data-near-place]").inner_text()
    shoot(page, "home-near-an-address")
    problems = serious_axe_violations(page)
    assert not problems, [(p["id"], [n["target"] for n in p["nodes"]]) for p in problems]
