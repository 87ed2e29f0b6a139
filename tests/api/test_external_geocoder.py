"""CIVIC311_GEOCODER_URL: a Nominatim-compatible server asked first, the built-in geocoder
whenever it is slow, failing or finds nothing in the city; the request is filed either way."""

import dataclasses
import time

import pytest

from civic311.geo import geocoding
from civic311.geo.distance import metres_between
from civic311.service_requests.models import ServiceRequest
from tests.api.conftest import file_vehicle, vehicle_form
from tests.conftest import LAKE_MICHIGAN, WRIGLEY_FIELD
from tests.support.nominatim import NominatimServer, place

pytestmark = pytest.mark.django_db

TYPED = "933 W Fullerton Ave"
# Where the server puts 933 W Fullerton (a made-up point a few metres off the grid's,
# so the test can tell whose answer was filed).
SERVERS_POINT = (41.92541, -87.65301)
FULLERTON = (41.92537, -87.65276)


@pytest.fixture
def geocoder(settings):
    """Start a Nominatim-like server with the given options and point civic311 at it."""
    started: list[NominatimServer] = []

    def start(timeout: float = 2.0, **options) -> NominatimServer:
        server = NominatimServer(**options).start()
        started.append(server)
        settings.CIVIC311 = dataclasses.replace(
            settings.CIVIC311, geocoder_url=server.url, geocoder_timeout_seconds=timeout
        )
        return server

    yield start
    for server in started:
        server.stop()


# How long the slow server takes to answer: far above the 0.3 s timeout.
SLOW_SERVER_SECONDS = 5.0


def stored(number: str) -> ServiceRequest:
    return ServiceRequest.objects.get(tracking_number=number)


def test_the_servers_answer_is_filed_when_it_has_one(client, chicago, api_key, geocoder):
    server = geocoder(places={TYPED: [place(*SERVERS_POINT, "933", "West Fullerton Avenue")]})
    number = file_vehicle(client, api_key, lat=None, long=None, address_string=TYPED)
    request = stored(number)
    assert (request.lat, request.long) == SERVERS_POINT
    assert request.ward_id == 43 and request.address == TYPED
    assert [seen["path"] for seen in server.seen] == ["/search"]
    assert server.seen[0]["user_agent"].startswith("civic311/")


def test_the_servers_reverse_names_a_point(client, chicago, api_key, geocoder):
    geocoder(reverse=place(*WRIGLEY_FIELD, "1060", "West Addison Street", "60613"))
    request = stored(file_vehicle(client, api_key, address_string=None))
    assert request.address == "1060 W Addison St" and request.address_derived
    assert request.zipcode == "60613"


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"delay": SLOW_SERVER_SECONDS, "timeout": 0.3}, id="slower-than-the-timeout"),
        pytest.param({"behaviour": "error"}, id="http-500"),
        pytest.param({"behaviour": "garbage"}, id="not-json"),
        pytest.param({}, id="finds-nothing"),
        pytest.param(
            {"places": {TYPED: [place(*LAKE_MICHIGAN, "933", "West Fullerton Avenue")]}},
            id="answers-a-place-outside-every-ward",
        ),
    ],
)
def test_the_built_in_geocoder_answers_when_the_server_does_not(
    client, chicago, api_key, geocoder, options
):
    geocoding.geocode(TYPED)  # the street data loads once per process; not what is timed
    geocoder(**options)
    began = time.monotonic()
    number = file_vehicle(client, api_key, lat=None, long=None, address_string=TYPED)
    if "delay" in options:
        # Filed before the slow server would have answered: the timeout, not the server,
        # ended the wait (generous, so a loaded machine's slowness cannot fail it).
        assert time.monotonic() - began < SLOW_SERVER_SECONDS - 1, "the timeout bounds the wait"
    request = stored(number)
    assert request.ward_id == 43
    assert metres_between(request.lat, request.long, *FULLERTON) < 150
    assert (request.lat, request.long) != SERVERS_POINT


@pytest.mark.parametrize("behaviour", ["error", "garbage"])
def test_a_point_is_still_named_when_the_server_fails(
    client, chicago, api_key, geocoder, behaviour
):
    geocoder(behaviour=behaviour)
    response = client.post("/open311/v2/requests.json", vehicle_form(api_key, address_string=None))
    assert response.status_code == 200, response.content
    (request,) = ServiceRequest.objects.all()
    assert request.address and request.address_derived


def test_a_place_outside_the_city_is_skipped_for_the_next_one_in_it(
    client, chicago, api_key, geocoder
):
    outside = place(41.8850, -87.7845, "933", "West Fullerton Avenue")  # Oak Park
    inside = place(*SERVERS_POINT, "933", "West Fullerton Avenue")
    server = geocoder(places={TYPED: [outside, inside]})
    request = stored(file_vehicle(client, api_key, lat=None, long=None, address_string=TYPED))
    assert (request.lat, request.long) == SERVERS_POINT
    assert server.seen[0]["query"]["limit"] == ["5"]
