"""The Nominatim-compatible client against a real local HTTP server (no database)."""

import time

import pytest

from civic311.geo.geocoding import Precision, nominatim
from civic311.geo.geocoding.nominatim import GeocoderUnavailable, Nominatim, TtlCache
from tests.support.nominatim import NominatimServer, place

FULLERTON = place(41.92537, -87.65276, "933", "West Fullerton Avenue", "60614")


@pytest.fixture
def server():
    running = NominatimServer(
        places={"933 w fullerton ave": [FULLERTON]},
        reverse=place(41.8837, -87.6325, "121", "North LaSalle Street", "60602"),
    ).start()
    yield running
    running.stop()


def start(**options) -> NominatimServer:
    return NominatimServer(**options).start()


def test_search_reads_jsonv2_in_the_citys_style(server):
    (match,) = Nominatim(server.url, timeout=2).search("933 W  Fullerton Ave")
    assert (match.lat, match.long) == (41.92537, -87.65276)
    assert match.address == "933 W Fullerton Ave"
    assert match.precision is Precision.ADDRESS
    assert (match.source, match.zipcode) == ("nominatim", "60614")


def test_search_asks_the_documented_url_and_names_civic311(server):
    Nominatim(server.url, timeout=2).search("933 W Fullerton Ave")
    (seen,) = server.seen
    assert seen["path"] == "/search"
    assert seen["query"] == {
        "q": ["933 W Fullerton Ave"],
        "format": ["jsonv2"],
        "limit": ["5"],
        "addressdetails": ["1"],
    }
    assert seen["user_agent"].startswith("civic311/")


def test_reverse_names_the_point(server):
    match = Nominatim(server.url, timeout=2).reverse(41.8837, -87.6325)
    assert match is not None and match.address == "121 N LaSalle St"
    assert server.seen[0]["query"]["lat"] == ["41.883700"]
    assert server.seen[0]["query"]["format"] == ["jsonv2"]


def test_nothing_found_is_an_empty_answer_not_a_failure():
    running = start()
    try:
        client = Nominatim(running.url, timeout=2)
        assert client.search("1 Nowhere St") == []
        assert client.reverse(41.88, -87.55) is None
    finally:
        running.stop()


def test_answers_are_cached_so_the_server_is_asked_once(server):
    client = Nominatim(server.url, timeout=2)
    first = client.search("933 W Fullerton Ave")
    again = client.search("933 w fullerton AVE")
    assert first == again and len(server.seen) == 1


@pytest.mark.parametrize("behaviour", ["error", "garbage"])
def test_an_http_error_or_malformed_json_is_unavailable(behaviour):
    running = start(behaviour=behaviour)
    try:
        with pytest.raises(GeocoderUnavailable):
            Nominatim(running.url, timeout=2).search("933 W Fullerton Ave")
    finally:
        running.stop()


def test_a_slow_server_times_out_quickly_and_is_left_alone_for_a_while():
    running = start(delay=1.5)
    try:
        client = Nominatim(running.url, timeout=0.3)
        began = time.monotonic()
        with pytest.raises(GeocoderUnavailable):
            client.search("933 W Fullerton Ave")
        assert time.monotonic() - began < 1.2
        with pytest.raises(GeocoderUnavailable, match="not asked again"):
            client.reverse(41.8837, -87.6325)
        assert len(running.seen) == 1
    finally:
        running.stop()


def test_a_refused_connection_is_unavailable():
    from tests.support.smtp import free_port

    with pytest.raises(GeocoderUnavailable):
        Nominatim(f"http://127.0.0.1:{free_port()}", timeout=1).search("933 W Fullerton Ave")


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"lat": "41.9", "lon": "-87.6", "address": {"road": "North Clark Street"}}, "N Clark St"),
        (
            {"lat": "41.9", "lon": "-87.6", "display_name": "Wrigley Field, Chicago"},
            "Wrigley Field",
        ),
        ({"lat": "north", "lon": "-87.6", "display_name": "x"}, None),
        ({"lat": "95", "lon": "-87.6", "display_name": "x"}, None),
        ({"lat": "41.9", "lon": "-87.6"}, None),
        ("not a place", None),
    ],
)
def test_places_without_a_house_number_or_point(answer, expected):
    match = nominatim.match_of(answer)
    assert (match.address if match else None) == expected
    if match:
        assert match.precision is Precision.STREET


def test_city_style_keeps_names_that_are_not_directions_or_types():
    assert nominatim.city_style("North Avenue") == "N Ave"
    assert nominatim.city_style("West North Avenue") == "W North Ave"
    assert nominatim.city_style("Broadway") == "Broadway"
    assert nominatim.city_style("South Martin Luther King Drive") == "S Martin Luther King Dr"


def test_the_cache_forgets_the_least_recently_used_and_the_expired():
    now = [0.0]
    cache = TtlCache(size=2, seconds=10, clock=lambda: now[0])
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == (True, 1)
    cache.put("c", 3)  # "b" was used least recently
    assert cache.get("b") == (False, None)
    now[0] = 11
    assert cache.get("a") == (False, None) and cache.get("c") == (False, None)
