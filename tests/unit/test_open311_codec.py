"""Rendering GeoReport answers as Spark JSON and XML, without a database."""

import datetime as dt
import xml.etree.ElementTree as ET

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from civic311.open311 import codec, keys, updates


def test_xml_uses_singular_children_empty_elements_and_real_booleans():
    data = [{"service_code": "001", "metadata": True, "group": None, "order": 2, "lat": 41.5}]
    body = codec.render_xml("services", data)
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<services><service>')
    service = ET.fromstring(body).find("service")
    assert service.findtext("service_code") == "001"
    assert service.findtext("metadata") == "true"
    assert service.find("group").text is None and service.findtext("order") == "2"
    assert service.findtext("lat") == "41.5"


def test_nested_lists_and_dicts_follow_spark():
    data = {
        "endpoints": [{"formats": ["text/xml", "application/json"]}],
        "attributes": {"SIDES": ["N", "S"], "IFYES,WH": "ALLEY"},
        "notes": [{"type": "opened"}],
    }
    root = ET.fromstring(codec.render_xml("discovery", data))
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]
    assert [v.text for v in root.findall("attributes/SIDES/value")] == ["N", "S"]
    assert root.find("attributes/attribute[@code='IFYES,WH']").text == "ALLEY"
    assert root.findtext("notes/note/type") == "opened"


@given(st.text())
def test_any_text_makes_well_formed_xml_and_survives_json(text):
    root = ET.fromstring(codec.render_xml("errors", [{"code": 400, "description": text}]))
    kept = root.findtext("error/description") or ""
    assert set(kept) <= set(text)
    assert orjson.loads(codec.render_json([{"d": text}]))[0]["d"] == text


def test_w3c_datetimes_carry_the_jurisdictions_offset_to_the_second():
    winter = dt.datetime(2026, 1, 15, 18, 30, 12, 999999, tzinfo=dt.UTC)
    summer = dt.datetime(2026, 7, 15, 18, 30, 12, tzinfo=dt.UTC)
    assert codec.w3c_datetime(winter, "America/Chicago") == "2026-01-15T12:30:12-06:00"
    assert codec.w3c_datetime(summer, "America/Chicago") == "2026-07-15T13:30:12-05:00"
    assert codec.w3c_datetime(None, "America/Chicago") is None


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("cb", True),
        ("jQuery1_2.done", True),
        ("$x", True),
        ("a b", False),
        ("1a", False),
        ("a(1)", False),
        ("a..b", False),
        ("x" * 101, False),
        ("é", False),
    ],
)
def test_callbacks_are_plain_names(name, ok):
    assert codec.valid_callback(name) is ok


def test_jsonp_is_guarded_against_rosetta_flash():
    assert codec.render_jsonp([1], "cb") == b"/**/cb([1]);"


def test_keys_are_random_prefixed_and_stored_as_sha256():
    live, sandbox = keys.make_key(sandbox=False), keys.make_key(sandbox=True)
    assert live.secret.startswith("live_") and sandbox.secret.startswith("sandbox_")
    assert live.hash == keys.hash_key(live.secret) and len(live.hash) == 64
    assert live.secret not in live.hash and live.prefix == live.secret[:12]
    assert keys.make_key(sandbox=False).secret != live.secret


CLOSED_AT = dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("status", "is_open", "client_time", "reopen"),
    [
        ("OPEN", True, None, False),
        ("REOPEN", True, None, False),
        ("REOPEN", False, None, True),
        ("OPEN", False, CLOSED_AT + dt.timedelta(minutes=1), True),
        ("OPEN", False, CLOSED_AT - dt.timedelta(minutes=1), False),
        ("FIXED", False, CLOSED_AT + dt.timedelta(days=1), False),
        ("CLOSED", True, None, False),
    ],
)
def test_what_a_clients_update_does(status, is_open, client_time, reopen):
    outcome = updates.decide(
        status,
        request_is_open=is_open,
        closed_at=None if is_open else CLOSED_AT,
        client_time=client_time,
    )
    assert outcome.reopen is reopen
