"""Placing requests in the domain: every channel located, confirmed points learnt, the demo
data and the backfill of requests stored before geocoding."""

import io

import pytest
from django.core.management import call_command

from civic311.core.errors import ValidationFailed
from civic311.geo import geocoding
from civic311.geo import services as places
from civic311.geo.distance import metres_between
from civic311.geo.models import ConfirmedPoint
from civic311.service_requests import services
from civic311.service_requests.demo import create_demo_requests
from civic311.service_requests.models import RequestEvent, ServiceRequest
from tests.conftest import CITY_HALL, LAKE_MICHIGAN, WRIGLEY_FIELD

pytestmark = pytest.mark.django_db

FULLERTON = "933 W Fullerton Ave"


def file(service, channel="phone", **where):
    return services.submit_request(
        service=service,
        channel=channel,
        location=services.Location(**where),
        attributes={"WHEREIST": ["CURB"]},
    )


@pytest.mark.parametrize("channel", ["web", "phone", "ward_office", "staff", "open311"])
def test_every_channel_places_a_typed_address_in_its_ward(pothole, channel):
    request = file(pothole, channel, address="121 N LaSalle St")
    assert request.ward_id == 42 and request.lat is not None and request.long is not None
    assert request.location_precision == "address" and not request.address_derived
    assert (request.street_key, request.address_block) == ("lasalle", 100)


def test_a_point_alone_gets_the_nearest_address(pothole):
    request = file(pothole, lat=WRIGLEY_FIELD[0], long=WRIGLEY_FIELD[1])
    assert request.address and request.address_derived
    assert request.street_key and request.address_block is not None


def test_the_old_sentences_still_guard_a_point(pothole):
    with pytest.raises(ValidationFailed, match="lat and long must be sent together"):
        file(pothole, lat=41.9)
    with pytest.raises(ValidationFailed, match="within ±90"):
        file(pothole, lat=95.0, long=-87.6)
    with pytest.raises(ValidationFailed, match="outside the city"):
        file(pothole, lat=LAKE_MICHIGAN[0], long=LAKE_MICHIGAN[1])


def test_an_address_nobody_can_find_files_nothing(pothole):
    with pytest.raises(ValidationFailed) as raised:
        file(pothole, address="1 Nowhere St")
    assert raised.value.errors == {"address": places.NOT_FOUND}
    assert not ServiceRequest.objects.exists()


def test_a_residents_pin_beside_their_address_is_remembered_for_the_block(pothole):
    grid = geocoding.geocode(FULLERTON)
    assert grid is not None
    # The resident put the pin 30 m east of where the grid puts their house.
    pin = (grid.lat, grid.long + 30 / 83_000)
    file(pothole, "web", address=FULLERTON, lat=pin[0], long=pin[1])
    (point,) = ConfirmedPoint.objects.all()
    assert (point.street_key, point.block, point.source) == ("fullerton", 900, "resident")
    same = places.locate(address=FULLERTON)
    assert (same.lat, same.long) == pin and same.source == "civic311+confirmed"
    neighbour = places.locate(address="951 W Fullerton Ave")
    plain = geocoding.geocode("951 W Fullerton Ave")
    assert plain is not None and neighbour.source == "civic311+confirmed"
    # One pin on the block moves its neighbours a quarter of the way (ADR 0014).
    assert neighbour.long - plain.long == pytest.approx((pin[1] - grid.long) / 4, abs=1e-9)


def test_other_channels_and_other_blocks_do_not_confirm(pothole):
    grid = geocoding.geocode(FULLERTON)
    assert grid is not None
    file(pothole, "phone", address=FULLERTON, lat=grid.lat, long=grid.long + 0.0003)
    assert not ConfirmedPoint.objects.exists()
    places.confirm_point(address=FULLERTON, lat=grid.lat, long=grid.long + 0.0003, source="staff")
    other_block = places.locate(address="1033 W Fullerton Ave")
    assert other_block.source == "civic311"


def test_every_demo_request_has_an_address_and_a_point(chicago):
    create_demo_requests(count=12, days=10, seed=7)
    requests = list(ServiceRequest.objects.values("address", "lat", "ward_id"))
    assert len(requests) == 12
    assert all(r["address"] and r["lat"] is not None and r["ward_id"] for r in requests)


def _stored_before_geocoding(pothole, **fields) -> ServiceRequest:
    """A request as old rows are: filed, then its point or address taken away."""
    request = file(pothole, lat=CITY_HALL[0], long=CITY_HALL[1], address="121 N LaSalle St")
    ServiceRequest.objects.filter(pk=request.pk).update(**fields)
    return request


def backfill(*args) -> str:
    out = io.StringIO()
    call_command("geocode_backfill", *args, stdout=out, verbosity=0)
    return out.getvalue()


def test_backfill_places_old_requests_in_batches_and_a_second_run_finds_nothing(pothole):
    address_only = [
        _stored_before_geocoding(pothole, lat=None, long=None, ward=None) for _ in range(3)
    ]
    point_only = _stored_before_geocoding(pothole, address="", street_key="", address_block=None)
    nowhere = _stored_before_geocoding(pothole, lat=None, long=None, address="1 Nowhere St")
    said = backfill("--batch", "2")
    assert "Placed 3 requests from their address" in said
    assert "named the address of 1 from their point; 1 could not be placed" in said
    assert f"{nowhere.tracking_number}: 1 Nowhere St" in said
    for request in address_only:
        request.refresh_from_db()
        assert request.ward_id == 42 and request.lat is not None
        assert metres_between(request.lat, request.long, *CITY_HALL) < 150
    point_only.refresh_from_db()
    assert point_only.address and point_only.address_derived and point_only.street_key
    events = RequestEvent.objects.filter(type=RequestEvent.Type.LOCATION_CORRECTED)
    assert events.count() == 4 and not events.filter(is_public=True).exists()
    assert "Placed 0 requests" in backfill(), "a rerun only retries what it could not place"
    ServiceRequest.objects.filter(pk=nowhere.pk).update(address="121 N LaSalle St")
    assert "Placed 1 requests" in backfill()
    assert backfill() == "Nothing to do: every request has a point and an address.\n"


def test_a_point_with_no_street_near_is_filed_under_its_coordinates(pothole):
    # Columbus Park's lagoon: inside ward 29, more than a block from any street.
    lat, long = 41.87369, -87.76892
    assert geocoding.reverse(lat, long) is None
    request = file(pothole, lat=lat, long=long)
    assert request.address == "41.87369, -87.76892" and request.address_derived
    assert (request.street_key, request.address_block) == ("", None)


def test_demo_addresses_geocode_back_near_their_pins(chicago):
    create_demo_requests(count=12, days=10, seed=8)
    for address, lat, long in ServiceRequest.objects.values_list("address", "lat", "long"):
        found = places.locate(address=address)
        assert metres_between(found.lat, found.long, lat, long) < 250, address
