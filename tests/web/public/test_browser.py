"""The resident site in a real headless Chromium: file, confirm, track, subscribe; phone; Spanish.

The email steps go through the real outbox worker to a real SMTP server (the
`smtp_sink`). Every page of the flow is screenshotted into var/test-artifacts/
and checked with axe-core. The browser may not leave the live server: map tiles are
refused, which is also how the form must work when a city's tiles are down.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image
from playwright.sync_api import expect

from civic311.core import clock
from civic311.service_requests import services
from civic311.service_requests.models import ServiceRequest
from tests.support.browser import ARTIFACTS, serious_axe_violations
from tests.support.mail import deliver, text_of
from tests.web.public.test_subscribe import confirm_link

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

NUMBER = re.compile(r"^\d\d-\d{8}$")


@dataclass(frozen=True)
class Words:
    """What the resident reads and clicks, in one language."""

    prefix: str
    report: str
    review: str
    send: str
    follow: str
    pothole: str
    curb_lane: str
    description_label: str
    email_label: str
    ribbon_open: str
    work_scheduled: str
    email_updates: str
    your_email: str
    email_me: str
    check_inbox: str
    confirm: str
    following: str
    scheduled_subject: str


ENGLISH = Words(
    prefix="",
    report="Report a problem",
    review="Review your report",
    send="Send the report",
    follow="Follow your request",
    pothole="Pothole in Street",
    curb_lane="Curb Lane",
    description_label="Describe the problem",
    email_label="Email",
    ribbon_open="Open",
    work_scheduled="Work scheduled",
    email_updates="Email me when this request changes",
    your_email="Your email address",
    email_me="Email me",
    check_inbox="Check your inbox.",
    confirm="Confirm alerts",
    following="You are following",
    scheduled_subject="is now Work scheduled",
)
SPANISH = Words(
    prefix="/es",
    report="Reportar un problema",
    review="Revisar su reporte",
    send="Enviar el reporte",
    follow="Seguir su solicitud",
    pothole="Bache en la calle",
    curb_lane="Carril junto a la banqueta",
    description_label="Describa el problema",
    email_label="Correo electrónico",
    ribbon_open="Abierta",
    work_scheduled="Trabajo programado",
    email_updates="Enviarme un correo cuando esta solicitud cambie",
    your_email="Su correo electrónico",
    email_me="Avísenme",
    check_inbox="Revise su bandeja de entrada.",
    confirm="Confirmar las alertas",
    following="Está siguiendo",
    scheduled_subject="ahora está: Trabajo programado",
)


def stay_local(page) -> None:
    """Refuse every request that is not to the live server (map tiles, anything else)."""
    base = page.base

    def route(route):
        if route.request.url.startswith(base):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", route)


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"public-{name}.png"), full_page=True)


def check_page(page, name: str, *, width: int | None = None) -> None:
    """Screenshot, no serious accessibility problems, and nothing wider than the screen."""
    shoot(page, name)
    problems = serious_axe_violations(page)
    assert not problems, [(p["id"], p["help"], [n["target"] for n in p["nodes"]]) for p in problems]
    if width is not None:
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{name} is {scroll}px wide on a {width}px screen"


@pytest.fixture
def photo_file(tmp_path) -> Path:
    path = tmp_path / "pothole.jpg"
    image = Image.new("RGB", (640, 480), (90, 90, 90))
    image.paste((30, 30, 30), (200, 150, 440, 330))
    image.save(path, "JPEG")
    return path


def file_a_pothole(page, words: Words, photo: Path, tag: str, width: int | None = None) -> str:
    """Home → report → Pothole in Street with a photo and a map pin → review → confirmation."""
    page.goto(f"{page.base}{words.prefix}/")
    check_page(page, f"{tag}-home", width=width)
    page.get_by_role("link", name=words.report).first.click()
    page.wait_for_url(re.compile(r"/report/$"))
    page.locator("[data-service-search]").fill("pothole")
    assert page.locator("[data-service]:visible").count() == 1, "the list filters as one types"
    check_page(page, f"{tag}-report-choose", width=width)
    page.get_by_role("link", name=re.compile(words.pothole)).click()

    page.get_by_label(words.curb_lane).check()
    map_box = page.locator("#location-map")
    map_box.wait_for(state="visible")
    map_box.click()  # the middle of the map: the Loop
    assert page.locator("#id_lat").input_value(), "clicking the map places the pin"
    assert page.locator(".leaflet-marker-icon").count() == 1
    page.get_by_label(words.description_label).fill("Deep hole, about a foot wide.")
    page.locator("#id_photos").set_input_files(str(photo))
    page.locator("[data-photo-previews] img").wait_for()
    page.get_by_label(words.email_label, exact=True).fill(f"{tag}-resident@example.org")
    page.get_by_label(words.email_updates).check()
    check_page(page, f"{tag}-report-details", width=width)
    page.get_by_role("button", name=words.review).click()

    page.wait_for_url(re.compile(r"/report/review/"))
    assert page.locator("img[src*='/report/photo/']").count() == 1
    check_page(page, f"{tag}-report-review", width=width)
    page.get_by_role("button", name=words.send).click()

    page.wait_for_url(re.compile(r"/report/done/"))
    number = page.get_by_test_id("tracking-number").inner_text().strip()
    assert NUMBER.match(number), number
    check_page(page, f"{tag}-confirmation", width=width)
    return number


def follow_it(page, words: Words, number: str, tag: str, sink, width: int | None = None) -> None:
    """Confirmation → tracker with the photo → subscribe → both confirm by email → a change."""
    page.get_by_role("link", name=words.follow).click()
    page.wait_for_url(re.compile(rf"/requests/{number}$"))
    tracker_url = page.url
    assert words.ribbon_open in page.get_by_test_id("ribbon").text_content()
    photo = page.locator(".photos img").first
    photo.wait_for()
    # The photo really loads (its thumbnail is served from /media/), however busy the machine.
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=photo.element_handle()
    )
    check_page(page, f"{tag}-tracker", width=width)

    # A neighbour asks for alerts from the tracker page (htmx swaps the box in place).
    neighbour = f"{tag}-neighbour@example.org"
    page.get_by_label(words.your_email).fill(neighbour)
    page.get_by_role("button", name=words.email_me, exact=True).click()
    page.get_by_text(words.check_inbox).wait_for()
    shoot(page, f"{tag}-tracker-subscribed")

    # The worker sends the receipt and the double opt-in email through a real SMTP server.
    deliver(sink.url)
    sink.mailbox.wait_for(2)
    (receipt,) = sink.mailbox.to(f"{tag}-resident@example.org")
    assert number in receipt["Subject"]
    # The resident starts the updates with the receipt's confirm link (docs/adr/0015).
    page.goto(page.base + confirm_link(receipt))
    page.get_by_role("button", name=words.confirm).click()
    page.get_by_role("heading", name=re.compile(words.following)).wait_for()
    (confirmation,) = sink.mailbox.to(neighbour)
    assert number in confirmation["Subject"]
    page.goto(page.base + confirm_link(confirmation))
    check_page(page, f"{tag}-subscription-confirm", width=width)
    page.get_by_role("button", name=words.confirm).click()
    page.get_by_role("heading", name=re.compile(words.following)).wait_for()
    shoot(page, f"{tag}-subscription-confirmed")

    # The city schedules the work: the page shows it, and both followers get an email.
    request = ServiceRequest.objects.get(tracking_number=number)
    services.change_status(request, status="action_scheduled", actor=None, public_note="Crew A.")
    page.goto(tracker_url)
    assert words.work_scheduled in page.get_by_test_id("ribbon").text_content()
    assert "Crew A." in page.locator(".timeline").inner_text()
    shoot(page, f"{tag}-tracker-updated")
    # Changes are folded for the alert window before they are sent; move past it.
    window = dt.timedelta(minutes=settings.CIVIC311.alert_window_minutes + 1)
    with clock.frozen_at(clock.now() + window):
        deliver(sink.url)
    sink.mailbox.wait_for(4)
    for address in (neighbour, f"{tag}-resident@example.org"):
        update = sink.mailbox.to(address)[-1]
        assert update["Subject"] == f"{number} {words.scheduled_subject}"
        assert "Crew A." in text_of(update)


def test_file_a_pothole_with_a_photo_and_a_pin_and_follow_it(page, pothole, photo_file, smtp_sink):
    stay_local(page)
    number = file_a_pothole(page, ENGLISH, photo_file, "desktop")
    request = ServiceRequest.objects.get(tracking_number=number)
    assert request.lat is not None and request.ward_id is not None
    assert request.channel == "web" and request.photos.count() == 1
    follow_it(page, ENGLISH, number, "desktop", smtp_sink)


def test_the_same_flow_on_a_390px_phone(chromium, live_server, pothole, photo_file, smtp_sink):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.base = live_server.url
    try:
        stay_local(page)
        number = file_a_pothole(page, ENGLISH, photo_file, "phone", width=390)
        follow_it(page, ENGLISH, number, "phone", smtp_sink, width=390)
    finally:
        context.close()


def test_the_same_flow_in_spanish(page, pothole, photo_file, smtp_sink):
    stay_local(page)
    number = file_a_pothole(page, SPANISH, photo_file, "spanish")
    assert page.locator("html").get_attribute("lang") == "es"
    assert "Gracias" in page.locator("h1").inner_text()
    follow_it(page, SPANISH, number, "spanish", smtp_sink)
    assert "Enviada a Transporte" in page.locator(".timeline").inner_text()
    receipt = smtp_sink.mailbox.to("spanish-resident@example.org")[0]
    assert receipt["Subject"].startswith(f"Recibida: {number}")


def test_without_javascript_a_request_is_filed_by_address_and_tracked(
    chromium, live_server, pothole
):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/report/")
        page.get_by_role("link", name=re.compile("Pothole in Street")).click()
        assert not page.locator("#location-map").is_visible(), "no map without JavaScript"
        page.get_by_label("Curb Lane").check()
        page.get_by_label("Address or nearest intersection").fill("121 N LaSalle St")
        page.get_by_label("Describe the problem").fill("Filed with scripts off.")
        page.get_by_role("button", name="Review your report").click()
        page.get_by_role("button", name="Send the report").click()
        number = page.get_by_test_id("tracking-number").inner_text().strip()
        assert NUMBER.match(number)
        shoot(page, "nojs-confirmation")

        page.goto(f"{live_server.url}/")
        page.get_by_label("Tracking number").fill(number.replace("-", ""))
        page.get_by_role("button", name="Track", exact=True).click()
        page.wait_for_url(re.compile(rf"/requests/{number}$"))
        assert "Filed with scripts off." in page.locator(".facts").inner_text()
        assert "121 N LaSalle St" in page.locator(".facts").inner_text()
        shoot(page, "nojs-tracker")

        page.get_by_label("Your email address").fill("nojs@example.org")
        page.get_by_role("button", name="Email me", exact=True).click()
        page.wait_for_url(re.compile(rf"/requests/{number}/subscribe$"))
        assert "Check your inbox." in page.locator("main").inner_text()
        shoot(page, "nojs-subscribed")
    finally:
        context.close()


def test_a_double_click_on_send_files_one_request(page, pothole):
    stay_local(page)
    page.goto(f"{page.base}/report/{pothole.service_code}/")
    page.get_by_label("Curb Lane").check()
    page.get_by_label("Address or nearest intersection").fill("121 N LaSalle St")
    page.get_by_role("button", name="Review your report").click()
    page.wait_for_url(re.compile(r"/report/review/"))
    page.get_by_role("button", name="Send the report").dblclick()
    page.wait_for_url(re.compile(r"/report/done/"))
    assert ServiceRequest.objects.count() == 1


def test_the_report_form_works_from_the_keyboard_alone(page, pothole):
    stay_local(page)
    page.goto(f"{page.base}/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("(el) => el === document.activeElement")
    assert skip.is_visible(), "the skip link shows when focused"
    page.goto(f"{page.base}/report/{pothole.service_code}/")
    page.locator("#id_attr_WHEREIST_0").focus()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus is visible"
    page.keyboard.press("ArrowDown")  # radio group: arrows move and choose
    # On through the mobile-number question, the map and its zoom buttons to the pin button.
    for _ in range(10):
        page.keyboard.press("Tab")
        if "middle" in page.evaluate("document.activeElement.textContent"):
            break
    assert "middle of the map" in page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    assert page.locator("#id_lat").input_value()
    page.locator("#id_description").focus()
    page.keyboard.type("Typed without a mouse.")
    page.locator("[data-once-button]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/report/review/"))
    page.get_by_role("button", name="Send the report").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/report/done/"))
    request = ServiceRequest.objects.get()
    assert request.attributes == {"WHEREIST": "CROSS"} and request.ward_id is not None


def test_use_my_location_places_the_pin(chromium, live_server, pothole):
    from tests.conftest import CITY_HALL

    context = chromium.new_context(
        geolocation={"latitude": CITY_HALL[0], "longitude": CITY_HALL[1]},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.base = live_server.url
    try:
        stay_local(page)
        page.goto(f"{page.base}/report/{pothole.service_code}/")
        page.get_by_role("button", name="Use my location").click()
        page.wait_for_function("document.getElementById('id_lat').value !== ''")
        assert abs(float(page.locator("#id_lat").input_value()) - CITY_HALL[0]) < 1e-5
        assert "Pin placed at" in page.locator("[data-pin-status]").inner_text()
    finally:
        context.close()


def test_the_home_filters_update_the_list_in_place(page, pothole):
    from tests.web.public.conftest import file_pothole

    stay_local(page)
    open_one = file_pothole(pothole)
    closed_one = file_pothole(pothole)
    services.change_status(closed_one, status="fixed", actor=None)
    page.goto(f"{page.base}/")
    listed = page.locator(".request-list .number")
    assert set(listed.all_inner_texts()) == {open_one.tracking_number, closed_one.tracking_number}
    page.get_by_label("Status").select_option("closed")
    page.wait_for_url(re.compile(r"status=closed"))
    page.wait_for_function("document.querySelectorAll('.request-list .number').length === 1")
    assert listed.all_inner_texts() == [closed_one.tracking_number]
    # The map redraws its pins just after the list: wait for it rather than race it.
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)
