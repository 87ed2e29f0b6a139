"""/performance/ in Chromium at desktop and phone width: the charts are drawn (50 wards, a
pair of bars per week), the tables are reachable by keyboard, axe finds nothing serious,
nothing is wider than a phone, and the page works without JavaScript."""

from __future__ import annotations

import datetime as dt

import pytest

from civic311.core import clock
from civic311.service_requests import services
from tests.api.conftest import file_at
from tests.conftest import CITY_HALL, WRIGLEY_FIELD
from tests.web.public.test_browser import check_page, stay_local

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
DAY = dt.timedelta(days=1)


@pytest.fixture
def city_history(pothole):
    for i in range(10):
        request = file_at(
            clock.now() - (i * 6 + 2) * DAY, pothole, where=(CITY_HALL, WRIGLEY_FIELD)[i % 2]
        )
        if i % 3:
            with clock.frozen_at(request.requested_datetime + (i + 1) * DAY):
                services.change_status(request, status="fixed", actor=None)


def _drawn(page) -> tuple[int, int]:
    return page.locator("svg.ward-map path[data-ward]").count(), page.locator(
        "svg.bars rect"
    ).count()


def test_the_performance_page_at_desktop_and_phone_width(chromium, live_server, city_history):
    for name, viewport, mobile in (("desktop", (1280, 900), False), ("phone", (390, 844), True)):
        context = chromium.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, is_mobile=mobile
        )
        page = context.new_page()
        page.base = live_server.url
        try:
            stay_local(page)
            page.goto(f"{live_server.url}/performance/")
            assert page.locator("h1").inner_text() == "How the city is doing"
            assert _drawn(page) == (50, 24), "50 wards and 12 weeks of opened/closed pairs"
            assert page.locator('dd[data-figure="opened"]').inner_text() == "10"
            check_page(page, f"performance-{name}", width=viewport[0])
            page.select_option("#id_ward", "42")
            page.click("form.filters button[type=submit]")
            page.wait_for_url("**/performance/?*ward=42*")
            assert page.locator('dd[data-figure="opened"]').inner_text() == "5"
        finally:
            context.close()


def test_the_tables_scroll_by_keyboard_and_the_page_needs_no_javascript(
    chromium, live_server, city_history
):
    context = chromium.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/es/performance/?period=months")
        assert page.locator("h1").inner_text() == "Cómo le va a la ciudad"
        assert page.locator("svg.ward-map path[data-ward]").count() == 50
        scrollers = page.locator(".table-scroll")
        assert scrollers.count() == 3
        assert all(s.get_attribute("tabindex") == "0" for s in scrollers.all())
    finally:
        context.close()
