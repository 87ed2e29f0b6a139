"""Finding and following a request: the track box, the tracker page, its feed and its caching."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from civic311.service_requests import services
from civic311.service_requests.models import ServiceRequest
from tests.support.pages import visible_text
from tests.web.public.conftest import file_pothole, water_management

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


# --- the track box ------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["#{yy}-{n}", "{yy}{n}", "{n}", " {yy}-{n} "])
def test_the_track_box_accepts_the_ways_people_type_a_number(client, pothole, shape):
    request = file_pothole(pothole)
    yy, n = request.tracking_number.split("-")
    response = client.get("/track", {"number": shape.format(yy=yy, n=n)})
    assert response.status_code == 302
    assert response["Location"] == f"/requests/{request.tracking_number}"
    assert client.get(response["Location"]).status_code == 200


def test_an_unknown_number_gets_a_helpful_page_with_status_404(client, chicago):
    response = client.get("/track", {"number": "26-09999999"})
    assert response.status_code == 404
    text = visible_text(response)
    assert "We could not find request 26-09999999" in text
    assert "Call 311" in text or "call 311" in text
    assert 'name="number"' in response.content.decode(), "offers the track box again"
    assert "no-cache" in response["Cache-Control"], "a number filed a moment later must not 404"


def test_something_that_is_not_a_number_is_explained_with_status_400(client, chicago):
    response = client.get("/track", {"number": "pothole on my street"})
    assert response.status_code == 400
    assert "does not look like a tracking number" in visible_text(response)
    assert "26-00001234" in visible_text(response)


def test_unknown_and_odd_tracker_addresses_are_helpful_404s_not_stack_traces(client, chicago):
    assert client.get("/requests/26-09999999").status_code == 404
    response = client.get("/requests/not-a-number")
    assert response.status_code == 404
    assert "does not look like a tracking number" in visible_text(response)


def test_a_tracker_address_typed_without_the_dash_goes_to_the_canonical_one(client, pothole):
    request = file_pothole(pothole)
    response = client.get(f"/requests/{request.tracking_number.replace('-', '')}")
    assert response.status_code == 302
    assert response["Location"] == f"/requests/{request.tracking_number}"


# --- the tracker page ------------------------------------------------------------------


def test_the_tracker_page_shows_everything_a_resident_needs(client, pothole):
    request = file_pothole(pothole)
    services.change_status(
        request, status="action_scheduled", actor=None, public_note="Crew booked."
    )
    page = visible_text(client.get(f"/requests/{request.tracking_number}"))
    assert "Pothole in Street" in page
    assert "Open Work scheduled" in page, "ribbon: open/closed, then the detailed status"
    assert "Deep hole in the curb lane." in page
    assert "121 N LaSalle St" in page
    assert "Received via phone" in page
    assert "Department Transportation" in page
    assert "Step 3 of 5: Work scheduled. Skipped: Reviewed." in page
    assert "Expected completion:" in page
    assert "Ward 42" in page and "Your alderman:" in page
    assert "Stay up to date" in page
    # The timeline, newest first, in plain words.
    newest = page.index("Status changed from Received to Work scheduled")
    assert newest < page.index("Sent to Transportation") < page.index("Request received via phone")
    assert "Crew booked." in page


def test_a_transfer_reads_in_plain_words_with_its_public_reason(client, pothole):
    request = file_pothole(pothole)
    services.transfer(
        request,
        to_department=water_management(),
        reason="The photo shows a sewer cave-in.",
        actor=None,
    )
    page = visible_text(client.get(f"/requests/{request.tracking_number}"))
    assert "Transferred to Water Management The photo shows a sewer cave-in." in page
    assert "Department Water Management" in page


def test_internal_notes_never_reach_the_page(client, pothole):
    request = file_pothole(pothole)
    services.change_status(
        request, status="investigating", actor=None, internal_note="Caller sounded upset."
    )
    assert "Caller sounded upset" not in client.get(f"/requests/{request.tracking_number}").text


def test_a_closed_request_shows_closed_and_a_full_progress_bar(client, pothole):
    request = file_pothole(pothole)
    services.change_status(request, status="fixed", actor=None, public_note="Patched.")
    response = client.get(f"/requests/{request.tracking_number}")
    page = visible_text(response)
    assert "Closed Completed" in page
    # Straight from received to fixed: the steps between are shown as skipped, not done.
    assert "Completed. Skipped: Reviewed, Work scheduled, In progress." in page
    assert "Closed on" in page and "Expected completion" not in page
    assert 'class="ribbon ribbon--closed"' in response.text


def test_a_request_refused_as_not_the_citys_claims_no_work_was_done(client, pothole):
    request = file_pothole(pothole)
    services.change_status(request, status="not_councils_responsibility", actor=None)
    response = client.get(f"/requests/{request.tracking_number}")
    page = visible_text(response)
    assert "Progress Closed: not the city's responsibility." in page
    steps = re.findall(r'data-step="([a-z_]+)"', response.text)
    assert steps == ["received", "not_councils_responsibility"], steps
    assert "Work scheduled" not in page and "In progress" not in page


def test_a_duplicate_links_to_the_request_it_duplicates(client, pothole):
    parent = file_pothole(pothole)
    child = file_pothole(pothole, channel="web")
    services.mark_duplicate(child, parent=parent, actor=None)
    response = client.get(f"/requests/{child.tracking_number}")
    assert f'href="/requests/{parent.tracking_number}"' in response.text
    assert "Closed Duplicate of another request" in visible_text(response)
    assert "2 residents reported this problem" in visible_text(
        client.get(f"/requests/{parent.tracking_number}")
    )


def test_a_request_with_only_an_address_has_no_map_and_no_ward(client, pothole):
    # Filed before civic311 geocoded addresses (and before geocode-backfill placed it).
    request = file_pothole(pothole, location=services.Location(address="5800 N Broadway"))
    ServiceRequest.objects.filter(pk=request.pk).update(lat=None, long=None, ward=None)
    response = client.get(f"/requests/{request.tracking_number}")
    assert response.status_code == 200
    assert 'id="request-map"' not in response.text
    assert "Your alderman" not in response.text


def test_sandbox_requests_never_appear_on_public_pages(client, pothole):
    sandbox = file_pothole(pothole, is_test=True, description="sandbox only")
    assert client.get(f"/requests/{sandbox.tracking_number}").status_code == 404
    assert client.get("/track", {"number": sandbox.tracking_number}).status_code == 404
    assert client.get(f"/requests/{sandbox.tracking_number}/updates.atom").status_code == 404
    assert sandbox.tracking_number not in client.get("/").text


def test_descriptions_are_shown_as_text_never_as_markup(client, pothole):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    request = file_pothole(pothole, description=attack)
    assert ServiceRequest.objects.get(pk=request.pk).description == attack, "stored as typed"
    html = client.get(f"/requests/{request.tracking_number}").text
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


# --- speed and caching ------------------------------------------------------------------


def _long_life(request: ServiceRequest, changes: int) -> None:
    for index in range(changes):
        services.add_note(request, text=f"Update number {index}", public=True, actor=None)


def test_the_tracker_runs_the_same_few_queries_however_long_the_timeline(
    client, pothole, django_assert_num_queries
):
    short = file_pothole(pothole)
    long = file_pothole(pothole)
    _long_life(long, 40)
    services.transfer(long, to_department=water_management(), reason="Sewer.", actor=None)
    with django_assert_num_queries(4):
        assert client.get(f"/requests/{short.tracking_number}").status_code == 200
    with django_assert_num_queries(4):
        response = client.get(f"/requests/{long.tracking_number}")
    assert "Update number 39" in response.text and "Update number 0" in response.text


def test_the_tracker_is_cacheable_by_a_cdn(client, pothole):
    request = file_pothole(pothole)
    response = client.get(f"/requests/{request.tracking_number}")
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=60"} <= cache_control
    assert not response.cookies, "no cookie may be set on a shared, cached page"
    assert "Cookie" not in response.get("Vary", "")
    assert "csrfmiddlewaretoken" not in response.text


def test_home_and_the_service_list_are_cacheable_too(client, pothole):
    for address in ("/", "/report/", "/es/"):
        response = client.get(address)
        assert "public" in response["Cache-Control"], address
        assert not response.cookies, address


# --- the feed ------------------------------------------------------------------------------


def test_the_atom_feed_lists_the_public_updates_newest_first(client, pothole):
    request = file_pothole(pothole)
    services.transfer(request, to_department=water_management(), reason="Sewer.", actor=None)
    response = client.get(f"/requests/{request.tracking_number}/updates.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "public" in response["Cache-Control"]
    feed = ET.fromstring(response.content)
    assert request.tracking_number in feed.find(f"{ATOM}title").text
    titles = [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]
    assert titles == [
        "Transferred to Water Management",
        "Sent to Transportation",
        "Request received via phone",
    ]
    links = [e.find(f"{ATOM}link").get("href") for e in feed.findall(f"{ATOM}entry")]
    assert all(f"/requests/{request.tracking_number}#event-" in link for link in links)
    assert len(set(links)) == 3


@pytest.mark.parametrize(("prefix", "language"), [("", "en"), ("/es", "es")])
def test_the_atom_feed_names_its_language_as_a_language_tag(client, pothole, prefix, language):
    request = file_pothole(pothole)
    response = client.get(f"{prefix}/requests/{request.tracking_number}/updates.atom")
    feed = ET.fromstring(response.content)
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == language
    assert b"bound method" not in response.content


def test_the_tracker_page_advertises_its_feed(client, pothole):
    request = file_pothole(pothole)
    html = client.get(f"/requests/{request.tracking_number}").text
    assert f'href="/requests/{request.tracking_number}/updates.atom"' in html


# --- the home page ---------------------------------------------------------------------------


def test_home_lists_recent_requests_filterable_by_service_status_and_ward(
    client, pothole, abandoned_vehicle
):
    from civic311.service_requests.services import Location
    from tests.conftest import WRIGLEY_FIELD

    at_city_hall = file_pothole(pothole)
    at_wrigley = file_pothole(
        pothole, location=Location(lat=WRIGLEY_FIELD[0], long=WRIGLEY_FIELD[1])
    )
    vehicle = services.submit_request(
        service=abandoned_vehicle,
        channel="web",
        location=Location(address="1060 W Addison St"),
        attributes={"HOWMANYD": ["9"]},
    )
    services.change_status(at_wrigley, status="fixed", actor=None)

    def listed(**filters) -> set[str]:
        html = client.get("/", filters).text
        return {n for n in re.findall(r'href="/requests/(\d\d-\d{8})"', html)}

    everyone = {at_city_hall.tracking_number, at_wrigley.tracking_number, vehicle.tracking_number}
    assert listed() == everyone
    assert listed(service=abandoned_vehicle.service_code) == {vehicle.tracking_number}
    assert listed(status="closed") == {at_wrigley.tracking_number}
    assert listed(status="open") == {at_city_hall.tracking_number, vehicle.tracking_number}
    assert listed(status="fixed") == {at_wrigley.tracking_number}
    # The vehicle's typed address is placed in ward 44 too (issue 10).
    assert listed(ward="44") == {at_wrigley.tracking_number, vehicle.tracking_number}
    assert listed(ward="44", status="open") == {vehicle.tracking_number}


def test_home_puts_the_listed_requests_with_a_point_on_the_map(client, pothole):
    import json

    request = file_pothole(pothole)
    # A request stored before civic311 geocoded addresses has no point (until the backfill).
    old = file_pothole(pothole, location=services.Location(address="5800 N Broadway"))
    ServiceRequest.objects.filter(pk=old.pk).update(lat=None, long=None)
    html = client.get("/").text
    data = re.search(r'<script id="recent-markers" type="application/json">(.*?)</script>', html)
    markers = json.loads(data.group(1))
    assert [m["url"] for m in markers] == [f"/requests/{request.tracking_number}"]


def test_home_has_the_track_box_and_the_report_entry(client, chicago):
    html = client.get("/").text
    assert 'action="/track"' in html and 'name="number"' in html
    assert 'href="/report/"' in html


# --- Spanish ---------------------------------------------------------------------------


def test_the_tracker_speaks_spanish_under_es(client, pothole):
    request = file_pothole(pothole)
    services.transfer(request, to_department=water_management(), reason="Sewer.", actor=None)
    services.change_status(request, status="in_progress", actor=None)
    response = client.get(f"/es/requests/{request.tracking_number}")
    page = visible_text(response)
    assert '<html lang="es">' in response.text
    assert "Abierta En curso" in page
    assert "Recibida por teléfono" in page
    assert "Transferida a Gestión del Agua" in page
    assert "Paso 4 de 5: En curso. Pasos omitidos: Revisada, Trabajo programado." in page
    assert "Manténgase al día" in page
    assert f'href="/requests/{request.tracking_number}" lang="en"' in response.text


def test_english_pages_link_to_their_spanish_twin(client, pothole):
    request = file_pothole(pothole)
    html = client.get(f"/requests/{request.tracking_number}").text
    assert f'href="/es/requests/{request.tracking_number}" lang="es"' in html


def test_the_spanish_tracker_names_the_service_and_department_in_spanish(client, pothole):
    request = file_pothole(pothole)
    services.transfer(request, to_department=water_management(), reason="Sewer.", actor=None)
    page = visible_text(client.get(f"/es/requests/{request.tracking_number}"))
    assert "Bache en la calle" in page
    assert "Departamento Gestión del Agua" in page
    assert "Enviada a Transporte" in page
    assert "Pothole in Street" not in page and "Water Management" not in page


def test_the_spanish_home_lists_and_filters_by_spanish_service_names(client, pothole):
    request = file_pothole(pothole)
    html = client.get("/es/").text
    assert f'<a href="/es/requests/{request.tracking_number}">Bache en la calle</a>' in html
    assert '<option value="4fd3b656e750846c53000004">Bache en la calle</option>' in html
    assert "Pothole in Street" not in html


def test_the_spanish_feed_names_the_service_and_departments_in_spanish(client, pothole):
    request = file_pothole(pothole)
    services.transfer(request, to_department=water_management(), reason="Sewer.", actor=None)
    feed = ET.fromstring(client.get(f"/es/requests/{request.tracking_number}/updates.atom").content)
    assert feed.find(f"{ATOM}title").text.startswith("Bache en la calle ")
    titles = [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]
    assert titles[:2] == ["Transferida a Gestión del Agua", "Enviada a Transporte"]
