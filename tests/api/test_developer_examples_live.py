"""Every curl example on /developers/, pasted into a shell as a developer would, works
against a live server: the GETs answer 200 with a body in their format, the POSTs file a
request, a sandbox key and an update, and the token the POST returned resolves."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from civic311.open311 import services as api_services
from civic311.service_requests import services
from tests.api.test_developer_page import curl_examples
from tests.conftest import CITY_HALL

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed"),
]


def run(command: str, env: dict[str, str], cwd) -> tuple[int, str]:
    """Run an example as written, plus a trailer that reports the HTTP status."""
    done = subprocess.run(
        ["bash", "-c", f"{command} -w '\\n%{{http_code}}'"],
        env={**os.environ, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    body, _, status = done.stdout.rpartition("\n")
    return int(status), body


def parse(command: str, body: str):
    """The body in the format the URL asks for (JSONP unwrapped)."""
    if ".xml" in command.split("?")[0]:
        assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>'), body[:80]
        return ET.fromstring(body.encode())
    if "callback=" in command:
        assert body.startswith("/**/showServices(") or body.startswith("showServices("), body[:80]
        return json.loads(body[body.index("(") + 1 : body.rindex(")")])
    return json.loads(body)


def test_every_example_works_against_the_live_api(live_server, client, chicago, tmp_path):
    services.submit_request(
        service=_pothole(),
        channel="web",
        location=services.Location(lat=CITY_HALL[0], long=CITY_HALL[1]),
        attributes={"WHEREIST": ["CURB"]},
    )
    Image.new("RGB", (64, 48), "gray").save(tmp_path / "pothole.jpg", "JPEG")
    env = {
        "API_KEY": api_services.create_client(name="Docs reader")[1],
        "SANDBOX_KEY": api_services.create_client(name="Docs sandbox", sandbox=True)[1],
    }
    page = client.get("/developers/").content.decode()
    examples = [
        (m, c.replace("http://testserver", live_server.url)) for m, c in curl_examples(page)
    ]
    # POSTs first, so the token example has a token to resolve.
    examples.sort(key=lambda example: example[0] != "POST")
    ran = {"GET": 0, "POST": 0}
    for method, command in examples:
        status, body = run(command, env, tmp_path)
        assert status in ({200} if method == "GET" else {200, 201}), (command, status, body)
        answer = parse(command, body)
        if method == "POST" and "/requests.json" in command and "sandbox" not in command:
            env["TOKEN"] = answer[0]["token"]
        ran[method] += 1
    assert ran["GET"] >= 16 and ran["POST"] >= 6, ran


def _pothole():
    from civic311.catalog.models import Service
    from tests.conftest import POTHOLE

    return Service.objects.get(service_code=POTHOLE)
