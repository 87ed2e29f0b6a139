"""Concurrent writers lose nothing: threads on a real database, committed for real."""

import threading

import pytest
from django.db import connection

from civic311.core.errors import InvalidTransition
from civic311.service_requests import services
from civic311.service_requests.models import RequestEvent, ServiceRequest
from tests.conftest import CITY_HALL

pytestmark = pytest.mark.django_db(transaction=True)


def run_in_threads(count, work):
    """Start `count` threads together; return what each returned or raised."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def runner(index):
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def submit(pothole):
    return services.submit_request(
        service=pothole,
        channel="open311",
        location=services.Location(lat=CITY_HALL[0], long=CITY_HALL[1]),
        attributes={"WHEREIST": ["TRAFFIC"]},
    ).tracking_number


def test_twenty_simultaneous_submissions_get_twenty_distinct_numbers(pothole):
    numbers = run_in_threads(20, lambda i: submit(pothole))
    assert all(isinstance(n, str) for n in numbers), numbers
    assert len(set(numbers)) == 20
    assert ServiceRequest.objects.count() == 20


def test_simultaneous_status_changes_leave_an_unbroken_timeline(pothole):
    request = ServiceRequest.objects.get(tracking_number=submit(pothole))
    targets = ["investigating", "action_scheduled", "in_progress"]

    def change(index):
        # A target equal to the current status is refused; other threads move the status
        # between tries, so keep cycling until one applies.
        for attempt in range(30):
            try:
                return services.change_status(
                    request,
                    status=targets[(index + attempt) % 3],
                    actor=None,
                    public_note=f"change {index}",
                )
            except InvalidTransition:
                continue
        raise AssertionError("no status change applied")

    results = run_in_threads(10, change)
    assert not [r for r in results if isinstance(r, Exception)], results
    changes = list(
        RequestEvent.objects.filter(request=request, type="status_changed").order_by(
            "created_at", "id"
        )
    )
    assert sorted(e.description for e in changes) == sorted(f"change {i}" for i in range(10))
    # Each change starts where the previous one ended: no update was lost.
    previous = "open"
    for event in changes:
        assert event.from_value == previous
        previous = event.to_value
    request.refresh_from_db()
    assert request.status == previous


def test_simultaneous_notes_are_all_kept(pothole):
    request = ServiceRequest.objects.get(tracking_number=submit(pothole))
    results = run_in_threads(
        10, lambda i: services.add_note(request, text=f"note {i}", public=True, actor=None)
    )
    assert not [r for r in results if isinstance(r, Exception)]
    notes = set(
        RequestEvent.objects.filter(request=request, type="note").values_list(
            "description", flat=True
        )
    )
    assert notes == {f"note {i}" for i in range(10)}


def test_the_database_under_test_is_the_one_asked_for():
    import os

    wanted = (
        "postgresql"
        if os.environ.get("CIVIC311_DATABASE_URL", "").startswith("postgres")
        else "sqlite"
    )
    assert connection.vendor == wanted
