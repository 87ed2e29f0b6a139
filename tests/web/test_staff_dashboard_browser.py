"""The supervisors' dashboard in Chromium at desktop and phone width: two departments' panels
with their charts, axe finds nothing serious, nothing is wider than a phone, and a number
followed by a click opens the queue listing that many requests."""

from __future__ import annotations

import datetime as dt

import pytest

from civic311.catalog.models import Department
from civic311.core import clock
from civic311.service_requests import services
from tests.api.conftest import file_at
from tests.conftest import CITY_HALL, WRIGLEY_FIELD
from tests.support.staff import PASSWORD, make_staff
from tests.web.public.test_browser import check_page, stay_local

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
DAY = dt.timedelta(days=1)


@pytest.fixture
def department_history(pothole):
    crew = make_staff("ana", "department", departments=("cdot",), first_name="Ana")
    water = Department.objects.get(code="water-management")
    for i in range(12):
        request = file_at(
            clock.now() - (i * 4.5 + 0.5) * DAY, pothole, where=(CITY_HALL, WRIGLEY_FIELD)[i % 2]
        )
        if i % 3 == 0:
            with clock.frozen_at(min(request.requested_datetime + (i + 1) * DAY, clock.now())):
                services.change_status(request, status="fixed", actor=None)
        elif i % 3 == 1:
            services.assign(request, to_user=crew, actor=None)
        elif i == 5:
            services.transfer(request, to_department=water, reason="A sewer", actor=None)
    make_staff("boss", "supervisor", departments=("cdot", "water-management"))


def test_the_dashboard_at_desktop_and_phone_width(chromium, live_server, department_history):
    for name, (width, height), mobile in (
        ("desktop", (1280, 900), False),
        ("phone", (390, 844), True),
    ):
        context = chromium.new_context(
            viewport={"width": width, "height": height}, is_mobile=mobile
        )
        page = context.new_page()
        page.base = live_server.url
        try:
            stay_local(page)
            page.goto(f"{live_server.url}/staff/")
            page.get_by_label("Username").fill("boss")
            page.get_by_label("Password").fill(PASSWORD)
            page.keyboard.press("Enter")
            page.wait_for_url(f"{live_server.url}/staff/")
            page.get_by_role("link", name="Dashboard", exact=False).click()
            page.wait_for_url("**/staff/dashboard/")
            assert page.locator("section.panel").count() == 2
            assert page.locator("svg.bars").count() == 2
            assert page.locator("#department-cdot svg.bars rect").count() == 60  # 30 days x 2
            page.locator("#department-cdot details summary").click()
            check_page(page, f"staff-dashboard-{name}", width=width)
            opened = page.locator('#department-cdot a[data-figure="open"] strong').inner_text()
            page.locator('#department-cdot a[data-figure="open"]').click()
            page.wait_for_url("**/staff/queues/department/cdot/?status=open")
            assert page.locator("#count-shown").inner_text() == opened
            page.go_back()
            page.locator('#department-water-management a[data-figure="transferred-in"]').click()
            page.wait_for_url("**/staff/queues/department/water-management/?*moved=in*")
            assert page.locator("#count-shown").inner_text() == "1"
            assert "transferred in since" in page.locator("#dashboard-filter").inner_text()
            check_page(page, f"staff-dashboard-queue-{name}", width=width)
        finally:
            context.close()
