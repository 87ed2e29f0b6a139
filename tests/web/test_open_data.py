"""Open data out: /open-data/, the streamed CSV, GeoJSON and NDJSON, and `civic311 export`."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json

import pytest
from django.core.management import call_command

from civic311.catalog.models import Department
from civic311.core import clock
from civic311.exports import chicago_format, selectors, services, writers
from civic311.exports.query import ExportQuery
from civic311.service_requests import services as requests
from civic311.service_requests.models import ServiceRequest
from tests.conftest import CITY_HALL, WRIGLEY_FIELD
from tests.support.privacy import SECRETS

pytestmark = pytest.mark.django_db

INTERNAL_NOTE = "Crew says the caller is the alderman's cousin"
PUBLIC_NOTE = "Crew sent for Tuesday."
SANDBOX_NUMBER_TEXT = "Sandbox pothole from a test app"
FORMULA_ADDRESS = '=HYPERLINK("http://evil.example")'
T0 = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)  # 09:00 in Chicago, a Monday


def _file(service, when, where=CITY_HALL, **extra):
    with clock.frozen_at(when):
        return requests.submit_request(
            service=service,
            channel=extra.pop("channel", "web"),
            location=requests.Location(lat=where[0], long=where[1]),
            attributes=extra.pop("attributes", {"WHEREIST": ["CURB"]}),
            **extra,
        )


@pytest.fixture
def history(pothole):
    """A request with every private thing a request can have, its duplicate, and a test one."""
    private = _file(
        pothole,
        T0,
        requester=requests.Requester(**SECRETS),
        description="Deep hole",
        channel="phone",
    )
    with clock.frozen_at(T0 + dt.timedelta(hours=1)):
        requests.add_note(private, text=INTERNAL_NOTE, public=False, actor=None)
        requests.add_note(private, text=PUBLIC_NOTE, public=True, actor=None)
        water = Department.objects.get(code="water-management")
        requests.transfer(private, to_department=water, reason="A sewer", actor=None)
    duplicate = _file(pothole, T0 + dt.timedelta(hours=2), where=WRIGLEY_FIELD)
    with clock.frozen_at(T0 + dt.timedelta(hours=3)):
        requests.mark_duplicate(duplicate, parent=private, actor=None)
    sandbox = _file(
        pothole, T0 + dt.timedelta(hours=4), is_test=True, description=SANDBOX_NUMBER_TEXT
    )
    ServiceRequest.objects.filter(pk=duplicate.pk).update(address=FORMULA_ADDRESS)
    private.refresh_from_db()
    duplicate.refresh_from_db()
    sandbox.refresh_from_db()
    return private, duplicate, sandbox


def _body(response) -> bytes:
    assert response.status_code == 200, response.content
    data = b"".join(response.streaming_content)
    return gzip.decompress(data) if response.get("Content-Encoding") == "gzip" else data


def _csv(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_body(response).decode())))


def test_the_csv_has_chicagos_37_columns_filled_where_civic311_has_the_data(client, history):
    private, duplicate, _sandbox = history
    response = client.get("/open-data/requests.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="requests.csv"' in response["Content-Disposition"]
    rows = _csv(response)
    assert list(rows[0]) == list(chicago_format.COLUMNS)
    by_number = {row["sr_number"]: row for row in rows}
    assert set(by_number) == {private.tracking_number, duplicate.tracking_number}
    first = by_number[private.tracking_number]
    assert first["sr_type"] == "Pothole in Street"
    assert first["sr_short_code"] == private.service.service_code
    assert first["created_department"] == Department.objects.get(code="cdot").public_name
    assert first["owner_department"] == Department.objects.get(code="water-management").public_name
    assert first["status"] == "Open" and first["origin"] == "Phone Call"
    assert first["created_date"] == "2026-03-02T09:00:00.000"
    assert first["created_hour"] == "9" and first["created_day_of_week"] == "2"
    assert first["created_month"] == "3" and first["closed_date"] == ""
    assert first["ward"] == str(private.ward_id) and first["ward"] == "42"
    assert first["community_area"] == str(private.community_area_id)
    assert float(first["latitude"]) == private.lat and float(first["longitude"]) == private.long
    assert first["longitude"].startswith("-")  # a number is never neutralised
    assert first["street_address"] and first["street_address"] == private.address.split(",")[0]
    assert first["duplicate"] == "False" and first["parent_sr_number"] == ""
    second = by_number[duplicate.tracking_number]
    assert second["duplicate"] == "True" and second["status"] == "Completed"
    assert second["parent_sr_number"] == private.tracking_number
    assert second["closed_date"] == "2026-03-02T12:00:00.000"


def test_a_cell_a_spreadsheet_would_run_as_a_formula_starts_with_a_quote(client, history):
    _private, _duplicate, _sandbox = history
    row = next(r for r in _csv(client.get("/open-data/requests.csv")) if r["duplicate"] == "True")
    assert row["street_address"] == "'" + FORMULA_ADDRESS
    for text, shown in [("=1+2", "'=1+2"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM", "'@SUM")]:
        assert writers.neutralised(text) == shown
    assert writers.neutralised("1060 W Addison") == "1060 W Addison"


def test_geojson_is_a_feature_collection_of_points(client, history):
    private, duplicate, _sandbox = history
    response = client.get("/open-data/requests.geojson")
    assert response["Content-Type"] == "application/geo+json"
    document = json.loads(_body(response))
    assert document["type"] == "FeatureCollection"
    features = {f["properties"]["sr_number"]: f for f in document["features"]}
    assert set(features) == {private.tracking_number, duplicate.tracking_number}
    point = features[private.tracking_number]
    assert point["geometry"] == {"type": "Point", "coordinates": [private.long, private.lat]}
    assert point["properties"]["ward"] == 42 and point["properties"]["duplicate"] is False
    assert features[duplicate.tracking_number]["properties"]["street_address"] == FORMULA_ADDRESS


def test_ndjson_is_one_georeport_record_with_extensions_a_line(client, history):
    private, duplicate, _sandbox = history
    response = client.get("/open-data/requests.ndjson")
    assert response["Content-Type"] == "application/x-ndjson"
    lines = _body(response).decode().splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["service_request_id"] for r in records] == [
        private.tracking_number,
        duplicate.tracking_number,
    ]  # the order they last changed
    api = client.get(
        f"/open311/v2/requests/{private.tracking_number}.json", {"extensions": "true"}
    ).json()[0]
    assert records[0] == api  # the API's own record, byte for byte
    assert records[0]["extended_attributes"]["community_area"] == str(private.community_area_id)
    assert any(note.get("description") == PUBLIC_NOTE for note in records[0]["notes"])
    assert records[1]["extended_attributes"]["parent_service_request_id"] == private.tracking_number


@pytest.mark.parametrize("fmt", ["csv", "geojson", "ndjson"])
def test_no_private_value_internal_note_or_sandbox_request_in_any_format(client, history, fmt):
    private, _duplicate, sandbox = history
    for headers in ({}, {"HTTP_ACCEPT_ENCODING": "gzip"}):
        body = _body(client.get(f"/open-data/requests.{fmt}", **headers)).decode()
        assert private.tracking_number in body
        for name, value in SECRETS.items():
            assert value not in body, f"{name} leaked in {fmt}"
        assert INTERNAL_NOTE not in body and "Internal note" not in body
        assert sandbox.tracking_number not in body and SANDBOX_NUMBER_TEXT not in body


def test_filters_select_by_created_updated_service_status_ward_and_community_area(
    client, history, abandoned_vehicle
):
    private, duplicate, _sandbox = history
    vehicle = _file(abandoned_vehicle, T0 + dt.timedelta(days=1), attributes={"HOWMANYD": ["9"]})

    def numbers(**params):
        return [r["sr_number"] for r in _csv(client.get("/open-data/requests.csv", params))]

    everyone = [private.tracking_number, duplicate.tracking_number, vehicle.tracking_number]
    assert numbers() == everyone
    assert numbers(created_after="2026-03-02T10:30:00") == everyone[1:]  # Chicago time
    assert numbers(created_before="2026-03-02T09:30:00-06:00") == everyone[:1]
    # Both were last changed at 18:00 UTC (marking the duplicate counts on the parent too).
    assert numbers(updated_after="2026-03-02T17:30Z", updated_before="2026-03-02T18:30Z") == [
        private.tracking_number,
        duplicate.tracking_number,
    ]
    assert numbers(service_code=abandoned_vehicle.service_code) == [vehicle.tracking_number]
    assert numbers(status="closed") == [duplicate.tracking_number]
    assert numbers(status="open") == [private.tracking_number, vehicle.tracking_number]
    assert numbers(ward="44") == [duplicate.tracking_number]
    assert numbers(ward="42") == [private.tracking_number, vehicle.tracking_number]
    assert numbers(ward="42,44") == everyone
    area = duplicate.community_area_id
    assert area is not None
    assert numbers(community_area=str(area)) == [duplicate.tracking_number]
    response = client.get("/open-data/requests.csv", {"ward": "forty", "created_after": "soon"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"ward", "created_after"}


def test_a_puller_resumes_by_updated_since_in_a_stable_order(client, history, pothole):
    private, duplicate, _sandbox = history
    first = _csv(client.get("/open-data/requests.csv"))
    later = _file(pothole, T0 + dt.timedelta(days=2))
    with clock.frozen_at(T0 + dt.timedelta(days=3)):
        requests.add_note(private, text="Patched.", public=True, actor=None)
    resumed = _csv(
        client.get("/open-data/requests.csv", {"updated_since": first[-1]["last_modified_date"]})
    )
    # The last row received comes again (same second), then what changed since, in order.
    assert [r["sr_number"] for r in resumed] == [
        duplicate.tracking_number,
        later.tracking_number,
        private.tracking_number,
    ]
    times = [r["last_modified_date"] for r in resumed]
    assert times == sorted(times)


def test_small_chunks_page_by_keyset_without_losing_or_repeating_rows(history, pothole):
    for _hour in range(5):  # five requests changed in the very same microsecond
        _file(pothole, T0 + dt.timedelta(days=5))
    from civic311.exports import selectors

    chunks = list(selectors.csv_chunks(ExportQuery(), chunk=2))
    numbers = [row[1] for chunk in chunks for row in chunk]
    assert len(chunks) == 4 and len(numbers) == len(set(numbers)) == 7


def test_gzip_when_asked_and_etag_304_until_something_changes(client, history):
    private, _duplicate, _sandbox = history
    plain = client.get("/open-data/requests.csv")
    packed = client.get("/open-data/requests.csv", HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert packed["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(b"".join(packed.streaming_content)) == b"".join(plain.streaming_content)
    assert packed["ETag"] != plain["ETag"]
    again = client.get("/open-data/requests.csv", HTTP_IF_NONE_MATCH=plain["ETag"])
    assert again.status_code == 304
    since = client.get("/open-data/requests.csv", HTTP_IF_MODIFIED_SINCE=plain["Last-Modified"])
    assert since.status_code == 304
    with clock.frozen_at(T0 + dt.timedelta(days=9)):
        requests.add_note(private, text="Patched.", public=True, actor=None)
    changed = client.get("/open-data/requests.csv", HTTP_IF_NONE_MATCH=plain["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != plain["ETag"]


def test_the_page_says_what_how_often_terms_and_every_column_in_english_and_spanish(
    client, history
):
    home = client.get("/").content.decode()
    assert 'href="/open-data/"' in home  # every page's footer links to it
    english = client.get("/open-data/").content.decode()
    assert "What is published" in english and "How often" in english and "Terms" in english
    for column in chicago_format.COLUMNS:
        assert f"<code>{column}</code>" in english
    assert "single quote" in english and "/open-data/requests.csv" in english
    spanish = client.get("/es/open-data/").content.decode()
    assert "Qué se publica" in spanish and "Cada columna" in spanish
    assert "comilla simple" in spanish


def test_the_export_command_writes_the_full_file_then_the_changes_and_the_page_serves_them(
    client, history, pothole, tmp_path, settings
):
    private, _duplicate, _sandbox = history
    out = tmp_path / "open-data"
    with clock.frozen_at(T0 + dt.timedelta(days=10)):
        call_command("export", "--format", "csv,ndjson", "--out", str(out), verbosity=0)
    first = sorted(p.name for p in out.iterdir())
    assert first == ["manifest.json", "requests-2026-03-12.csv.gz", "requests-2026-03-12.ndjson.gz"]
    full = gzip.decompress((out / "requests-2026-03-12.csv.gz").read_bytes()).decode()
    assert full == _body(client.get("/open-data/requests.csv")).decode()
    later = _file(pothole, T0 + dt.timedelta(days=10, hours=6))
    with clock.frozen_at(T0 + dt.timedelta(days=11)):
        call_command("export", "--out", str(out), verbosity=0)
    files = {f.name: f for f in services.published_files(out)}
    assert "requests-2026-03-12.csv.gz" not in files  # yesterday's full file is replaced
    changes = files["requests-changes-2026-03-13T150000Z.csv.gz"]
    assert changes.kind == "changes" and changes.rows == 1
    text = gzip.decompress((out / changes.name).read_bytes()).decode()
    assert later.tracking_number in text and private.tracking_number not in text
    assert files["requests-2026-03-13.csv.gz"].rows == 3
    settings.CIVIC311 = _with_open_data_dir(settings.CIVIC311, out)
    page = client.get("/open-data/").content.decode()
    assert "requests-2026-03-13.csv.gz" in page and changes.name in page
    served = client.get(f"/open-data/files/{changes.name}")
    assert served.status_code == 200
    assert gzip.decompress(b"".join(served.streaming_content)).decode() == text
    assert client.get("/open-data/files/manifest.json").status_code == 404
    assert client.get("/open-data/files/..%2Fmanifest.json").status_code == 404


def _with_open_data_dir(config, folder):
    import dataclasses

    return dataclasses.replace(config, open_data_dir=str(folder))


def test_the_fast_csv_line_is_what_csv_writer_writes_for_the_typed_row():
    """The CSV's line builder and the typed row GeoJSON uses cannot drift apart."""
    base = {
        "id": 1,
        "tracking_number": "26-00000001",
        "service_name": "Pothole in Street",
        "service_code": "4fd3b656e750846c53000004",
        "department": "Transportation",
        "status": "open",
        "channel": "web",
        "requested_datetime": "2026-03-08 07:59:59.250000",  # DST begins at 08:00 UTC
        "updated_datetime": "2026-03-08 08:00:01",
        "closed_datetime": None,
        "address": "2111 W Lexington ST, Chicago, IL",
        "zipcode": "60612",
        "duplicate_of_id": None,
        "community_area_id": 28,
        "ward_id": 27,
        "lat": 41.871831277993564,
        "long": -87.67984621876099,
        "parent_number": None,
        "created_department": None,
    }
    variants = [
        {},
        {"address": '=CMD("x"), "quoted", line\nbreak', "zipcode": "", "lat": None, "long": None},
        {"address": "", "status": "cancelled", "channel": "phone", "ward_id": None},
        {"duplicate_of_id": 7, "parent_number": "-1", "created_department": "+Streets"},
        {"requested_datetime": "2026-11-01 06:30:00", "closed_datetime": "2026-11-01 07:30:00"},
    ]
    line = writers._line_maker()
    for variant in variants:
        row = tuple({**base, **variant}[name] for name in selectors.CSV_FIELDS)
        buffer = io.StringIO()
        csv.writer(buffer).writerow([writers.csv_cell(v) for v in writers.chicago_row(row)])
        assert line(row) == buffer.getvalue(), variant
    first = tuple(base[name] for name in selectors.CSV_FIELDS)
    assert chicago_format.write_time(writers._moment(base["requested_datetime"])) in line(first)
