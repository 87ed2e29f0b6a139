"""The back office in a real headless Chromium: intake, queues, bulk actions, transfer, closing."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from civic311.catalog.models import Department, Service
from civic311.service_requests import services
from civic311.service_requests.models import ServiceRequest
from tests.conftest import CITY_HALL, WRIGLEY_FIELD
from tests.media import images
from tests.support.browser import serious_axe_violations
from tests.support.staff import PASSWORD, make_staff

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
METRE = 1 / 111_320


def file(service, where=CITY_HALL, **extra):
    return services.submit_request(
        service=service,
        channel="web",
        location=services.Location(lat=where[0], long=where[1], address="121 N LaSalle St"),
        attributes={"WHEREIST": ["CURB"]} if service.name == "Pothole in Street" else {},
        **extra,
    )


def log_in(page, username):
    page.goto(f"{page.base}/staff/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{page.base}/staff/")


def test_operator_intake_offers_the_nearby_request_and_adds_the_caller_to_it(page, pothole):
    existing = file(pothole)
    make_staff("operator", "operator")
    log_in(page, "operator")
    page.get_by_role("link", name="File a new request").click()
    page.wait_for_function("() => window.htmx && window.L")  # scripts at the end of the page
    page.get_by_label("Service (required)").select_option(label="Pothole in Street")
    page.get_by_label("Where is the pothole located? (required)").select_option("TRAFFIC")
    page.get_by_label("Address").fill("125 N LaSalle St")
    page.get_by_label("Latitude").fill(str(CITY_HALL[0] + 60 * METRE))
    page.get_by_label("Longitude").fill(str(CITY_HALL[1]))
    page.get_by_label("Caller's first name").fill("Bo")
    page.get_by_label("Caller's phone").fill("312-555-0142")
    page.get_by_label("Caller's email").fill("bo@example.org")
    page.get_by_label("Email them updates").check()
    page.get_by_role("button", name="File request").click()

    nearby = page.get_by_role("region", name="Already reported nearby?")
    assert existing.tracking_number in nearby.inner_text()
    assert "60 m away" in nearby.inner_text()
    assert [v["id"] for v in serious_axe_violations(page)] == []
    nearby.get_by_role("button", name=f"Add caller to {existing.tracking_number}").click()

    page.wait_for_url(f"**/staff/requests/{existing.tracking_number}/")
    expect(page.locator("main")).to_contain_text(f"Added the caller to {existing.tracking_number}")
    expect(page.locator("main")).to_contain_text("Another resident reported this problem")
    assert ServiceRequest.objects.count() == 1
    existing.refresh_from_db()
    assert existing.report_count == 2
    assert existing.repeat_reports.get().phone == "312-555-0142"


def test_a_phone_callers_address_alone_gets_the_nearby_check_and_lands_in_its_ward_queue(
    page, chromium, pothole
):
    existing = file(pothole)
    make_staff("operator", "operator")
    make_staff("ward42", "ward_office", ward=42)
    log_in(page, "operator")
    page.get_by_role("link", name="File a new request").click()
    page.wait_for_function("() => window.htmx && window.L")
    page.get_by_label("Service (required)").select_option(label="Pothole in Street")
    page.get_by_label("Where is the pothole located? (required)").select_option("TRAFFIC")
    page.get_by_label("Address").fill("125 N LaSalle St")  # no point: the caller is on the phone
    page.get_by_label("Caller's first name").fill("Bo")
    page.get_by_label("Caller's phone").fill("312-555-0142")
    page.get_by_role("button", name="File request").click()

    nearby = page.get_by_role("region", name="Already reported nearby?")
    expect(nearby).to_contain_text(existing.tracking_number)
    expect(page.locator("#located")).to_have_text("Located: 125 N LaSalle St, ward 42")
    assert page.get_by_label("Latitude").input_value().startswith("41.88")
    assert page.get_by_label("Caller's phone").input_value() == "312-555-0142"
    assert [v["id"] for v in serious_axe_violations(page)] == []
    page.get_by_label("Caller's first name").press("Enter")  # checks again; adds to nothing
    expect(nearby).to_contain_text(existing.tracking_number)
    assert existing.repeat_reports.count() == 0 and ServiceRequest.objects.count() == 1
    nearby.get_by_role("button", name="File as a new request anyway").click()

    page.wait_for_url("**/staff/requests/*/")
    expect(page.locator("main")).to_contain_text("Give the caller this number")
    filed = ServiceRequest.objects.exclude(pk=existing.pk).get()
    assert filed.ward_id == 42 and filed.channel == "phone"
    ward_office = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    ward_office.base = page.base
    log_in(ward_office, "ward42")
    ward_office.get_by_role("link", name="Ward 42").click()
    expect(ward_office.locator("table")).to_contain_text(filed.tracking_number)
    ward_office.context.close()


def test_ward_office_queue_shows_its_ward_only_and_works_on_a_phone(page, pothole):
    in_ward = file(pothole)
    elsewhere = file(pothole, where=WRIGLEY_FIELD)
    make_staff("ward42", "ward_office", ward=42)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "ward42")
    page.get_by_role("link", name="Ward 42").click()
    table = page.locator("table").inner_text()
    assert in_ward.tracking_number in table and elsewhere.tracking_number not in table
    assert page.locator("#count-open").inner_text() == "1"
    assert [v["id"] for v in serious_axe_violations(page)] == []
    page.get_by_role("link", name=in_ward.tracking_number).click()
    expect(page.locator("main")).to_contain_text("Expected completion")
    assert "Ward" in page.inner_text("main")


def test_department_queue_filters_by_ward_and_changes_selected_requests(page, pothole):
    a, b = file(pothole), file(pothole)
    far = file(pothole, where=WRIGLEY_FIELD)
    make_staff("cdot", "department", departments=("cdot",))
    log_in(page, "cdot")
    page.get_by_role("link", name="Chicago Department of Transportation").click()
    assert page.locator("#count-open").inner_text() == "3"

    page.get_by_label("Ward", exact=True).select_option(label="Ward 44")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)  # waits for the filtered page to load
    assert far.tracking_number in rows.inner_text()

    page.get_by_label("Ward", exact=True).select_option(label="Any ward")
    page.get_by_role("button", name="Filter").click()
    page.get_by_label(f"Select {a.tracking_number}").check()
    page.get_by_label(f"Select {b.tracking_number}").check()
    page.get_by_label("New status").select_option(label="Work scheduled")
    page.get_by_label("Public note", exact=True).fill("Crew scheduled for Monday.")
    assert [v["id"] for v in serious_axe_violations(page)] == []
    page.get_by_role("button", name="Apply to selected").click()

    expect(page.locator("main")).to_contain_text("Changed 2")
    statuses = dict(ServiceRequest.objects.values_list("tracking_number", "status"))
    assert statuses == {
        a.tracking_number: "action_scheduled",
        b.tracking_number: "action_scheduled",
        far.tracking_number: "open",
    }


def test_transfer_to_water_management_as_a_cave_in_keeps_the_number(page, pothole):
    request = file(pothole)
    make_staff("cdot", "department", departments=("cdot",))
    log_in(page, "cdot")
    page.goto(f"{page.base}/staff/requests/{request.tracking_number}/")
    page.get_by_label("To department").select_option(label="Department of Water Management")
    page.get_by_label("As service").select_option(label="Pavement Cave-In Survey")
    page.get_by_label("Reason (shown to the public)").fill("The photo shows a sewer cave-in.")
    page.get_by_role("button", name="Transfer", exact=True).click()

    main = page.inner_text("main")
    assert "Transferred." in main and "Transferred to Water Management" in main
    assert "The photo shows a sewer cave-in." in main
    request.refresh_from_db()
    assert request.department.code == "water-management"
    assert request.service.name == "Pavement Cave-In Survey"
    assert page.get_by_role("button", name="Change status").count() == 0  # not CDOT's any more


def test_closing_with_a_crew_photo(page, pothole, media_root, tmp_path):
    pothole.photo_required_to_close = True
    pothole.save()
    request = file(pothole)
    make_staff("cdot", "department", departments=("cdot",))
    log_in(page, "cdot")
    page.goto(f"{page.base}/staff/requests/{request.tracking_number}/")
    page.get_by_label("New status").select_option(label="Completed")
    page.get_by_label("Public note", exact=True).fill("Pothole filled.")
    page.get_by_role("button", name="Change status").click()
    expect(page.locator("main")).to_contain_text("Attach an 'after' photo")
    request.refresh_from_db()
    assert request.status == "open"

    photo = tmp_path / "after.jpg"
    photo.write_bytes(images.jpeg(size=(400, 300)))
    page.get_by_label("New status").select_option(label="Completed")
    page.get_by_label("Public note", exact=True).fill("Pothole filled.")
    page.get_by_label("Crew photos ('after')").set_input_files(str(photo))
    page.get_by_role("button", name="Change status").click()

    expect(page.locator("main")).to_contain_text("Status changed.")
    request.refresh_from_db()
    assert request.status == "fixed"
    crew_photo = request.photos.get()
    assert crew_photo.kind == "crew"
    image = page.get_by_role("img", name="Crew 'after' photo 1")
    expect(image).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    assert image.evaluate("img => img.naturalWidth") == 400


def test_no_login_no_back_office(page, chicago):
    page.goto(f"{page.base}/staff/queues/department/cdot/")
    assert page.url.startswith(f"{page.base}/staff/login/")
    assert page.get_by_role("heading", name="Staff log in").is_visible()
    assert get_user_model().objects.count() == 0
    assert Department.objects.filter(code="cdot").exists()
    assert Service.objects.exists()


def test_staff_pick_a_response_template_edit_it_and_send(page, pothole):
    from civic311.staff.models import ResponseTemplate

    ResponseTemplate.objects.create(
        title="Pothole filled",
        status="fixed",
        service=pothole,
        public_text="Our crew filled the pothole today.",
        public_text_es="Nuestro equipo rellenó el bache hoy.",
    )
    request = file(pothole)
    make_staff("crew", "department", departments=("cdot",))
    log_in(page, "crew")
    page.goto(f"{page.base}/staff/requests/{request.tracking_number}/")
    page.get_by_label("Response template").first.select_option(label="Pothole filled")
    page.get_by_role("button", name="Use template").first.click()
    note = page.get_by_label("Public note", exact=True)
    expect(note).to_have_value("Our crew filled the pothole today.")
    expect(page.get_by_label("New status")).to_have_value("fixed")
    note.fill("Our crew filled the pothole today, and the one beside it.")
    problems = serious_axe_violations(page)
    assert not problems, [(p["id"], [n["target"] for n in p["nodes"]]) for p in problems]
    page.get_by_role("button", name="Change status").click()
    page.goto(f"{page.base}/requests/{request.tracking_number}")
    expect(
        page.get_by_text("Our crew filled the pothole today, and the one beside it.")
    ).to_be_visible()
    page.goto(f"{page.base}/es/requests/{request.tracking_number}")
    expect(page.get_by_text("Nuestro equipo rellenó el bache hoy.")).to_be_visible()
