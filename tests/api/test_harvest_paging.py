"""Harvesting by updated_after with page/page_size (issue 11, part 4): keyset-ordered pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from civic311.core import clock
from civic311.service_requests import services as request_services
from tests.api.conftest import file_at

pytestmark = pytest.mark.django_db
URL = "/open311/v2/requests.json"
T0 = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def filed(chicago, pothole):
    """Seven requests filed an hour apart; the oldest three changed later, newest last."""
    made = [file_at(T0 + dt.timedelta(hours=i), pothole) for i in range(7)]
    for i, request in enumerate(made[:3]):
        with clock.frozen_at(T0 + dt.timedelta(days=1, hours=i)):
            request_services.add_note(request, text="Crew sent.", public=True, actor=None)
    return [r.tracking_number for r in made]


def page(client, number, size=2, **extra):
    params = {"updated_after": "2026-05-01T00:00:00Z", "page": number, "page_size": size}
    response = client.get(URL, {**params, **extra})
    assert response.status_code == 200, response.content
    return [record["service_request_id"] for record in response.json()]


def test_a_harvest_comes_newest_change_first_in_full_pages_until_an_empty_one(client, filed):
    pages = [page(client, n) for n in range(1, 6)]
    assert [len(p) for p in pages] == [2, 2, 2, 1, 0]
    seen = [number for p in pages for number in p]
    # Newest change first: the three changed last, then the rest newest filed first.
    assert seen == [filed[2], filed[1], filed[0], filed[6], filed[5], filed[4], filed[3]]


def test_a_change_during_a_harvest_never_hides_an_unread_row(client, filed):
    from civic311.service_requests.models import ServiceRequest

    first = page(client, 1)
    unread = page(client, 3)[0]
    changed_at = T0 + dt.timedelta(days=2)
    with clock.frozen_at(changed_at):
        request = ServiceRequest.objects.get(tracking_number=unread)
        request_services.add_note(request, text="Patched.", public=True, actor=None)
    rest = [number for n in range(2, 6) for number in page(client, n)]
    # The changed row moved to page 1, already read: every other row is still found (one
    # may come twice, as the rows before the changed one moved down a place)...
    assert set(first + rest) == set(filed) - {unread}
    # ...and the next harvest, from when this one began, brings the changed row.
    assert page(client, 1, updated_after=changed_at.isoformat()) == [unread]


def test_other_lists_keep_newest_filed_first(client, filed):
    response = client.get(URL, {"start_date": "2026-05-01T00:00:00Z"})
    assert [r["service_request_id"] for r in response.json()] == filed[::-1]


def test_the_harvest_reads_the_updated_id_index(client, filed):
    """The plan uses the (updated, id) index. PostgreSQL picks by its statistics, and on a
    table this small a scan is cheaper, so there the scan is switched off to ask whether the
    index can serve the query at all."""
    from civic311.open311 import params, selectors

    query = params.parse_request_query(
        {"updated_after": ["2026-05-01T00:00:00Z"], "page": ["3"]}, now=T0, zone="UTC"
    )
    seen = []

    with connection.execute_wrapper(
        lambda execute, sql, *rest: seen.append(sql) or execute(sql, *rest)
    ):
        selectors.requests(query, sandbox=False)
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(explain + seen[-1], ["resident", False, "2026-05-01 00:00:00", 50, 100])
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "sr_updated_id" in plan, plan
