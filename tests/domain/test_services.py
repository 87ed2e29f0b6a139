"""The write services on a real database: each appends the right events."""

import pytest

from civic311.catalog.models import Department, Service
from civic311.core.errors import InvalidTransition, ValidationFailed
from civic311.service_requests import services
from civic311.service_requests.models import RequestEvent, ServiceRequest
from tests.conftest import CITY_HALL, LAKE_MICHIGAN, WRIGLEY_FIELD
from tests.support.staff import make_staff

pytestmark = pytest.mark.django_db


def file_pothole(pothole, where=CITY_HALL, **extra):
    return services.submit_request(
        service=pothole,
        channel="web",
        location=services.Location(lat=where[0], long=where[1], address="121 N LaSalle St"),
        description="Deep pothole in the curb lane.",
        attributes={"WHEREIST": ["CURB"]},
        requester=services.Requester(first_name="Ana", email="ana@example.org"),
        **extra,
    )


def timeline(request):
    return list(RequestEvent.objects.filter(request=request).values_list("type", flat=True))


def test_submit_numbers_locates_routes_and_opens_the_timeline(pothole):
    request = file_pothole(pothole)
    assert request.tracking_number.startswith(f"{request.requested_datetime.year % 100:02d}-")
    assert len(request.tracking_number) == 11
    assert request.ward_id == 42
    assert request.department.code == "cdot"
    assert request.status == "open" and request.georeport_status == "open"
    assert request.attributes == {"WHEREIST": "CURB"}
    assert request.expected_datetime is not None
    assert timeline(request) == ["submitted", "opened"]
    opened = request.events.get(type="opened")
    assert opened.summary == "Request opened by Transportation"


def test_submit_refuses_a_missing_required_attribute(abandoned_vehicle):
    with pytest.raises(ValidationFailed) as caught:
        services.submit_request(
            service=abandoned_vehicle,
            channel="open311",
            location=services.Location(lat=WRIGLEY_FIELD[0], long=WRIGLEY_FIELD[1]),
        )
    assert caught.value.errors == {"HOWMANYD": "HOWMANYD required"}
    assert not ServiceRequest.objects.exists()


def test_submit_refuses_a_point_in_lake_michigan(pothole):
    with pytest.raises(ValidationFailed, match="outside the city"):
        file_pothole(pothole, where=LAKE_MICHIGAN)
    assert not ServiceRequest.objects.exists()


def test_submit_needs_some_location_and_both_coordinates(pothole):
    with pytest.raises(ValidationFailed, match="location is required"):
        services.submit_request(
            service=pothole,
            channel="web",
            location=services.Location(),
            attributes={"WHEREIST": ["CURB"]},
        )
    with pytest.raises(ValidationFailed, match="together"):
        services.submit_request(
            service=pothole,
            channel="web",
            location=services.Location(lat=41.88),
            attributes={"WHEREIST": ["CURB"]},
        )


def test_an_address_alone_is_a_location(pothole):
    request = services.submit_request(
        service=pothole,
        channel="phone",
        location=services.Location(address="1200 W 81st St"),
        attributes={"WHEREIST": ["BIKE"]},
    )
    # Geocoded (issue 10): a phone caller's address is placed in its ward like a pin.
    assert request.ward_id is not None and request.lat is not None
    assert request.department.code == "cdot"


def test_a_ward_rule_routes_to_another_department(pothole):
    from civic311.catalog.models import RoutingRule

    water = Department.objects.get(code="water-management")
    RoutingRule.objects.create(service=pothole, ward_id=44, department=water)
    assert file_pothole(pothole, where=WRIGLEY_FIELD).department == water
    assert file_pothole(pothole, where=CITY_HALL).department.code == "cdot"


def test_change_status_appends_and_closing_sets_closed_time(pothole):
    crew = make_staff(
        "crew", "department", departments=("cdot",), first_name="Pat", last_name="Lee"
    )
    request = file_pothole(pothole)
    request = services.change_status(
        request, status="in_progress", actor=crew, internal_note="Truck 12 sent."
    )
    request = services.change_status(
        request, status="fixed", actor=crew, public_note="Pothole filled."
    )
    assert timeline(request) == ["submitted", "opened", "status_changed", "note", "closed"]
    assert request.georeport_status == "closed" and request.closed_datetime is not None
    assert request.status_notes == "Pothole filled."
    note = request.events.get(type="note")
    assert note.is_public is False and note.actor == crew and note.actor_label == "Pat Lee"
    closed = request.events.get(type="closed")
    assert (closed.from_value, closed.to_value, closed.status_after) == (
        "in_progress",
        "fixed",
        "fixed",
    )


def test_illegal_transitions_raise_and_write_nothing(pothole):
    request = services.change_status(file_pothole(pothole), status="fixed", actor=None)
    before = timeline(request)
    with pytest.raises(InvalidTransition):
        services.change_status(request, status="in_progress", actor=None)
    with pytest.raises(InvalidTransition):
        services.transfer(
            request,
            to_department=Department.objects.get(code="buildings"),
            reason="wrong department",
            actor=None,
        )
    assert timeline(request) == before


def test_add_note_public_and_internal(pothole):
    request = file_pothole(pothole)
    services.add_note(request, text="Inspector visiting Tuesday.", public=True, actor=None)
    services.add_note(request, text="Caller is the alderman's cousin.", public=False, actor=None)
    notes = request.events.filter(type="note").order_by("id")
    assert [(n.is_public, n.description) for n in notes] == [
        (True, "Inspector visiting Tuesday."),
        (False, "Caller is the alderman's cousin."),
    ]
    with pytest.raises(ValidationFailed):
        services.add_note(request, text="   ", public=True, actor=None)


def test_transfer_keeps_the_number_and_records_both_departments_and_the_reason(pothole):
    request = file_pothole(pothole)
    number = request.tracking_number
    water = Department.objects.get(code="water-management")
    cave_in = Service.objects.get(name="Pavement Cave-In Survey")
    request = services.transfer(
        request,
        to_department=water,
        to_service=cave_in,
        reason="The photo shows a sewer cave-in.",
        actor=None,
    )
    request.refresh_from_db()
    assert request.tracking_number == number
    assert request.department == water and request.service == cave_in
    event = request.events.get(type="transferred")
    assert (event.from_value, event.to_value) == ("Transportation", "Water Management")
    assert event.description == "The photo shows a sewer cave-in."
    assert event.summary == "Transferred to Water Management as Pavement Cave-In Survey"
    assert event.details["from_service"] == pothole.service_code
    assert event.is_public


def test_transfer_needs_a_reason_and_a_change(pothole):
    request = file_pothole(pothole)
    with pytest.raises(ValidationFailed):
        services.transfer(request, to_department=request.department, reason=" ", actor=None)
    with pytest.raises(InvalidTransition):
        services.transfer(request, to_department=request.department, reason="x", actor=None)


def test_a_duplicate_closes_as_duplicate_and_points_to_its_parent(pothole):
    parent = file_pothole(pothole)
    child = file_pothole(pothole)
    child = services.mark_duplicate(child, parent=parent, actor=None)
    parent.refresh_from_db()
    assert child.status == "duplicate" and child.georeport_status == "closed"
    assert child.duplicate_of == parent
    assert parent.report_count == 2
    assert timeline(child)[-1] == "duplicate_marked"
    assert timeline(parent)[-1] == "duplicate_merged"
    assert child.events.get(type="duplicate_marked").to_value == parent.tracking_number


def test_duplicates_cannot_chain_or_loop(pothole):
    a, b, c = file_pothole(pothole), file_pothole(pothole), file_pothole(pothole)
    services.mark_duplicate(b, parent=a, actor=None)
    with pytest.raises(InvalidTransition, match="itself a duplicate"):
        services.mark_duplicate(c, parent=b, actor=None)
    with pytest.raises(InvalidTransition):
        services.mark_duplicate(a, parent=a, actor=None)


def test_reopen_a_closed_request(pothole):
    request = services.change_status(file_pothole(pothole), status="fixed", actor=None)
    request = services.reopen(request, actor=None, reason="The pothole is back.")
    assert request.status == "open" and request.closed_datetime is None
    assert timeline(request)[-1] == "reopened"
    with pytest.raises(InvalidTransition):
        services.reopen(request, actor=None)


def test_reopening_a_duplicate_unlinks_it(pothole):
    parent, child = file_pothole(pothole), file_pothole(pothole)
    child = services.mark_duplicate(child, parent=parent, actor=None)
    child = services.reopen(child, actor=None)
    assert child.duplicate_of is None and child.status == "open"


def test_updated_datetime_follows_the_latest_event(pothole):
    request = file_pothole(pothole)
    request = services.change_status(request, status="investigating", actor=None)
    latest = request.events.order_by("-created_at").first()
    request.refresh_from_db()
    assert request.updated_datetime == latest.created_at
