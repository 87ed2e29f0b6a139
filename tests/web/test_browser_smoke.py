"""The browser harness itself works: Debian's Chromium loads a page served by the live server."""

import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_chromium_sees_the_health_page(page):
    page.goto(f"{page.base}/healthz")
    assert '"status": "ok"' in page.content() or '"status":"ok"' in page.content()
