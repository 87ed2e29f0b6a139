"""The benchmark's bulk generator writes requests the application reads as its own:
the same timeline shapes, numbers that continue, points inside their wards; and the
raw-SQL ceiling's statements run on this database."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from bench import ceiling, generate, workload
from civic311.geo import lookup
from civic311.geo.addresses import address_key
from civic311.service_requests import selectors, services, workflow
from civic311.service_requests.models import RequestEvent, ServiceRequest
from tests.conftest import CITY_HALL

pytestmark = pytest.mark.django_db(transaction=True)
ROWS = 600
END = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def generated(pothole):
    return generate.generate(rows=ROWS, seed=5, end=END)


def test_it_writes_the_rows_and_timelines_it_says(generated):
    assert ServiceRequest.objects.count() == ROWS == generated.requests
    assert RequestEvent.objects.count() == generated.events >= 2 * ROWS
    first = ServiceRequest.objects.order_by("requested_datetime").first()
    assert END - dt.timedelta(days=731) <= first.requested_datetime
    assert ServiceRequest.objects.filter(requested_datetime__gt=END).count() == 0
    by_service = Counter(ServiceRequest.objects.values_list("service__name", flat=True))
    assert len(by_service) == 14 and by_service.most_common(1)[0][0] == "Pothole in Street"
    statuses = set(ServiceRequest.objects.values_list("status", flat=True))
    assert {"fixed", "duplicate", "open"} <= statuses


def test_every_request_reads_like_one_filed_through_the_service_layer(generated):
    for request in ServiceRequest.objects.order_by("?")[:80]:
        events = list(selectors.public_events(request))
        assert [e.type for e in events[:2]] == ["submitted", "opened"]
        assert events[0].created_at == request.requested_datetime
        assert events[-1].created_at == request.updated_datetime
        assert events[-1].status_after == request.status
        assert lookup.ward_at(request.lat, request.long) == request.ward_id
        assert re.fullmatch(r"\d\d-\d{8}", request.tracking_number)
        if workflow.is_open(request.status):
            assert request.closed_datetime is None
        else:
            assert request.closed_datetime == request.updated_datetime
        if request.status == "duplicate":
            parent = request.duplicate_of
            assert parent.service_id == request.service_id and parent.duplicate_of_id is None
            assert parent.requested_datetime <= request.requested_datetime


def test_generated_requests_are_keyed_for_the_lookup_by_address(generated):
    from civic311.staff.selectors import lookup as staff_lookup

    for request in ServiceRequest.objects.order_by("?")[:40]:
        key = address_key(request.address)
        assert key.street and (request.street_key, request.address_block) == (key.street, key.block)
        found = staff_lookup(request.address.split(",")[0].lower(), by="address")
        assert found and all(r.street_key == key.street for r in found)


def test_numbers_rise_with_time_and_a_new_request_continues_them(generated, pothole):
    numbers = list(ServiceRequest.objects.order_by("id").values_list("tracking_number", flat=True))
    this_year = [n for n in numbers if n.startswith("26-")]
    assert this_year == [f"26-{i:08d}" for i in range(1, len(this_year) + 1)]
    filed = services.submit_request(
        service=pothole,
        channel="web",
        location=services.Location(lat=CITY_HALL[0], long=CITY_HALL[1]),
        attributes={"WHEREIST": ["CURB"]},
    )
    assert filed.pk == ROWS + 1
    year = filed.requested_datetime.year % 100
    last = max(int(n[3:]) for n in numbers if n.startswith(f"{year:02d}-"))
    assert filed.tracking_number == f"{year:02d}-{last + 1:08d}"


def test_it_refuses_a_database_that_already_holds_requests(generated):
    with pytest.raises(SystemExit, match="already holds requests"):
        generate.generate(rows=10)
    assert ServiceRequest.objects.count() == ROWS


def test_the_ceiling_operations_run_on_this_database(generated, tmp_path: Path):
    drawn = workload.draw(lookups=50, lists=20, posts=5)
    path = tmp_path / "workload.json"
    drawn.save(path)
    database = ceiling.RawDatabase.open(_database_url())
    try:
        rng = __import__("random").Random(1)
        loaded = workload.Workload.load(path)
        assert database.operation("lookup", loaded, rng)()[0] in drawn.tracking_numbers
        rows = database.operation("list", loaded, rng)()
        assert len(rows) <= workload.LIST_PAGE_SIZE
        new_id = database.operation("submit", loaded, rng)()
    finally:
        database.close()
    filed = ServiceRequest.objects.get(pk=new_id)
    assert filed.channel == "open311" and filed.events.count() == 2
    key = address_key(filed.address)
    assert key.street and (filed.street_key, filed.address_block) == (key.street, key.block)


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user, host, port = settings["USER"], settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"
