"""In development, links follow the address the server really serves (issue 13, item 9).

With no CIVIC311_BASE_URL, `civic311 serve --port N` must not hand out links to
127.0.0.1:8000: discovery, the sandbox key's endpoint, media_url and the emailed tracker
link all name port N, including in emails the separate worker process sends.
"""

from __future__ import annotations

import email
import email.policy

import pytest
import requests

from tests.api.conftest import vehicle_form
from tests.media.images import jpeg
from tests.support.standalone import run_command, serving_chicago, standalone_env


@pytest.fixture
def development_server(tmp_path):
    """`civic311 serve` in development, no base URL set, on a port that is not 8000."""
    env = standalone_env(tmp_path, CIVIC311_ENV="development")
    with serving_chicago(env, "--workers", "1") as (base, key):
        yield base, key, env, tmp_path


def test_every_link_names_the_port_the_server_serves_on(development_server):
    base, key, env, folder = development_server
    assert not base.endswith(":8000")

    discovery = requests.get(f"{base}/open311/discovery.json", timeout=10).json()
    urls = [endpoint["url"] for endpoint in discovery["endpoints"]]
    assert urls and all(url.startswith(f"{base}/open311/") for url in urls), urls

    sandbox = requests.post(f"{base}/open311/sandbox/v2/keys.json", {"name": "Try"}, timeout=10)
    assert sandbox.json()[0]["endpoint"].startswith(f"{base}/open311/sandbox/v2")

    filed = requests.post(
        f"{base}/open311/v2/requests.json",
        data=vehicle_form(key, email="resident@example.org"),
        files={"media": ("car.jpg", jpeg(), "image/jpeg")},
        timeout=30,
    )
    assert filed.status_code == 200, filed.text
    token = filed.json()[0]["token"]
    number = requests.get(f"{base}/open311/v2/tokens/{token}.json", timeout=10).json()[0][
        "service_request_id"
    ]
    record = requests.get(f"{base}/open311/v2/requests/{number}.json", timeout=10).json()[0]
    assert record["media_url"].startswith(f"{base}/media/photos/{number}/")
    assert requests.get(record["media_url"], timeout=10).status_code == 200

    # The worker is its own process: it learns the address from the data folder.
    run_command(env, "worker", "--once")
    sent = [p for p in (folder / "mail").rglob("*") if p.is_file()]
    assert sent, "the receipt was written to the mail folder"
    receipt = email.message_from_bytes(sent[0].read_bytes(), policy=email.policy.default)
    text = receipt.get_body(preferencelist=("plain",)).get_content()
    assert f"{base}/requests/{number}" in text
    assert "127.0.0.1:8000" not in text
