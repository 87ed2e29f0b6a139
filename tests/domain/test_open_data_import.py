"""Importing Chicago's 311 open data and Open311 harvests: every row accounted for, reruns
change nothing, duplicates find their parents in any order, and imported requests are
found by the city's own numbers."""

import csv
import gzip
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from civic311.catalog.models import Service
from civic311.service_requests import services
from civic311.service_requests.importing.run import import_file
from civic311.service_requests.models import RequestEvent, ServiceRequest
from civic311.service_requests.selectors import find_by_typed_number
from tests.conftest import WRIGLEY_FIELD
from tests.support.staff import file_pothole

pytestmark = pytest.mark.django_db
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SAMPLE = SHARED / "data/chicago/sr_open_data_2021-01-01_first200.csv"
HARVEST = SHARED / "open311/reference/chicago/requests_extensions_sample_2014.json"
Event = RequestEvent.Type


def sample_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(SAMPLE.open(encoding="utf-8")))


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(sample_rows()[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(path: Path, tmp_path: Path, format="chicago-open-data", **options):
    return import_file(path, format=format, rejects=tmp_path / "rejects.csv", **options)


def test_the_200_real_rows_are_all_imported_in_the_right_wards_and_areas(chicago, tmp_path):
    counts = run(SAMPLE, tmp_path)

    assert (counts.read, counts.created, counts.rejected) == (200, 200, 0)
    assert not (tmp_path / "rejects.csv").exists()
    by_number = {r.tracking_number: r for r in ServiceRequest.objects.all()}
    with_point = [row for row in sample_rows() if row["latitude"]]
    same_ward = sum(str(by_number[r["sr_number"]].ward_id) == r["ward"] for r in with_point)
    same_area = sum(
        str(by_number[r["sr_number"]].community_area_id) == r["community_area"] for r in with_point
    )
    assert same_ward / len(with_point) >= 0.99
    assert same_area / len(with_point) >= 0.995


def test_a_second_import_of_the_same_file_changes_nothing(chicago, tmp_path):
    run(SAMPLE, tmp_path)
    events = RequestEvent.objects.count()

    again = run(SAMPLE, tmp_path)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 200)
    assert RequestEvent.objects.count() == events


def test_an_imported_request_keeps_the_citys_number_service_and_history(chicago, tmp_path):
    run(SAMPLE, tmp_path)

    request = find_by_typed_number("sr21-1")
    assert request.tracking_number == "SR21-00000001"
    assert request.service.name == "311 INFORMATION ONLY CALL"
    assert (request.status, request.channel, request.ward_id) == ("fixed", "phone", 28)
    assert request.requested_datetime.isoformat() == "2021-01-01T06:00:09+00:00"  # 00:00:09 CST
    steps = list(request.events.order_by("created_at", "id").values_list("type", "description"))
    assert steps == [
        (Event.SUBMITTED, "Imported from the city's open data."),
        (Event.CLOSED, "Imported from the city's open data."),
    ]


def test_a_type_the_catalogue_lacks_becomes_an_imported_service_never_offered(chicago, tmp_path):
    run(SAMPLE, tmp_path)

    info_call = Service.objects.get(service_code="imported-311IOC")
    assert (info_call.imported, info_call.active) == (True, False)
    assert ServiceRequest.objects.filter(service=info_call).count() == 178
    rats = ServiceRequest.objects.get(tracking_number="SR21-00000150")
    assert rats.service.name == "Rodent Baiting / Rat Complaint"  # mapped by sr_short_code SGA
    assert not rats.service.imported


def test_bad_rows_go_to_the_rejects_file_with_line_and_reason_and_good_ones_still_land(
    chicago, tmp_path
):
    good, *_ = sample_rows()
    rows = [
        good,
        {**good, "sr_number": "SR21-00000900", "created_date": "yesterday"},
        {**good, "sr_number": "SR21-00000901", "status": "Lost"},
        {**good, "sr_number": ""},
        {**good, "sr_number": "SR21-00000902", "latitude": "0", "longitude": "0"},
        {**good, "sr_number": "SR21-00000903"},
    ]
    counts = run(write_csv(tmp_path / "mixed.csv", rows), tmp_path)

    assert (counts.read, counts.created, counts.rejected) == (6, 2, 4)
    rejects = list(csv.DictReader((tmp_path / "rejects.csv").open(encoding="utf-8")))
    assert [(r["line"], r["reason"]) for r in rejects] == [
        ("3", "created_date 'yesterday' is not a date and time"),
        ("4", "unknown status 'Lost' (expected Open, Completed or Canceled)"),
        ("5", "sr_number '' is not a request number"),
        ("6", "the point 0.0, 0.0 is not in Chicago"),
    ]
    assert rejects[0]["row"].startswith("SR21-00000900,311 INFORMATION ONLY CALL")


def test_a_duplicate_imported_before_its_parent_is_linked_when_the_parent_arrives(
    chicago, tmp_path
):
    parent, child = sample_rows()[:2]
    child = {**child, "duplicate": "True", "parent_sr_number": parent["sr_number"]}
    run(write_csv(tmp_path / "child.csv", [child]), tmp_path)
    waiting = ServiceRequest.objects.get(tracking_number=child["sr_number"])
    assert (waiting.status, waiting.duplicate_of) == ("duplicate", None)

    counts = run(write_csv(tmp_path / "parent.csv", [parent]), tmp_path)

    waiting.refresh_from_db()
    assert waiting.duplicate_of.tracking_number == "SR21-00000001"
    assert counts.duplicates_linked == 1
    closing = waiting.events.get(type=Event.DUPLICATE_MARKED)
    assert closing.to_value == "SR21-00000001"


def test_a_newer_file_updates_what_changed_and_the_timeline_says_so(chicago, tmp_path):
    row = sample_rows()[0]
    opened = {**row, "status": "Open", "closed_date": "", "last_modified_date": row["created_date"]}
    run(write_csv(tmp_path / "monday.csv", [opened]), tmp_path)
    assert ServiceRequest.objects.get(tracking_number="SR21-00000001").is_open

    counts = run(write_csv(tmp_path / "tuesday.csv", [row]), tmp_path)

    assert (counts.created, counts.updated) == (0, 1)
    request = ServiceRequest.objects.get(tracking_number="SR21-00000001")
    assert request.status == "fixed"
    assert request.updated_datetime.isoformat() == "2021-01-01T06:31:03+00:00"
    assert list(request.events.values_list("type", flat=True).order_by("id")) == [
        Event.SUBMITTED,
        Event.CLOSED,
    ]


def test_an_interrupted_import_loses_nothing_and_a_rerun_finishes_it(chicago, tmp_path):
    def interrupt_after_the_first_batch(rows, position):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(SAMPLE, tmp_path, batch_size=50, progress=interrupt_after_the_first_batch)
    assert ServiceRequest.objects.count() == 50

    counts = run(SAMPLE, tmp_path, batch_size=50)

    assert (counts.created, counts.unchanged) == (150, 50)
    assert ServiceRequest.objects.count() == 200


def test_a_gzipped_file_imports_the_same(chicago, tmp_path):
    packed = tmp_path / "sr.csv.gz"
    packed.write_bytes(gzip.compress(SAMPLE.read_bytes()))

    assert run(packed, tmp_path).created == 200


def test_a_file_that_is_not_the_citys_format_is_refused_with_a_sentence(chicago, tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("id,name\n1,pothole\n", encoding="utf-8")

    with pytest.raises(Exception, match="header lacks sr_number, sr_type, status, created_date"):
        run(other, tmp_path)


def test_an_open311_harvest_imports_one_record_per_line(chicago, tmp_path):
    records = json.loads(HARVEST.read_text(encoding="utf-8"))
    harvest = tmp_path / "harvest.ndjson"
    lines = [json.dumps(record) for record in records] + ["{not json", '{"status": "open"}']
    harvest.write_text("\n".join(lines) + "\n", encoding="utf-8")

    counts = run(harvest, tmp_path, format="open311-harvest")

    assert (counts.created, counts.rejected) == (len(records), 2)
    pothole = ServiceRequest.objects.get(tracking_number="14-00684314")
    assert pothole.service.name == "Pothole in Street"  # the catalogue's, by service code
    assert (pothole.status, pothole.channel, pothole.ward_id) == ("fixed", "phone", 21)
    reasons = [r["reason"] for r in csv.DictReader((tmp_path / "rejects.csv").open())]
    assert reasons[0].startswith("not a JSON object")
    assert reasons[1] == "service_request_id '' is not a request number"


def test_the_command_prints_its_counts(chicago, tmp_path):
    out = io.StringIO()
    call_command("import", "chicago-open-data", str(SAMPLE), verbosity=0, stdout=out)
    call_command("import", "chicago-open-data", str(SAMPLE), verbosity=0, stdout=out)

    first, second = out.getvalue().strip().splitlines()
    assert "200 created, 0 updated, 0 unchanged, 0 rejected." in first
    assert "0 created, 0 updated, 200 unchanged, 0 rejected." in second


def test_the_tracker_shows_an_imported_request_its_history_and_community_area(
    chicago, tmp_path, client
):
    run(SAMPLE, tmp_path)

    found = client.get("/track", {"number": "SR21-1"})
    assert found.status_code == 302 and found["Location"] == "/requests/SR21-00000001"
    page = client.get("/requests/SR21-00000001").content.decode()
    assert "Community area" in page and "Near West Side (28)" in page
    assert "Imported from the city&#x27;s open data." in page
    assert "Request received via phone" in page


def test_export_then_import_into_an_empty_database_then_export_gives_the_same_file(
    chicago, pothole, tmp_path, client
):
    run(SAMPLE, tmp_path)
    parent = file_pothole(pothole)
    child = file_pothole(pothole, where=WRIGLEY_FIELD, address="=1060 W Addison St")
    services.mark_duplicate(child, parent=parent, actor=None)
    services.change_status(parent, status="in_progress", actor=None)
    first = b"".join(client.get("/open-data/requests.csv").streaming_content)
    (tmp_path / "export.csv").write_bytes(first)

    RequestEvent.objects.all().delete()
    ServiceRequest.objects.update(duplicate_of=None)
    ServiceRequest.objects.all().delete()
    counts = run(tmp_path / "export.csv", tmp_path)
    again = b"".join(client.get("/open-data/requests.csv").streaming_content)

    assert (counts.created, counts.rejected) == (202, 0)
    assert len(first.splitlines()) == 1 + 202 and b"'=1060 W Addison St" in first
    assert again == first
    imported_child = ServiceRequest.objects.get(tracking_number=child.tracking_number)
    assert imported_child.duplicate_of.tracking_number == parent.tracking_number
    assert imported_child.address == "=1060 W Addison St"  # the export's guard quote is taken off
