"""Back-office pages through Django's test client: logins, scopes, queues, lookups, intake."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from civic311.catalog.models import Department
from civic311.service_requests import services
from civic311.service_requests.models import ServiceRequest
from civic311.status_checks.models import StatusCheck
from tests.conftest import CITY_HALL, LAKE_MICHIGAN, WRIGLEY_FIELD
from tests.support.staff import PASSWORD, file_pothole, logged_in, make_staff

pytestmark = pytest.mark.django_db


def staff_patterns():
    """(name, route) of every /staff/ URL pattern, from the URLconf itself."""
    staff = next(
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and str(p.pattern) == "staff/"
    )
    return [(p.name, str(p.pattern)) for p in staff.url_patterns if isinstance(p, URLPattern)]


def test_an_anonymous_visitor_gets_the_login_page_for_every_staff_url(client, pothole):
    request = file_pothole(pothole)
    examples = {
        "<str:number>": request.tracking_number,
        "<slug:code>": "cdot",
        "<int:number>": "42",
    }
    checked = 0
    for name, route in staff_patterns():
        if name in {"login", "logout"}:
            continue
        url = "/staff/" + re.sub(r"<[^>]+>", lambda m: examples[m.group(0)], route)
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, (url, response.status_code)
            assert response["Location"].startswith("/staff/login/?next="), url
        checked += 1
    assert checked >= 14
    assert ServiceRequest.objects.get().events.count() == 2  # nothing happened
    page = client.get("/staff/login/?next=/staff/")
    assert page.status_code == 200 and "Staff log in" in page.content.decode()


def test_a_logged_in_user_without_a_role_is_refused(client, chicago, django_user_model):
    django_user_model.objects.create_user("plain", password=PASSWORD)
    client.login(username="plain", password=PASSWORD)
    response = client.get("/staff/")
    assert response.status_code == 403 and "no back-office role" in response.content.decode()


def test_logging_in_through_the_form_reaches_the_home_page(client, chicago):
    make_staff("cdot", "department", departments=("cdot",))
    response = client.post(
        "/staff/login/", {"username": "cdot", "password": PASSWORD, "next": "/staff/"}, follow=True
    )
    page = response.content.decode()
    assert "Chicago Department of Transportation" in page and "Department queues" in page


def test_ward_staff_see_only_their_ward(client, pothole):
    ward42 = logged_in(client, make_staff("ward42", "ward_office", ward=42))
    at_city_hall = file_pothole(pothole)
    at_wrigley = file_pothole(pothole, where=WRIGLEY_FIELD)
    queue = ward42.get("/staff/queues/ward/42/").content.decode()
    assert at_city_hall.tracking_number in queue and at_wrigley.tracking_number not in queue
    assert ward42.get("/staff/queues/ward/44/").status_code == 403
    assert ward42.get(f"/staff/requests/{at_city_hall.tracking_number}/").status_code == 200
    refused = ward42.get(f"/staff/requests/{at_wrigley.tracking_number}/")
    assert refused.status_code == 403 and "not in ward 42" in refused.content.decode()
    found = ward42.get("/staff/lookup/", {"by": "number", "q": at_wrigley.tracking_number})
    assert "Nothing found" in found.content.decode()
    assert f"/staff/requests/{at_wrigley.tracking_number}/" not in found.content.decode()
    assert ward42.get("/staff/queues/department/cdot/").status_code == 403


def test_department_staff_cannot_act_on_another_departments_request_through_the_pages(
    client, pothole
):
    water = logged_in(client, make_staff("water", "department", departments=("water-management",)))
    request = file_pothole(pothole)
    number = request.tracking_number
    posts = {
        "status": {"status": "fixed", "public_note": "done"},
        "note": {"text": "x", "public": "on"},
        "transfer": {
            "department": Department.objects.get(code="water-management").pk,
            "reason": "mine",
        },
        "duplicate": {"parent": file_pothole(pothole).tracking_number},
    }
    for action, data in posts.items():
        response = water.post(f"/staff/requests/{number}/{action}/", data)
        assert response.status_code == 403, action
    request.refresh_from_db()
    assert request.status == "open" and request.department.code == "cdot"
    assert request.events.count() == 2
    page = water.get(f"/staff/requests/{number}/").content.decode()
    assert "Change status" not in page and "Transfer</button>" not in page


def test_a_queue_page_costs_the_same_queries_for_3_or_30_requests(client, pothole):
    cdot = logged_in(client, make_staff("cdot", "department", departments=("cdot",)))
    supervisor = make_staff("sup", "supervisor", departments=("cdot",))
    for _ in range(3):
        services.assign(file_pothole(pothole), to_user=cdot_user(), actor=supervisor)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = cdot.get("/staff/queues/department/cdot/", {"sort": "due"})
        assert response.status_code == 200
        return len(captured)

    few = queries()
    for i in range(27):
        request = file_pothole(pothole, where=WRIGLEY_FIELD if i % 2 else CITY_HALL)
        if i % 3 == 0:
            services.assign(request, to_user=cdot_user(), actor=supervisor)
    many = queries()
    assert few == many, (few, many)
    assert many <= 14


def cdot_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="cdot")


def test_a_lookup_counts_a_status_call_that_supervisors_see_per_day_and_channel(client, pothole):
    request = file_pothole(pothole)
    operator = make_staff("operator", "operator")
    supervisor = make_staff("sup", "supervisor", departments=("cdot",))
    logged_in(client, operator)
    page = client.get("/staff/lookup/", {"by": "number", "q": request.tracking_number[3:]})
    text = page.content.decode()
    assert request.tracking_number in text and "Received" in text
    client.get("/staff/lookup/", {"by": "address", "q": "LaSalle"})
    assert StatusCheck.objects.get(channel="phone").count == 2
    assert client.get("/staff/status-calls/").status_code == 403
    client.logout()
    logged_in(client, supervisor)
    table = client.get("/staff/status-calls/").content.decode()
    phone_cells = re.findall(r'<td data-channel="phone">(\d+)</td>', table)
    ward_cells = re.findall(r'<td data-channel="ward_office">(\d+)</td>', table)
    assert phone_cells == ["2", "2"] and ward_cells == ["0", "0"]  # this week, and today


def test_an_operator_finds_a_request_by_the_address_as_the_caller_says_it(client, pothole):
    filed = file_pothole(pothole, address="709 N Cottage Grove Ave, Chicago, IL")
    up_the_street = file_pothole(pothole, address="1215 N Cottage Grove Ave, Chicago, IL")
    sandbox = file_pothole(pothole, address="709 N Cottage Grove Ave, Chicago, IL", is_test=True)
    elsewhere = file_pothole(pothole)  # 121 N LaSalle St
    logged_in(client, make_staff("operator", "operator"))

    everyone = [filed, up_the_street, sandbox, elsewhere]

    def look_up(typed):
        text = client.get("/staff/lookup/", {"by": "address", "q": typed}).content.decode()
        return {r.tracking_number for r in everyone if r.tracking_number in text}, text

    numbers, text = look_up("709 north cottage grove avenue")
    assert numbers == {filed.tracking_number}
    assert "709 N Cottage Grove Ave, Chicago, IL" in text and "History" in text
    numbers, text = look_up("cottage grove")
    assert numbers == {filed.tracking_number, up_the_street.tracking_number}
    assert "2 requests found" in text
    numbers, _ = look_up("1200 N Cottage Grove")
    assert numbers == {up_the_street.tracking_number}
    for nowhere in ("4321 W Nowhere Ave", "709", "ave"):
        numbers, text = look_up(nowhere)
        assert numbers == set() and "Nothing found" in text and 'data-help="address"' in text


def test_lookup_shows_internal_notes_to_staff_with_the_public_words(client, pothole):
    request = services.change_status(
        file_pothole(pothole),
        status="investigating",
        actor=None,
        internal_note="Caller is the owner.",
    )
    logged_in(client, make_staff("operator", "operator"))
    text = client.get("/staff/lookup/", {"by": "number", "q": request.tracking_number}).content
    text = text.decode()
    assert "Status changed from Received to Under review" in text
    assert "Caller is the owner." in text and "internal" in text


def test_intake_refuses_a_point_in_lake_michigan_and_files_city_hall_in_ward_42(client, pothole):
    logged_in(client, make_staff("operator", "operator"))
    form = {
        "service": pothole.pk,
        "attr_WHEREIST": "CURB",
        "address": "Out on the lake",
        "lat": LAKE_MICHIGAN[0],
        "long": LAKE_MICHIGAN[1],
        "first_name": "Ana",
        "phone": "312-555-0100",
    }
    refused = client.post("/staff/intake/", form)
    assert refused.status_code == 400
    assert "outside the city" in refused.content.decode()
    assert not ServiceRequest.objects.exists()
    form.update(lat=CITY_HALL[0], long=CITY_HALL[1], address="121 N LaSalle St")
    filed = client.post("/staff/intake/", form)
    request = ServiceRequest.objects.get()
    assert filed.status_code == 302 and request.tracking_number in filed["Location"]
    assert (request.ward_id, request.channel, request.requester_phone) == (
        42,
        "phone",
        "312-555-0100",
    )


def test_intake_shows_the_questions_of_every_datatype(client, chicago):
    from civic311.catalog.models import Service

    logged_in(client, make_staff("ward42", "ward_office", ward=42))
    seen = set()
    for service in Service.objects.prefetch_related("attributes"):
        page = client.get("/staff/intake/questions/", {"service": service.pk}).content.decode()
        for attribute in service.attributes.all():
            assert f'name="attr_{attribute.code}"' in page
            assert f'for="id_attr_{attribute.code}' in page or "<legend>" in page
            seen.add(attribute.datatype)
    assert seen == {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}


def test_intake_files_a_ward_office_visit_with_every_datatype_answered(client, chicago):
    from civic311.catalog.models import Service

    logged_in(client, make_staff("ward42", "ward_office", ward=42))
    restaurant = Service.objects.get(name="Restaurant Complaint")
    response = client.post(
        "/staff/intake/",
        {
            "service": restaurant.pk,
            "attr_WHENDIDY": "2026-05-01T19:30",
            "attr_WHATPROB": ["RODENTS", "DIRTY"],
            "lat": CITY_HALL[0],
            "long": CITY_HALL[1],
            "email": "v@example.org",
            "email_updates": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    request = ServiceRequest.objects.get()
    assert request.channel == "ward_office"
    assert request.attributes == {
        "WHENDIDY": "2026-05-01T19:30:00",
        "WHATPROB": ["RODENTS", "DIRTY"],
    }


def test_supervisors_assign_from_the_queue_and_reopen_and_merge_from_the_request_page(
    client, pothole
):
    crew = make_staff("crew", "department", departments=("cdot",), first_name="Pat")
    supervisor = logged_in(client, make_staff("sup", "supervisor", departments=("cdot",)))
    first, second = file_pothole(pothole), file_pothole(pothole)
    response = supervisor.post(
        "/staff/queues/bulk/",
        {
            "selected": [first.tracking_number, second.tracking_number],
            "action": "assign",
            "to_user": crew.pk,
            "next": "/staff/queues/department/cdot/",
        },
        follow=True,
    )
    assert "Changed 2" in response.content.decode()
    assert set(ServiceRequest.objects.values_list("assigned_to", flat=True)) == {crew.pk}
    queue = supervisor.get("/staff/queues/department/cdot/", {"assigned": crew.pk}).content
    assert first.tracking_number in queue.decode()

    merged = supervisor.post(
        f"/staff/requests/{second.tracking_number}/duplicate/",
        {"parent": first.tracking_number[3:], "note": "Same hole."},
        follow=True,
    ).content.decode()
    assert f"Closed as a duplicate of {first.tracking_number}" in merged
    reopened = supervisor.post(
        f"/staff/requests/{second.tracking_number}/reopen/",
        {"reason": "Different hole after all."},
        follow=True,
    ).content.decode()
    assert "Request reopened" in reopened and "Different hole after all." in reopened
    first.refresh_from_db()
    assert first.report_count == 2


def test_department_staff_see_refusals_as_messages_not_errors(client, pothole):
    cdot = logged_in(client, make_staff("cdot", "department", departments=("cdot",)))
    request = file_pothole(pothole)
    page = cdot.post(
        f"/staff/requests/{request.tracking_number}/transfer/",
        {"department": Department.objects.get(code="cdot").pk, "reason": "same"},
        follow=True,
    ).content.decode()
    assert "already with Transportation" in page
    page = cdot.post(
        f"/staff/requests/{request.tracking_number}/duplicate/",
        {"parent": "99-99999999"},
        follow=True,
    ).content.decode()
    assert "No request has the tracking number 99-99999999" in page


def test_the_request_page_shows_answers_as_questions_and_labels(client, pothole):
    request = file_pothole(pothole)
    logged_in(client, make_staff("cdot-answers", "department", departments=("cdot",)))
    page = client.get(f"/staff/requests/{request.tracking_number}/").content.decode()
    assert "Where is the pothole located?" in page
    assert "Curb Lane" in page
    assert "<dt>WHEREIST</dt>" not in page


@pytest.mark.parametrize("ticked", [False, True], ids=["unticked", "ticked"])
def test_intake_emails_the_caller_updates_only_when_they_asked(client, pothole, ticked):
    from civic311.notifications.models import OutboxMessage, Subscription

    logged_in(client, make_staff("operator", "operator"))
    form = {
        "service": pothole.pk,
        "attr_WHEREIST": "CURB",
        "address": "121 N LaSalle St",
        "lat": CITY_HALL[0],
        "long": CITY_HALL[1],
        "first_name": "Ana",
        "email": "ana@example.org",
    }
    if ticked:
        form["email_updates"] = "on"
    filed = client.post("/staff/intake/", form)
    assert filed.status_code == 302, filed.content.decode()[:2000]
    request = ServiceRequest.objects.get()
    assert request.requester_email == "ana@example.org"  # kept for staff to call back either way
    followers = list(Subscription.objects.filter(request=request).values_list("email", flat=True))
    receipts = list(
        OutboxMessage.objects.filter(request=request, kind="receipt").values_list(
            "to_email", "subject"
        )
    )
    if not ticked:
        assert followers == [] and receipts == []
    else:
        assert followers == ["ana@example.org"]
        assert len(receipts) == 1 and receipts[0][0] == "ana@example.org"
        assert request.tracking_number in receipts[0][1]
