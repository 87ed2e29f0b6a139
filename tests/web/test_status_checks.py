"""Each status-check channel counts once per check; staff, robots and the sandbox never.

Pages and the API only add to the process's tally; `flush()` (the background writer's job)
writes it, so each test flushes before it reads the count.
"""

from __future__ import annotations

import datetime as dt
import re
from importlib import import_module

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from civic311.core import clock
from civic311.notifications.models import OutboxMessage
from civic311.service_requests import services as request_services
from civic311.status_checks import channels
from civic311.status_checks import services as status_checks
from civic311.status_checks.models import StatusCheck
from tests.support.staff import file_pothole, logged_in, make_staff

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
BROWSER = {"User-Agent": FIREFOX}


def today() -> dt.date:
    return timezone.localdate(clock.now())


def counted() -> dict[str, int]:
    """Write what is buffered, then today's count per channel as stored."""
    status_checks.flush()
    stored = dict.fromkeys(channels.ALL, 0)
    stored.update(StatusCheck.objects.filter(day=today()).values_list("channel", "count"))
    return stored


def only(**expected: int) -> dict[str, int]:
    return {**dict.fromkeys(channels.ALL, 0), **expected}


@pytest.fixture
def filed(pothole):
    return file_pothole(pothole)


def tracker(number: str) -> str:
    return f"/requests/{number}"


def test_a_tracker_page_view_counts_one_web_check_and_writes_nothing_on_its_request(client, filed):
    with CaptureQueriesContext(connection) as queries:
        page = client.get(tracker(filed.tracking_number), headers=BROWSER)
    assert page.status_code == 200 and filed.tracking_number in page.content.decode()
    writes = [q["sql"] for q in queries if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"])]
    assert writes == []
    assert status_checks.pending() == 1 and not StatusCheck.objects.exists()
    assert counted() == only(web=1)
    client.get(tracker(filed.tracking_number), headers=BROWSER)
    client.get(f"/es{tracker(filed.tracking_number)}", headers=BROWSER)
    assert counted() == only(web=3)
    assert status_checks.flush() == 0  # nothing counted twice


def test_a_visit_from_an_email_link_counts_as_email_not_web(client, pothole):
    filed = request_services.submit_request(
        service=pothole,
        channel="web",
        location=request_services.Location(lat=41.8837, long=-87.6325, address="121 N LaSalle"),
        attributes={"WHEREIST": ["CURB"]},
        requester=request_services.Requester(email="resident@example.org"),
    )
    receipt = OutboxMessage.objects.get(request=filed, kind="receipt")
    marked = f"/requests/{filed.tracking_number}?from=email"
    # (/es/… when the filing ran in Spanish: an earlier test's page leaves it active.)
    links = re.findall(r"https?://[^/\s]+((?:/es)?/requests/\S+)", receipt.body_text)
    assert len(links) == 1 and links[0].endswith(marked)
    assert f'{links[0]}"' in receipt.body_html  # the button's href, marked too
    page = client.get(links[0], headers=BROWSER)
    assert page.status_code == 200
    assert counted() == only(email=1)


def test_api_lookups_of_one_request_or_one_token_count_once_each(client, filed):
    assert client.get(f"/open311/v2/requests/{filed.tracking_number}.json").status_code == 200
    assert counted() == only(api=1)
    assert client.get(f"/open311/v2/requests/{filed.tracking_number}.xml").status_code == 200
    assert client.get(f"/open311/v2/tokens/{filed.token}.json").status_code == 200
    assert counted() == only(api=3)


def test_api_scripts_count_but_crawlers_sandbox_head_and_misses_do_not(client, filed):
    one = f"/open311/v2/requests/{filed.tracking_number}.json"
    client.get(one, headers={"User-Agent": "python-requests/2.32"})
    assert counted() == only(api=1)
    client.get(one, headers={"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1)"})
    client.head(one)
    client.get(f"/open311/sandbox/v2/requests/{filed.tracking_number}.json")
    assert client.get("/open311/v2/requests/26-99999999.json").status_code == 404
    assert client.get("/open311/v2/tokens/nothing.json").status_code == 404
    client.get(f"/open311/v2/requests.json?service_request_id={filed.tracking_number}")
    assert counted() == only(api=1)


def test_call_centre_and_ward_office_lookups_count_in_their_own_channels(client, filed):
    logged_in(client, make_staff("operator", "operator"))
    client.get("/staff/lookup/", {"by": "number", "q": filed.tracking_number})
    assert counted() == only(phone=1)
    client.logout()
    logged_in(client, make_staff("ward42", "ward_office", ward=42))
    client.get("/staff/lookup/", {"by": "number", "q": filed.tracking_number})
    assert counted() == only(phone=1, ward_office=1)
    client.logout()
    logged_in(client, make_staff("sup", "supervisor", departments=("cdot",)))
    client.get("/staff/lookup/", {"by": "number", "q": filed.tracking_number})
    assert counted() == only(phone=1, ward_office=1)  # a supervisor answers no caller


def test_staff_viewing_the_tracker_do_not_count_and_the_page_stays_cacheable(client, filed):
    logged_in(client, make_staff("cdot", "department", departments=("cdot",)))
    page = client.get(tracker(filed.tracking_number), headers=BROWSER)
    client.get(f"{tracker(filed.tracking_number)}?from=email", headers=BROWSER)
    assert page.status_code == 200
    assert "Cookie" not in page.get("Vary", "") and not page.cookies
    assert "public" in page["Cache-Control"]
    assert counted() == only()


def test_a_resident_with_a_session_but_no_login_counts(client, filed):
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["public.report_drafts"] = []
    store.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    client.get(tracker(filed.tracking_number), headers=BROWSER)
    assert counted() == only(web=1)


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "facebookexternalhit/1.1",
        "curl/8.5.0",
        "",
    ],
)
def test_robots_and_scripts_opening_the_tracker_do_not_count(client, filed, agent):
    page = client.get(tracker(filed.tracking_number), headers={"User-Agent": agent})
    assert page.status_code == 200
    assert counted() == only()


def test_head_requests_redirects_and_unknown_numbers_do_not_count(client, filed):
    assert client.head(tracker(filed.tracking_number), headers=BROWSER).status_code == 200
    short = filed.tracking_number.replace("-", "")
    client.get(tracker(short), headers=BROWSER)  # redirects to the canonical number
    assert client.get(tracker("26-99999999"), headers=BROWSER).status_code == 404
    assert counted() == only()
