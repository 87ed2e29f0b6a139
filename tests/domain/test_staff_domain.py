"""Back-office rules on a real database: permissions inside the services, new services, reads."""

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civic311.catalog.models import Department
from civic311.core import clock
from civic311.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from civic311.geo import lookup as geo_lookup
from civic311.service_requests import bulk, services
from civic311.service_requests.models import RepeatReport, RequestEvent, ServiceRequest
from civic311.staff import selectors
from civic311.staff import services as staff_services
from civic311.status_checks import selectors as status_check_selectors
from tests.conftest import CITY_HALL, LAKE_MICHIGAN, WRIGLEY_FIELD
from tests.support.staff import make_staff

pytestmark = pytest.mark.django_db


def file(service, where=CITY_HALL, *, phone="", email="", address="121 N LaSalle St", **extra):
    return services.submit_request(
        service=service,
        channel="phone",
        location=services.Location(lat=where[0], long=where[1], address=address),
        attributes={"WHEREIST": ["CURB"]} if service.service_code.endswith("04") else {},
        requester=services.Requester(first_name="Ana", phone=phone, email=email),
        **extra,
    )


def event_count(request):
    return RequestEvent.objects.filter(request=request).count()


@pytest.fixture
def staff(chicago):
    return {
        "cdot": make_staff("cdot", "department", departments=("cdot",)),
        "water": make_staff("water", "department", departments=("water-management",)),
        "supervisor": make_staff("super", "supervisor", departments=("cdot", "water-management")),
        "operator": make_staff("operator", "operator"),
        "ward42": make_staff("ward42", "ward_office", ward=42),
    }


def test_city_hall_is_in_ward_42_and_wrigley_field_in_44(chicago):
    assert geo_lookup.ward_at(*CITY_HALL) == 42
    assert geo_lookup.ward_at(*WRIGLEY_FIELD) == 44
    assert geo_lookup.ward_at(*LAKE_MICHIGAN) is None


def test_department_staff_cannot_act_on_another_departments_request(pothole, staff):
    request = file(pothole)  # CDOT's
    before = event_count(request)
    water = staff["water"]
    attempts = [
        lambda: services.change_status(request, status="investigating", actor=water),
        lambda: services.add_note(request, text="mine now", public=False, actor=water),
        lambda: services.transfer(
            request,
            to_department=Department.objects.get(code="water-management"),
            reason="grabbing it",
            actor=water,
        ),
        lambda: services.mark_duplicate(request, parent=file(pothole), actor=water),
        lambda: services.assign(request, to_user=water, actor=water),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    request.refresh_from_db()
    assert request.status == "open" and request.department.code == "cdot"
    assert event_count(request) == before


def test_the_transfer_hands_the_right_to_act_to_the_new_department(pothole, staff):
    request = file(pothole)
    water = Department.objects.get(code="water-management")
    request = services.transfer(
        request, to_department=water, reason="Sewer cave-in.", actor=staff["cdot"]
    )
    with pytest.raises(PermissionDenied, match="not in your department"):
        services.change_status(request, status="investigating", actor=staff["cdot"])
    request = services.change_status(request, status="investigating", actor=staff["water"])
    assert request.events.last().actor_label == "Water"


def test_operators_and_ward_offices_file_but_cannot_change_status(pothole, staff):
    request = file(pothole, actor=staff["operator"])
    assert request.events.first().actor == staff["operator"]
    for who in ("operator", "ward42"):
        with pytest.raises(PermissionDenied):
            services.change_status(request, status="fixed", actor=staff[who])
    services.add_note(request, text="Caller called again.", public=False, actor=staff["operator"])
    with pytest.raises(PermissionDenied):
        services.add_note(request, text="Public words", public=True, actor=staff["operator"])


def test_a_user_without_a_role_or_deactivated_cannot_act_but_the_system_can(
    pothole, staff, django_user_model
):
    request = file(pothole)
    stranger = django_user_model.objects.create_user("stranger", password="x" * 12)
    with pytest.raises(PermissionDenied, match="no back-office role"):
        services.change_status(request, status="investigating", actor=stranger)
    gone = staff["cdot"]
    gone.is_active = False
    gone.save()
    with pytest.raises(PermissionDenied):
        services.change_status(request, status="investigating", actor=gone)
    assert services.change_status(request, status="investigating", actor=None).status == (
        "investigating"
    )


def test_supervisors_assign_and_reopen_department_staff_do_not(pothole, staff):
    request = file(pothole)
    with pytest.raises(PermissionDenied):
        services.assign(request, to_user=staff["cdot"], actor=staff["cdot"])
    with pytest.raises(PermissionDenied, match="be assigned"):
        services.assign(request, to_user=staff["water"], actor=staff["supervisor"])
    request = services.assign(request, to_user=staff["cdot"], actor=staff["supervisor"])
    assert request.assigned_to == staff["cdot"]
    assigned = request.events.get(type="assigned")
    assert assigned.is_public and assigned.summary == "Assigned to a crew"
    assert assigned.details["assignee"] == "Cdot" and assigned.actor == staff["supervisor"]
    request = services.change_status(request, status="fixed", actor=staff["cdot"])
    with pytest.raises(PermissionDenied):
        services.reopen(request, actor=staff["cdot"], reason="came back")
    request = services.reopen(request, actor=staff["supervisor"], reason="It came back.")
    assert request.status == "open"


def test_add_report_counts_one_more_report_and_keeps_the_caller_private(pothole, staff):
    request = file(pothole)
    request = services.add_report(
        request,
        requester=services.Requester(first_name="Bo", phone="312-555-0199", email="bo@example.org"),
        email_updates=True,
        actor=staff["operator"],
        channel="phone",
    )
    assert request.report_count == 2
    again = request.events.get(type="reported_again")
    assert again.is_public and "555" not in str(again.details) and "bo@" not in again.summary
    report = RepeatReport.objects.get(request=request)
    assert (report.phone, report.email, report.email_updates) == (
        "312-555-0199",
        "bo@example.org",
        True,
    )
    with pytest.raises(ValidationFailed, match="email"):
        services.add_report(
            request,
            requester=services.Requester(first_name="Cy"),
            email_updates=True,
            actor=staff["operator"],
            channel="phone",
        )
    closed = services.change_status(request, status="fixed", actor=None)
    with pytest.raises(InvalidTransition):
        services.add_report(
            closed,
            requester=services.Requester(),
            email_updates=False,
            actor=staff["operator"],
            channel="phone",
        )
    assert RepeatReport.objects.count() == 1


def test_bulk_status_change_changes_what_it_may_and_says_why_not_for_the_rest(pothole, staff):
    mine = [file(pothole) for _ in range(3)]
    closed = services.change_status(file(pothole), status="fixed", actor=None)
    theirs = services.transfer(
        file(pothole),
        to_department=Department.objects.get(code="water-management"),
        reason="Sewer.",
        actor=None,
    )
    result = bulk.bulk_change_status(
        [*mine, closed, theirs],
        status="action_scheduled",
        actor=staff["cdot"],
        public_note="Crew scheduled.",
    )
    assert sorted(result.changed) == sorted(r.tracking_number for r in mine)
    assert set(result.refused) == {closed.tracking_number, theirs.tracking_number}
    assert "reopen" in result.refused[closed.tracking_number]
    assert "not in your department" in result.refused[theirs.tracking_number]
    for request in mine:
        request.refresh_from_db()
        assert request.status == "action_scheduled" and request.status_notes == "Crew scheduled."


def test_nearby_finds_open_requests_of_the_same_service_within_150_m_and_30_days(
    pothole, abandoned_vehicle
):
    lat, long = CITY_HALL
    metre = 1 / 111_320
    near = file(pothole, where=(lat + 100 * metre, long))
    file(pothole, where=(lat + 200 * metre, long))  # too far
    closed = services.change_status(file(pothole), status="fixed", actor=None)
    with clock.frozen_at(clock.now() - dt.timedelta(days=31)):
        file(pothole)  # too old
    services.submit_request(
        service=abandoned_vehicle,
        channel="phone",
        location=services.Location(lat=lat, long=long),
        attributes={"HOWMANYD": ["10"]},
    )
    found = selectors.nearby_open_requests(service_id=pothole.pk, lat=lat, long=long)
    assert [(n.request.pk, n.metres) for n in found] == [(near.pk, 100)]
    assert closed.pk not in [n.request.pk for n in found]


def test_lookup_finds_by_lenient_number_address_phone_and_email(pothole, staff):
    first = file(pothole, phone="312-555-0101", address="1200 W 81st St")
    other = file(pothole, email="Ann@Example.org")
    services.add_report(
        other,
        requester=services.Requester(phone="(773) 555-0123"),
        email_updates=False,
        actor=staff["operator"],
        channel="phone",
    )
    digits = first.tracking_number.replace("-", "")
    assert selectors.lookup(f" #{digits} ", by="number") == [first]
    assert selectors.lookup(first.tracking_number[3:], by="number") == [first]
    assert selectors.lookup("99-99999999", by="number") == []
    assert selectors.lookup("81st", by="address") == [first]
    assert selectors.lookup("3125550101", by="contact") == [first]
    assert selectors.lookup("773.555.0123", by="contact") == [other]
    assert selectors.lookup("Ann@Example.org", by="contact") == [other]


def test_lookup_by_address_is_one_query_that_reads_the_street_index(pothole, staff):
    on_block = file(pothole, address="709 N Cottage Grove Ave, Chicago, IL")
    file(pothole, address="121 N LaSalle St")
    for typed, index in (
        ("709 north cottage grove avenue", "sr_street_block_requested"),
        ("cottage grove", "sr_street_requested"),
    ):
        with CaptureQueriesContext(connection) as queries:
            assert selectors.lookup(typed, by="address") == [on_block]
        assert len(queries) == 1
        assert index in _plan(queries[0]["sql"]), typed


def test_lookup_by_an_address_naming_no_street_asks_the_database_nothing(pothole, staff):
    file(pothole, address="709 N Cottage Grove Ave, Chicago, IL")
    with CaptureQueriesContext(connection) as queries:
        assert selectors.lookup("709", by="address") == []
    assert len(queries) == 0


def test_migration_0004_keys_requests_filed_before_it_in_batches(pothole, staff, monkeypatch):
    backfill = importlib.import_module(
        "civic311.service_requests.migrations.0004_street_key_for_caller_lookup"
    )
    monkeypatch.setattr(backfill, "BATCH", 2)  # three batches for five requests
    addresses = ["709 N Cottage Grove Ave, Chicago, IL", "121 N LaSalle St", "", "81st St"]
    filed = [file(pothole, address=a) for a in [*addresses, "1200 W 81st St"]]
    # Before 0004 a point could be filed without an address; civic311 now names one.
    ServiceRequest.objects.filter(pk=filed[2].pk).update(address="")
    ServiceRequest.objects.update(street_key="", address_block=None)
    backfill.fill_street_keys(django_apps, SimpleNamespace(connection=connection))
    keys = list(
        ServiceRequest.objects.filter(pk__in=[r.pk for r in filed])
        .order_by("pk")
        .values_list("street_key", "address_block")
    )
    assert keys == [
        ("cottage grove", 700),
        ("lasalle", 100),
        ("", None),
        ("81", None),
        ("81", 1200),
    ]
    assert selectors.lookup("709 north cottage grove avenue", by="address") == [filed[0]]


def _plan(sql: str) -> str:
    """The database's plan for a statement the lookup ran, as text.

    PostgreSQL is told sequential scans are expensive because its few test rows would
    otherwise be read in one page; the check is that the statement *can* use the index.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            return " ".join(str(row) for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
        return plan


def test_status_calls_are_counted_by_day_and_channel(pothole, staff):
    staff_services.record_lookup(actor=staff["operator"])
    staff_services.record_lookup(actor=staff["operator"])
    staff_services.record_lookup(actor=staff["ward42"])
    assert staff_services.record_lookup(actor=staff["cdot"]) is None  # not a caller's call
    today = clock.now().astimezone(dt.timezone(dt.timedelta(hours=-6))).date()
    days = status_check_selectors.daily(days=2)
    assert len(days) == 1
    assert days[0].by_channel == {"web": 0, "email": 0, "api": 0, "phone": 2, "ward_office": 1}
    assert days[0].total == 3
    assert abs((days[0].day - today).days) <= 1


def test_queue_filters_counts_and_overdue(pothole, abandoned_vehicle, staff):
    cdot = Department.objects.get(code="cdot").pk
    with clock.frozen_at(clock.now() - dt.timedelta(days=10)):
        old = file(pothole)  # target 7 days: overdue now
    new = file(pothole, where=WRIGLEY_FIELD)
    done = services.change_status(file(pothole), status="fixed", actor=None)
    services.assign(new, to_user=staff["cdot"], actor=staff["supervisor"])

    def numbers(**kwargs):
        queue = selectors.queue(selectors.QueueFilter(department=cdot, **kwargs))
        return [r.tracking_number for r in queue.page]

    assert numbers() == [new.tracking_number, old.tracking_number]
    assert numbers(sort="oldest") == [old.tracking_number, new.tracking_number]
    assert numbers(overdue=True) == [old.tracking_number]
    assert numbers(older_than_days=5) == [old.tracking_number]
    assert numbers(status="closed") == [done.tracking_number]
    assert numbers(in_ward=44) == [new.tracking_number]
    assert numbers(assigned="none") == [old.tracking_number]
    assert numbers(service=abandoned_vehicle.pk) == []
    counts = selectors.queue_counts(selectors.QueueFilter(department=cdot))
    assert (counts.open, counts.overdue, counts.unassigned) == (2, 1, 1)
    ward = selectors.queue(selectors.QueueFilter(ward=42))
    assert {r.tracking_number for r in ward.page} == {old.tracking_number}


def test_the_ward_office_selector_gives_the_alderman_of_city_halls_ward(pothole):
    from civic311.geo.selectors import ward_office

    request = file(pothole)
    office = ward_office(request.ward_id)
    assert office is not None and office.number == 42 and office.alderman
    assert ward_office(None) is None


def test_internal_notes_never_reach_the_public_timeline(pothole, staff):
    from civic311.service_requests import selectors as request_selectors
    from civic311.service_requests import timeline

    request = file(pothole)
    services.change_status(
        request, status="investigating", actor=staff["cdot"], internal_note="SECRET-1 owner rude"
    )
    services.add_note(
        request, text="SECRET-2 call back later", public=False, actor=staff["operator"]
    )
    services.add_note(request, text="Crew on the way.", public=True, actor=staff["cdot"])
    public = list(request_selectors.public_events(request))
    words = " ".join(f"{e.summary} {e.description}" for e in public)
    words += " ".join(f"{t.headline} {t.detail}" for t in map(timeline.entry, public))
    assert "SECRET" not in words and "Crew on the way." in words
    staff_words = [e.description for e in request_selectors.all_events(request)]
    assert "SECRET-1 owner rude" in staff_words and "SECRET-2 call back later" in staff_words
