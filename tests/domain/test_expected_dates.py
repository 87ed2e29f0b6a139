"""The expected date learnt from history (issue 12, item 4), on a real database.

Histories are constructed request by request; `civic311 refresh-stats` measures them and
filing reads the stored figures, as in production.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection

from civic311.catalog.models import Department
from civic311.core import clock
from civic311.service_requests import services
from civic311.stats import services as stats
from civic311.stats.models import CloseTime, Refresh
from civic311.stats.percentiles import percentile
from tests.conftest import CITY_HALL, WRIGLEY_FIELD
from tests.support.history import closed_requests

pytestmark = pytest.mark.django_db

WARD_42, WARD_44 = 42, 44
TARGET = 7  # the Chicago catalogue's pothole target


def file_pothole(pothole, where=CITY_HALL):
    return services.submit_request(
        service=pothole,
        channel="phone",
        location=services.Location(lat=where[0], long=where[1]),
        attributes={"WHEREIST": ["CURB"]},
    )


def days_promised(request) -> float:
    return (request.expected_datetime - request.requested_datetime) / dt.timedelta(days=1)


def refresh() -> str:
    out = io.StringIO()
    call_command("refresh_stats", stdout=out)
    return out.getvalue()


def test_with_no_history_a_request_gets_the_catalogue_target(pothole):
    refresh()
    request = file_pothole(pothole)
    assert days_promised(request) == TARGET
    assert request.expected_basis == {"source": "target", "days": TARGET, "ward": WARD_42}


def test_a_ward_with_enough_history_sets_its_date_from_the_90th_percentile(pothole):
    closed_requests(pothole, ward=WARD_42, days=range(1, 26))  # 25 requests: 1 to 25 days
    refresh()
    request = file_pothole(pothole)
    # 90th percentile of 1..25 is 22.6 days: promised within 23.
    assert days_promised(request) == 23
    assert request.expected_basis == {
        "source": "ward",
        "days": 23,
        "ward": WARD_42,
        "median_days": 13,
        "closed": 25,
    }


def test_the_date_changes_when_the_wards_history_changes(pothole):
    closed_requests(pothole, ward=WARD_42, days=[10.0] * 20)
    refresh()
    before = file_pothole(pothole)
    closed_requests(pothole, ward=WARD_42, days=[0.5] * 200)  # the crews got quick
    refresh()
    after = file_pothole(pothole)
    assert days_promised(before) == 10
    assert days_promised(after) == 1
    assert after.expected_basis["closed"] == 220


def test_another_wards_history_does_not_move_this_wards_date(pothole):
    closed_requests(pothole, ward=WARD_42, days=[3.0] * 20)
    refresh()
    before = file_pothole(pothole)
    closed_requests(pothole, ward=WARD_44, days=[40.0] * 50)
    refresh()
    assert days_promised(before) == days_promised(file_pothole(pothole)) == 3
    assert days_promised(file_pothole(pothole, where=WRIGLEY_FIELD)) == 40


def test_a_ward_with_too_little_history_falls_back_to_the_citys(pothole):
    closed_requests(pothole, ward=WARD_42, days=[1.0] * 19)  # one short of enough
    closed_requests(pothole, ward=WARD_44, days=[5.0] * 10)
    refresh()
    request = file_pothole(pothole)
    # City-wide: 19 ones and 10 fives; 90th percentile at position 25.2 is 5.
    assert request.expected_basis["source"] == "city"
    assert request.expected_basis["closed"] == 29
    assert days_promised(request) == 5


def test_too_little_history_anywhere_falls_back_to_the_catalogue_target(pothole):
    closed_requests(pothole, ward=WARD_42, days=[1.0] * 12)
    closed_requests(pothole, ward=WARD_44, days=[1.0] * 7)
    refresh()
    request = file_pothole(pothole)
    assert request.expected_basis["source"] == "target"
    assert days_promised(request) == TARGET


def test_only_requests_the_city_completed_in_the_last_year_count(pothole):
    closed_requests(pothole, ward=WARD_42, days=[0.01] * 30, status="duplicate")
    closed_requests(pothole, ward=WARD_42, days=[0.01] * 30, status="cancelled")
    closed_requests(pothole, ward=WARD_42, days=[0.01] * 30, status="not_councils_responsibility")
    closed_requests(pothole, ward=WARD_42, days=[0.01] * 30, closed_days_ago=400)
    closed_requests(pothole, ward=WARD_42, days=[0.01] * 30, is_test=True)
    refresh()
    assert not CloseTime.objects.exists()
    assert file_pothole(pothole).expected_basis["source"] == "target"
    closed_requests(pothole, ward=WARD_42, days=[2.0] * 10, status="no_further_action")
    closed_requests(pothole, ward=WARD_42, days=[2.0] * 10, status="fixed")
    refresh()
    assert file_pothole(pothole).expected_basis["source"] == "ward"


def test_a_transfer_to_another_service_takes_that_services_history(pothole):
    cave_in = pothole.__class__.objects.get(name="Pavement Cave-In Survey")
    closed_requests(cave_in, ward=WARD_42, days=[30.0] * 20)
    refresh()
    request = file_pothole(pothole)
    assert days_promised(request) == TARGET
    moved = services.transfer(
        request,
        to_department=Department.objects.get(code="water-management"),
        to_service=cave_in,
        reason="A cave-in, not a pothole.",
        actor=None,
    )
    moved.refresh_from_db()
    assert moved.expected_basis["source"] == "ward" and moved.expected_basis["days"] == 30
    assert moved.expected_datetime > request.expected_datetime


def test_the_stored_figures_equal_a_direct_computation(pothole, on_postgres):
    taken = [0.25, 1.5, 2.0, 2.0, 3.75, 4.0, 6.5, 7.0, 9.0, 11.0, 12.5, 30.0] * 2
    closed_requests(pothole, ward=WARD_42, days=taken)
    refresh()
    row = CloseTime.objects.get(service=pothole, ward_id=WARD_42)
    assert row.closed == len(taken)
    assert row.median_days == pytest.approx(percentile(taken, 0.5))
    assert row.p90_days == pytest.approx(percentile(taken, 0.9))
    if on_postgres:  # and PostgreSQL's own percentile_cont agrees
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d), "
                "percentile_cont(0.9) WITHIN GROUP (ORDER BY d) FROM ("
                " SELECT EXTRACT(EPOCH FROM closed_datetime - requested_datetime) / 86400 AS d"
                " FROM service_requests_servicerequest"
                " WHERE service_id = %s AND ward_id = %s AND status = 'fixed') t",
                [pothole.pk, WARD_42],
            )
            median, p90 = cursor.fetchone()
        assert (row.median_days, row.p90_days) == (pytest.approx(median), pytest.approx(p90))


def test_refresh_stats_says_what_it_read_and_wrote_and_can_run_again(pothole):
    closed_requests(pothole, ward=WARD_42, days=[2.0] * 25)
    closed_requests(pothole, ward=WARD_44, days=[2.0] * 5)
    closed_requests(pothole, ward=None, days=[2.0] * 3)
    first = refresh()
    assert "Measuring close times of the last 365 days" in first
    assert (
        "civic311 refresh-stats: 33 completed requests closed "
        f"{(clock.now() - dt.timedelta(days=365)):%Y-%m-%d} to {clock.now():%Y-%m-%d}: "
        "2 service-and-ward figures (1 with at least 20 requests), "
        "1 city-wide figures (1 with at least 20)"
    ) in first
    second = refresh()
    assert second.splitlines()[-1] == first.splitlines()[-1]
    assert CloseTime.objects.count() == 3
    state = Refresh.objects.get(pk="close_times")
    assert (state.requests, state.rows) == (33, 3)


def test_the_worker_refreshes_at_most_once_a_day(pothole):
    now = clock.now()
    assert stats.refresh_if_due(now=now) is not None, "never refreshed: due"
    closed_requests(pothole, ward=WARD_42, days=[2.0] * 25)
    assert stats.refresh_if_due(now=now + dt.timedelta(hours=23)) is None
    assert not CloseTime.objects.exists()
    refreshed = stats.refresh_if_due(now=now + dt.timedelta(hours=25))
    assert refreshed is not None and refreshed.requests == 25
    assert CloseTime.objects.filter(ward_id=WARD_42).exists()


def test_the_email_worker_refreshes_the_figures_when_they_are_a_day_old(pothole):
    closed_requests(pothole, ward=WARD_42, days=[4.0] * 20)
    call_command("worker", "--once", stdout=io.StringIO())
    assert CloseTime.objects.get(service=pothole, ward_id=WARD_42).p90_days == 4.0
    finished = Refresh.objects.get(pk="close_times").finished_at
    call_command("worker", "--once", stdout=io.StringIO())
    assert Refresh.objects.get(pk="close_times").finished_at == finished, "not again the same day"
    assert days_promised(file_pothole(pothole)) == 4


def test_moving_a_request_to_another_ward_takes_that_wards_history(pothole):
    closed_requests(pothole, ward=WARD_42, days=[3.0] * 20)
    closed_requests(pothole, ward=WARD_44, days=[12.0] * 20)
    refresh()
    request = file_pothole(pothole)
    assert days_promised(request) == 3
    moved = services.correct_location(
        request, lat=WRIGLEY_FIELD[0], long=WRIGLEY_FIELD[1], address="", actor=None
    )
    moved.refresh_from_db()
    assert moved.ward_id == WARD_44
    assert days_promised(moved) == 12, "from the filing time, by ward 44's history"
    assert moved.expected_basis["ward"] == WARD_44
