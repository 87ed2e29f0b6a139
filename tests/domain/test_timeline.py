"""The plain-words projection of the timeline."""

import pytest

from civic311.catalog.models import Department
from civic311.service_requests import selectors, services, timeline
from tests.conftest import CITY_HALL

pytestmark = pytest.mark.django_db


def test_a_life_in_plain_words(pothole):
    request = services.submit_request(
        service=pothole,
        channel="phone",
        location=services.Location(lat=CITY_HALL[0], long=CITY_HALL[1]),
        attributes={"WHEREIST": ["CURB"]},
    )
    request = services.change_status(
        request, status="investigating", actor=None, internal_note="Caller sounded upset."
    )
    request = services.transfer(
        request,
        to_department=Department.objects.get(code="water-management"),
        reason="The photo shows a sewer cave-in.",
        actor=None,
    )
    request = services.change_status(
        request, status="fixed", actor=None, public_note="Sewer repaired."
    )
    lines = [(e.headline, e.detail) for e in map(timeline.entry, selectors.public_events(request))]
    assert lines == [
        ("Request received via phone", ""),
        ("Sent to Transportation", ""),
        ("Status changed from Received to Under review", ""),
        ("Transferred to Water Management", "The photo shows a sewer cave-in."),
        ("Status changed from Under review to Completed", "Sewer repaired."),
    ]
    notes = [timeline.chicago_note_type(e) for e in selectors.public_events(request)]
    assert notes == ["submitted", "opened", "activity", "activity", "closed"]


def test_typed_numbers_find_the_request(pothole):
    request = services.submit_request(
        service=pothole,
        channel="web",
        location=services.Location(address="121 N LaSalle St"),
        attributes={"WHEREIST": ["CURB"]},
    )
    digits = request.tracking_number.replace("-", "")
    for typed in (
        f"#{request.tracking_number}",
        digits,
        digits[2:],
        f" {request.tracking_number} ",
    ):
        assert selectors.find_by_typed_number(typed) == request
