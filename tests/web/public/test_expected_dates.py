"""The tracker and the confirmation say where the expected date came from (issue 12, item 4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import formats, translation

from civic311.service_requests.models import ServiceRequest
from tests.support.history import closed_requests
from tests.support.pages import visible_text
from tests.web.public.conftest import file_pothole

pytestmark = pytest.mark.django_db


def refresh() -> None:
    call_command("refresh_stats", verbosity=0)


def tracker(client, request, prefix="") -> str:
    return visible_text(client.get(f"{prefix}/requests/{request.tracking_number}"))


def test_a_date_learnt_from_the_ward_says_so(client, pothole):
    closed_requests(pothole, ward=42, days=[1.0] * 15 + [6.0] * 10)
    refresh()
    request = file_pothole(pothole)
    page = tracker(client, request)
    with translation.override("en"):
        date = formats.date_format(request.expected_datetime, "DATE_FORMAT")
    assert f"Expected completion: {date}" in page
    assert request.expected_datetime - request.requested_datetime == dt.timedelta(days=6)
    assert (
        "In the last 12 months, 9 in 10 Pothole in Street requests in ward 42 were done "
        "within 6 days, most within 1 day."
    ) in page


def test_a_date_learnt_from_the_city_says_the_ward_had_too_few(client, pothole):
    closed_requests(pothole, ward=44, days=[3.0] * 30)
    refresh()
    page = tracker(client, file_pothole(pothole))
    assert (
        "9 in 10 Pothole in Street requests across the city were done within 3 days, most "
        "within 3 days. Ward 42 has too few of them yet to go by."
    ) in page


def test_without_history_the_tracker_gives_the_citys_target(client, pothole):
    page = tracker(client, file_pothole(pothole))
    assert "This is the city's target for Pothole in Street requests: 7 days." in page
    assert "In the last 12 months" not in page


def test_a_request_filed_before_the_basis_was_kept_reads_as_the_target(client, pothole):
    request = file_pothole(pothole)
    ServiceRequest.objects.filter(pk=request.pk).update(expected_basis={})
    assert "the city's target for Pothole in Street requests: 7 days" in tracker(client, request)


def test_a_closed_request_no_longer_explains_its_expected_date(client, pothole):
    from civic311.service_requests import services

    request = file_pothole(pothole)
    services.change_status(request, status="fixed", actor=None)
    page = tracker(client, request)
    assert "Closed on" in page and "city's target" not in page


def test_the_spanish_tracker_explains_the_date_in_spanish(client, pothole):
    closed_requests(pothole, ward=42, days=[2.0] * 25)
    refresh()
    page = tracker(client, file_pothole(pothole), prefix="/es")
    assert (
        "En los últimos 12 meses, 9 de cada 10 solicitudes de Bache en la calle en el "
        "distrito 42 se terminaron en 2 días como máximo, la mayoría en 2 días."
    ) in page


def test_the_spanish_target_sentence(client, pothole):
    page = tracker(client, file_pothole(pothole), prefix="/es")
    assert (
        "Es el plazo que la ciudad se fija para las solicitudes de Bache en la calle: 7 días."
        in (page)
    )
