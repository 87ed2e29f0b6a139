"""The timeline's stored summaries are the API's English, whatever language the page speaks."""

import pytest
from django.utils import translation

from civic311.service_requests import services
from tests.conftest import CITY_HALL

pytestmark = pytest.mark.django_db


def test_a_spanish_page_still_stores_english_summaries(pothole):
    with translation.override("es"):
        request = services.submit_request(
            service=pothole,
            channel="web",
            location=services.Location(lat=CITY_HALL[0], long=CITY_HALL[1]),
            attributes={"WHEREIST": ["CURB"]},
        )
        services.change_status(request, status="in_progress", actor=None)
        services.change_status(request, status="fixed", actor=None)
    summaries = list(request.events.values_list("summary", flat=True))
    assert summaries == [
        "Request submitted via web",
        "Request opened by Transportation",
        "Status changed to In progress",
        "Request closed: Completed",
    ]
