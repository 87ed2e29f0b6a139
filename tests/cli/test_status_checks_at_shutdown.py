"""A served civic311 writes the status checks its workers hold when it stops normally."""

from __future__ import annotations

import sqlite3

import requests

from tests.api.conftest import pothole_form
from tests.support.standalone import serving_chicago, standalone_env

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128"}


def test_counts_held_in_memory_are_written_when_the_server_stops(tmp_path):
    # An hour between background writes: only the workers' exit can write these counts.
    env = standalone_env(tmp_path, CIVIC311_STATUS_CHECK_FLUSH_SECONDS="3600")
    with serving_chicago(env, "--workers", "2") as (base, key):
        answer = requests.post(
            f"{base}/open311/v2/requests.json", data=pothole_form(key), timeout=10
        )
        assert answer.status_code == 200, answer.text
        token = answer.json()[0]["token"]
        resolved = requests.get(f"{base}/open311/v2/tokens/{token}.json", timeout=10).json()
        number = resolved[0]["service_request_id"]
        for _ in range(5):
            assert requests.get(f"{base}/requests/{number}", headers=BROWSER, timeout=10).ok
        for _ in range(3):
            page = requests.get(f"{base}/requests/{number}?from=email", headers=BROWSER)
            assert page.ok
        assert requests.get(f"{base}/open311/v2/requests/{number}.json", timeout=10).ok
        assert requests.get(f"{base}/requests/{number}", timeout=10).ok  # a script: no count
    with sqlite3.connect(tmp_path / "server.sqlite3") as db:
        rows = dict(
            db.execute("SELECT channel, SUM(count) FROM status_checks_statuscheck GROUP BY channel")
        )
    assert rows == {"web": 5, "email": 3, "api": 2}  # the token and the request
