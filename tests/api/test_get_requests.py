"""GET requests (item 5): filters, defaults, paging, lenient dates, and a fixed query count."""

import datetime as dt

import pytest

from civic311.core import clock
from civic311.service_requests import services as request_services
from tests.api.conftest import file_at

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests.json"
NOW = dt.datetime(2026, 6, 15, 17, 0, tzinfo=dt.UTC)


def ids(response):
    assert response.status_code == 200, response.content
    return [r["service_request_id"] for r in response.json()]


@pytest.fixture
def frozen_now():
    with clock.frozen_at(NOW):
        yield NOW


@pytest.fixture
def history(chicago, pothole, abandoned_vehicle, frozen_now):
    """Six requests at known times: 1, 10, 40, 100 and 200 days ago, one closed."""
    made = {}
    for days, service in [(1, pothole), (10, abandoned_vehicle), (40, pothole), (100, pothole)]:
        made[days] = file_at(NOW - dt.timedelta(days=days), service)
    made[200] = file_at(NOW - dt.timedelta(days=200), abandoned_vehicle)
    with clock.frozen_at(NOW - dt.timedelta(days=5)):
        request_services.change_status(made[10], status="fixed", actor=None)
    return {days: r.tracking_number for days, r in made.items()}


def test_the_default_is_the_last_90_days_newest_first(client, history):
    assert ids(client.get(URL)) == [history[1], history[10], history[40]]


def test_ids_override_every_other_filter(client, history):
    wanted = f"{history[200]},{history[1]}"
    response = client.get(URL, {"service_request_id": wanted, "status": "closed"})
    assert ids(response) == [history[1], history[200]]
    repeated = client.get(
        f"{URL}?service_request_id={history[200]}&service_request_id={history[100]}"
    )
    assert ids(repeated) == [history[100], history[200]]


def test_service_code_and_status_take_comma_lists_and_repeats(client, history, pothole):
    assert ids(client.get(URL, {"service_code": pothole.service_code})) == [history[1], history[40]]
    both = f"{pothole.service_code},4ffa4c69601827691b000018"
    assert len(ids(client.get(URL, {"service_code": both}))) == 3
    assert ids(client.get(URL, {"status": "closed"})) == [history[10]]
    assert ids(client.get(f"{URL}?status=open&status=closed")) == [
        history[1],
        history[10],
        history[40],
    ]
    assert ids(client.get(URL, {"status": "open,closed"})) == ids(client.get(URL))


def test_start_and_end_date_filter_requested_datetime(client, history):
    window = {"start_date": "2025-11-01T00:00:00Z", "end_date": "2026-04-01T00:00:00-05:00"}
    assert ids(client.get(URL, window)) == [history[100], history[200]]
    # Only a start: everything since then, beyond 90 days.
    assert len(ids(client.get(URL, {"start_date": "2025-01-01"}))) == 5
    # Only an end: the 90 days up to it.
    end = (NOW - dt.timedelta(days=30)).isoformat()
    assert ids(client.get(URL, {"end_date": end})) == [history[40], history[100]]


def test_updated_after_and_before_filter_updated_datetime_without_a_default_window(client, history):
    after = (NOW - dt.timedelta(days=6)).isoformat()
    assert ids(client.get(URL, {"updated_after": after})) == [history[1], history[10]]
    before = (NOW - dt.timedelta(days=150)).isoformat()
    assert ids(client.get(URL, {"updated_before": before})) == [history[200]]


@pytest.mark.parametrize(
    "value",
    [
        "2025-01-01T00:00:00.999999-06:00",  # chicagorequests: microseconds and an offset
        "2025-01-01T00:00:00",  # srtracker's first run: naive, the jurisdiction's zone
        "2025-01-01T06:00:00.123456Z",  # srtracker: utcnow().isoformat() + 'Z'
        "2025-01-01T00:00:00 06:00",  # a + that arrived as a space
        "2025-01-01 00:00:00",
        "2025-01-01",
    ],
)
def test_dates_are_read_leniently(client, history, value):
    assert len(ids(client.get(URL, {"start_date": value}))) == 5


def test_a_naive_date_is_chicago_time(client, chicago, pothole, frozen_now):
    # 2026-06-01 00:30 in Chicago is 05:30 UTC.
    number = file_at(dt.datetime(2026, 6, 1, 5, 30, tzinfo=dt.UTC), pothole).tracking_number
    assert ids(client.get(URL, {"start_date": "2026-06-01T00:00:00"})) == [number]
    assert ids(client.get(URL, {"start_date": "2026-06-01T01:00:00"})) == []


@pytest.mark.parametrize("name", ["start_date", "end_date", "updated_after", "updated_before"])
def test_a_bad_date_is_a_400_naming_the_parameter(client, chicago, name):
    response = client.get(URL, {name: "last tuesday"})
    assert response.status_code == 400
    ((error),) = response.json()
    assert error["code"] == 400 and error["description"].startswith(f"{name} is not a date")


def test_several_bad_parameters_are_listed_together(client, chicago):
    response = client.get(URL, {"start_date": "soon", "status": "pending", "page": "two"})
    assert response.status_code == 400
    assert len(response.json()) == 3


@pytest.fixture
def sixty(chicago, pothole, frozen_now):
    return [
        file_at(NOW - dt.timedelta(hours=hour + 1), pothole).tracking_number for hour in range(60)
    ]


def test_pages_of_50_by_default_1_based_and_page_0_is_page_1(client, sixty):
    first = ids(client.get(URL))
    assert first == sixty[:50]
    assert ids(client.get(URL, {"page": "2"})) == sixty[50:]
    assert ids(client.get(URL, {"page": "0"})) == first
    assert ids(client.get(URL, {"page": "3"})) == []


def test_page_size_is_honoured_and_every_page_but_the_last_is_full(client, sixty):
    pages = [ids(client.get(URL, {"page_size": "25", "page": str(n)})) for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [25, 25, 10]
    assert [n for page in pages for n in page] == sixty


def test_page_size_above_500_is_served_at_500_and_nonsense_is_400(client, chicago):
    assert client.get(URL, {"page_size": "5000"}).status_code == 200
    for bad in ("0", "-1", "ten"):
        response = client.get(URL, {"page_size": bad})
        assert response.status_code == 400 and "page_size" in response.json()[0]["description"]


def test_empty_parameters_behave_like_absent_ones(client, history):
    empty = {n: "" for n in ("service_request_id", "service_code", "status", "start_date", "page")}
    assert ids(client.get(URL, empty)) == ids(client.get(URL))


@pytest.mark.parametrize(("extensions", "queries"), [("false", 1), ("true", 4)])
def test_the_query_count_does_not_grow_with_the_page(
    client, sixty, django_assert_max_num_queries, extensions, queries
):
    # The rows; with extensions also the notes, the photos and the private attribute codes.
    with django_assert_max_num_queries(queries):
        small = client.get(URL, {"page_size": "2", "extensions": extensions})
    with django_assert_max_num_queries(queries):
        large = client.get(URL, {"page_size": "60", "extensions": extensions})
    assert len(small.json()) == 2 and len(large.json()) == 60


def test_one_request_costs_a_fixed_number_of_queries(client, sixty, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert client.get(f"/open311/v2/requests/{sixty[0]}.json").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(f"/open311/v2/requests/{sixty[0]}.xml?extensions=true").status_code == 200
