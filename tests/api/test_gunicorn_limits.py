"""The POST limit holds across gunicorn workers: `civic311 serve --workers 2`, for real.

A counter kept in each worker's memory would let every worker grant the limit on its
own; the count lives in the database, so the server as a whole grants it once. The
server runs on its own SQLite file in a temporary folder (it is a separate process, so
it cannot share the test's transaction), on a free loopback port.
"""

from __future__ import annotations

import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.api.conftest import vehicle_form
from tests.support.standalone import serving_chicago, standalone_env

LIMIT = 4


@pytest.fixture
def server(tmp_path):
    """`civic311 serve --workers 2` with the Chicago catalogue and one API key."""
    env = standalone_env(tmp_path, CIVIC311_API_RATE_LIMIT_PER_MINUTE=str(LIMIT))
    with serving_chicago(env, "--workers", "2") as (base, key):
        yield base, key, tmp_path / "server.sqlite3"


def test_two_workers_grant_the_limit_once_between_them(server):
    base, key, database = server

    def post(index: int) -> int:
        # A new connection each time, several at once, so both workers take requests.
        with requests.Session() as session:
            form = vehicle_form(key, description=f"report {index}")
            response = session.post(
                f"{base}/open311/v2/requests.json",
                data=form,
                headers={"Connection": "close"},
                timeout=60,
            )
        if response.status_code == 429:
            assert response.headers["Retry-After"].isdigit()
            assert response.json()[0]["code"] == 429
        return response.status_code

    # Counts are per clock minute: start the burst (a second or two) well inside one.
    if 60 - time.time() % 60 < 8:
        time.sleep(60 - time.time() % 60 + 0.2)
    started = time.time()
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(post, range(3 * LIMIT)))
    assert int(started // 60) == int(time.time() // 60), "the burst took over 8 seconds"
    assert statuses.count(200) == LIMIT and statuses.count(429) == 2 * LIMIT, statuses
    with sqlite3.connect(database) as db:
        (filed,) = db.execute("SELECT COUNT(*) FROM service_requests_servicerequest").fetchone()
    assert filed == LIMIT
