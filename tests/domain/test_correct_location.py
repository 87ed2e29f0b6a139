"""Staff correct where a request is: the point, the address and the ward move; the public sees
only the new place, never the back office's correction."""

import pytest

from civic311.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from civic311.geo import lookup
from civic311.geo.models import ConfirmedPoint
from civic311.notifications.models import OutboxMessage
from civic311.service_requests import selectors, services
from civic311.service_requests.models import RequestEvent, ServiceRequest
from civic311.staff import selectors as staff_selectors
from tests.conftest import CITY_HALL, LAKE_MICHIGAN, WRIGLEY_FIELD
from tests.support.staff import make_staff

pytestmark = pytest.mark.django_db
Event = RequestEvent.Type


def file(pothole, where=CITY_HALL, address="121 N LaSalle St", **extra):
    return services.submit_request(
        service=pothole,
        channel="phone",
        location=services.Location(lat=where[0], long=where[1], address=address, zipcode="60602"),
        attributes={"WHEREIST": ["CURB"]},
        requester=services.Requester(first_name="Ana", email="ana@example.org"),
        **extra,
    )


def corrections(request):
    return list(RequestEvent.objects.filter(request=request, type=Event.LOCATION_CORRECTED))


@pytest.fixture
def supervisor(chicago):
    return make_staff("sup", "supervisor", departments=("cdot",), first_name="Sam")


def test_a_point_moves_the_request_to_its_ward_with_an_address_found_from_it(pothole, supervisor):
    request = file(pothole)
    assert request.ward_id == 42

    moved = services.correct_location(
        request, lat=WRIGLEY_FIELD[0], long=WRIGLEY_FIELD[1], address="", actor=supervisor
    )

    moved.refresh_from_db()
    assert (moved.lat, moved.long, moved.ward_id) == (*WRIGLEY_FIELD, 44)
    assert moved.address and moved.address != "121 N LaSalle St"
    assert moved.address_derived is True
    assert moved.street_key and moved.street_key != "lasalle"
    assert moved.zipcode == "60613"  # Wrigley Field's, no longer City Hall's 60602
    assert moved.department.code == "cdot"  # the ward moved, the work did not
    [event] = corrections(moved)
    assert event.is_public is False
    assert event.actor == supervisor and event.actor_label == "Sam"
    assert event.from_value == "121 N LaSalle St (ward 42)"
    assert event.to_value == f"{moved.address} (ward 44)"
    assert event.summary == f"Location corrected from {event.from_value} to {event.to_value}"
    assert event.details["from"]["ward"] == 42 and event.details["to"]["ward"] == 44


def test_a_typed_address_is_geocoded_and_kept_as_typed(pothole, supervisor):
    request = file(pothole)

    moved = services.correct_location(
        request, lat=None, long=None, address="933 W Fullerton Ave", actor=supervisor
    )

    moved.refresh_from_db()
    assert moved.address == "933 W Fullerton Ave" and moved.address_derived is False
    assert moved.street_key == "fullerton" and moved.address_block == 900
    assert 41.92 < moved.lat < 41.93 and -87.66 < moved.long < -87.645
    assert moved.ward_id == lookup.ward_at(moved.lat, moved.long) != 42
    assert moved.location_precision == "address"
    assert corrections(moved)[0].to_value == f"933 W Fullerton Ave (ward {moved.ward_id})"


def test_the_correction_moves_the_request_between_ward_queues(pothole, supervisor):
    request = file(pothole)
    in_ward = staff_selectors.QueueFilter

    services.correct_location(
        request, lat=WRIGLEY_FIELD[0], long=WRIGLEY_FIELD[1], address="", actor=supervisor
    )

    ward44 = staff_selectors.queue(in_ward(ward=44)).page.object_list
    ward42 = staff_selectors.queue(in_ward(ward=42)).page.object_list
    assert [r.tracking_number for r in ward44] == [request.tracking_number]
    assert list(ward42) == []


def test_the_correction_is_internal_no_tracker_entry_and_no_email(pothole, supervisor):
    request = file(pothole)
    public_before = [e.pk for e in selectors.public_events(request)]
    emails_before = OutboxMessage.objects.count()

    services.correct_location(
        request, lat=WRIGLEY_FIELD[0], long=WRIGLEY_FIELD[1], address="", actor=supervisor
    )

    assert [e.pk for e in selectors.public_events(request)] == public_before
    assert OutboxMessage.objects.count() == emails_before
    staff_sees = [e.type for e in selectors.all_events(request)]
    assert staff_sees[-1] == Event.LOCATION_CORRECTED


def test_a_point_outside_the_city_is_refused_and_nothing_changes(pothole, supervisor):
    request = file(pothole)

    with pytest.raises(ValidationFailed) as refused:
        services.correct_location(
            request, lat=LAKE_MICHIGAN[0], long=LAKE_MICHIGAN[1], address="", actor=supervisor
        )

    assert "outside the city" in refused.value.errors["location"]
    request.refresh_from_db()
    assert (request.lat, request.long, request.ward_id) == (*CITY_HALL, 42)
    assert corrections(request) == []


def test_an_address_that_names_no_place_is_refused_on_the_address(pothole, supervisor):
    request = file(pothole)

    with pytest.raises(ValidationFailed) as refused:
        services.correct_location(
            request, lat=None, long=None, address="1 Nowhere St", actor=supervisor
        )

    assert "could not find that address" in refused.value.errors["address"]
    request.refresh_from_db()
    assert request.address == "121 N LaSalle St" and corrections(request) == []


def test_half_a_point_or_nothing_at_all_is_refused(pothole, supervisor):
    request = file(pothole)
    with pytest.raises(ValidationFailed, match="lat and long must be sent together"):
        services.correct_location(request, lat=41.9, long=None, address="", actor=supervisor)
    with pytest.raises(ValidationFailed, match="Give the address"):
        services.correct_location(request, lat=None, long=None, address="  ", actor=supervisor)
    assert corrections(request) == []


def test_moving_a_request_to_where_it_already_is_is_refused(pothole, supervisor):
    request = file(pothole)
    with pytest.raises(InvalidTransition, match="already at 121 N LaSalle St"):
        services.correct_location(
            request, lat=CITY_HALL[0], long=CITY_HALL[1], address="121 N LaSalle St", actor=None
        )
    assert corrections(request) == []


def test_only_staff_in_scope_may_correct_a_location(pothole):
    at_city_hall = file(pothole)  # CDOT's, ward 42
    at_wrigley = file(pothole, where=WRIGLEY_FIELD, address="1060 W Addison St")  # ward 44
    water = make_staff("water", "department", departments=("water-management",))
    ward42 = make_staff("ward42", "ward_office", ward=42)
    operator = make_staff("operator", "operator")
    to_wrigley = {"lat": WRIGLEY_FIELD[0], "long": WRIGLEY_FIELD[1], "address": ""}

    with pytest.raises(PermissionDenied, match="not in your department"):
        services.correct_location(at_city_hall, actor=water, **to_wrigley)
    with pytest.raises(PermissionDenied, match="not in ward 42"):
        services.correct_location(
            at_wrigley, lat=CITY_HALL[0], long=CITY_HALL[1], address="", actor=ward42
        )
    assert ServiceRequest.objects.filter(ward_id=42).count() == 1
    assert corrections(at_city_hall) == [] and corrections(at_wrigley) == []

    services.correct_location(at_city_hall, actor=ward42, **to_wrigley)  # their ward's request
    services.correct_location(  # operators serve callers about any request
        at_wrigley, lat=CITY_HALL[0], long=CITY_HALL[1], address="", actor=operator
    )
    assert ServiceRequest.objects.get(pk=at_city_hall.pk).ward_id == 44
    assert ServiceRequest.objects.get(pk=at_wrigley.pk).ward_id == 42


def test_only_a_point_staff_set_beside_an_address_teaches_the_geocoder(pothole, supervisor):
    request = file(pothole)
    services.correct_location(
        request, lat=None, long=None, address="933 W Fullerton Ave", actor=supervisor
    )
    services.correct_location(
        request, lat=WRIGLEY_FIELD[0], long=WRIGLEY_FIELD[1], address="", actor=supervisor
    )
    assert not ConfirmedPoint.objects.exists()  # the geocoder's own guesses teach nothing

    services.correct_location(
        request, lat=41.94710, long=-87.65560, address="1060 W Addison St", actor=supervisor
    )

    [learnt] = ConfirmedPoint.objects.all()
    assert (learnt.address, learnt.lat, learnt.long, learnt.source) == (
        "1060 W Addison St",
        41.94710,
        -87.65560,
        "staff",
    )


def test_moving_only_the_pin_says_from_which_point_to_which(pothole, supervisor):
    request = file(pothole)

    services.correct_location(
        request, lat=41.88400, long=-87.63180, address="121 N LaSalle St", actor=supervisor
    )

    [event] = corrections(request)
    assert event.from_value == "121 N LaSalle St at 41.88370, -87.63250 (ward 42)"
    assert event.to_value == "121 N LaSalle St at 41.88400, -87.63180 (ward 42)"
