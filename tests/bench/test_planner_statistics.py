"""`civic311 serve` gives SQLite's planner statistics, so the public list reads the
(service, requested) index newest first instead of a service's whole history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench import generate
from civic311.core.management.commands.serve import refresh_planner_statistics
from civic311.open311 import params, selectors

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_list_query_uses_the_service_and_time_index_once_statistics_exist(pothole):
    if connection.vendor != "sqlite":
        refresh_planner_statistics()  # nothing to do on PostgreSQL; it must not fail
        return
    generate.generate(rows=3000, seed=9, end=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM sqlite_stat1")  # as a database that never had ANALYZE
    refresh_planner_statistics()
    query = params.RequestQuery(
        service_codes=(pothole.service_code,),
        statuses=frozenset({"open"}),
        start=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        end=dt.datetime(2026, 2, 1, tzinfo=dt.UTC),
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1")
        assert cursor.fetchone()[0] > 10
    plans = _plans(query)
    assert any("USING INDEX sr_service_requested" in step for step in plans), plans
    assert not any("sr_service_status_lat" in step for step in plans), plans


def _plans(query) -> list[str]:
    """EXPLAIN QUERY PLAN of the page query selectors.requests runs for `query`."""
    with CaptureQueriesContext(connection) as captured:
        selectors.requests(query, sandbox=False)
    page = [q["sql"] for q in captured.captured_queries if "LIMIT" in q["sql"]]
    assert len(page) == 1, captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + page[0])
        return [row[3] for row in cursor.fetchall()]
