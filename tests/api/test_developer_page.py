"""The /developers/ page: every method with curl examples in JSON and XML, real values,
the rules an app needs, and a page that works on a phone and for assistive technology."""

from __future__ import annotations

import html
import re

import pytest

from civic311.service_requests import services
from tests.conftest import ABANDONED_VEHICLE, CITY_HALL

EXAMPLE = re.compile(r'<pre[^>]*><code class="curl" data-method="(\w+)">(.*?)</code></pre>', re.S)
# (method, what the URL ends with) for every GeoReport method, in both formats.
EXPECTED = [
    ("GET", r"/open311/discovery\.{fmt}"),
    ("GET", r"/open311/v2/services\.{fmt}"),
    ("GET", r"/open311/v2/services/\w+\.{fmt}"),
    ("POST", r"/open311/v2/requests\.{fmt}"),
    ("GET", r"/open311/v2/tokens/\$TOKEN\.{fmt}"),
    ("GET", r"/open311/v2/requests\.{fmt}\?"),
    ("GET", r"/open311/v2/requests/\d\d-\d{{8}}\.{fmt}"),
    ("GET", r"/open311/v2/servicerequestupdates\.{fmt}\?"),
    ("POST", r"/open311/v2/servicerequestupdates\.{fmt}"),
]


def curl_examples(page_html: str) -> list[tuple[str, str]]:
    """(method, shell command) of every example, as a reader would copy it."""
    return [(m, html.unescape(c)) for m, c in EXAMPLE.findall(page_html)]


@pytest.fixture
def filed(chicago):
    return services.submit_request(
        service=chicago_service(ABANDONED_VEHICLE),
        channel="web",
        location=services.Location(lat=CITY_HALL[0], long=CITY_HALL[1]),
        attributes={"HOWMANYD": ["12"]},
    )


def chicago_service(code):
    from civic311.catalog.models import Service

    return Service.objects.get(service_code=code)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_every_method_has_a_curl_example_in_each_format(client, chicago, fmt):
    examples = curl_examples(client.get("/developers/").content.decode())
    for method, ending in EXPECTED:
        pattern = re.compile(r"http://testserver" + ending.format(fmt=fmt))
        assert any(m == method and pattern.search(c) for m, c in examples), (method, ending)


@pytest.mark.django_db
def test_examples_use_real_values_from_this_server(client, filed):
    page = client.get("/developers/").content.decode()
    commands = "\n".join(c for _, c in curl_examples(page))
    assert f"/requests/{filed.tracking_number}.json" in commands
    # The service with a required question, answered so the POST example is accepted.
    assert f"service_code={ABANDONED_VEHICLE}" in commands
    assert "attribute[HOWMANYD]=" in commands
    assert '--data-urlencode "api_key=$API_KEY"' in commands


@pytest.mark.django_db
def test_the_page_says_how_to_get_a_key_and_the_rules(client, chicago, settings):
    page = html.unescape(client.get("/developers/").content.decode())
    assert 'civic311 apikey create "Your App Name"' in page
    assert "http://testserver/open311/sandbox/v2/keys.json" in page
    assert f"{settings.CIVIC311.api_rate_limit_per_minute} a minute" in page
    for words in ["extensions=true", "servicerequestupdates", "page_size", "updated_after",
                  "Retry-After", "429", "403", "HOWMANYD required", "Idempotency-Key",
                  "deleted after 7 days", "http://testserver/open311/v2/openapi.json"]:  # fmt: skip
        assert words in page, words


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_page_is_accessible_and_fits_a_phone(page, chicago):
    from tests.support.browser import ARTIFACTS, serious_axe_violations

    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{page.base}/developers/")
    assert page.title().startswith("Open311 API for app developers")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "developers-phone.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px on a phone"
    assert serious_axe_violations(page) == []
    page.get_by_role("link", name="Errors").click()
    assert page.locator("#errors").is_visible()
