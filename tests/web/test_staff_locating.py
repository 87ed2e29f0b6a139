"""The back office places requests: a caller's address becomes a point and a ward at intake,
and staff correct a request's point on its page (recorded internally)."""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from civic311.geo import lookup
from civic311.geo.distance import metres_between
from civic311.service_requests.models import ServiceRequest
from civic311.staff import placing
from tests.conftest import CITY_HALL, LAKE_MICHIGAN, WRIGLEY_FIELD
from tests.support.pages import visible_text
from tests.support.staff import file_pothole, logged_in, make_staff

pytestmark = pytest.mark.django_db


def a_call(pothole, address, **more):
    """What an operator types for a caller who gives only an address."""
    return {
        "service": pothole.pk,
        "attr_WHEREIST": "TRAFFIC",
        "address": address,
        "description": "Deep hole by the bus stop.",
        "first_name": "Ana",
        "phone": "312-555-0100",
        **more,
    }


def posted_again(response, **more):
    """The intake form as the page shows it, posted again with one of its buttons."""
    data = {k: v for k, v in response.context["form"].data.items() if k != "csrfmiddlewaretoken"}
    return {**data, **more}


# --- intake -----------------------------------------------------------------


def test_a_callers_address_alone_files_city_hall_in_ward_42_at_its_point(client, pothole):
    logged_in(client, make_staff("operator", "operator"))

    filed = client.post("/staff/intake/", a_call(pothole, "121 N LaSalle St"))

    assert filed.status_code == 302, visible_text(filed)[:2000]
    request = ServiceRequest.objects.get()
    assert request.ward_id == 42 and request.department.code == "cdot"
    assert request.address == "121 N LaSalle St" and request.channel == "phone"
    assert request.location_precision == "address" and request.address_derived is False
    assert metres_between(request.lat, request.long, *CITY_HALL) < 150


def test_a_callers_address_near_an_open_pothole_offers_it_before_filing(client, pothole):
    existing = file_pothole(pothole)
    logged_in(client, make_staff("operator", "operator"))

    offered = client.post("/staff/intake/", a_call(pothole, "125 N LaSalle St"))

    page = visible_text(offered)
    assert offered.status_code == 200 and "Already reported nearby?" in page
    assert f"Add caller to {existing.tracking_number}" in page
    assert "Located: 125 N LaSalle St, ward 42" in page
    assert ServiceRequest.objects.count() == 1
    shown = offered.context["form"]
    assert shown["lat"].value() and shown["long"].value()  # the point, to confirm on the map

    filed = client.post("/staff/intake/", posted_again(offered, file_anyway="1"))

    assert filed.status_code == 302
    new = ServiceRequest.objects.exclude(pk=existing.pk).get()
    assert (new.ward_id, new.address, new.requester_phone) == (
        42,
        "125 N LaSalle St",
        "312-555-0100",
    )


def test_an_address_that_names_no_place_keeps_everything_typed_and_files_nothing(client, pothole):
    logged_in(client, make_staff("operator", "operator"))

    refused = client.post("/staff/intake/", a_call(pothole, "1 Nowhere St"))

    assert refused.status_code == 400
    html = refused.content.decode()
    address_field = html[html.index('for="id_address"') : html.index('for="id_lat"')]
    assert "We could not find that address" in visible_text(refused)
    assert "We could not find that address" in address_field  # next to the field
    for typed in ('value="1 Nowhere St"', 'value="Ana"', 'value="312-555-0100"'):
        assert typed in html
    assert "Deep hole by the bus stop." in html
    assert re.search(r'<option value="TRAFFIC"[^>]*selected', html)
    assert not ServiceRequest.objects.exists()


def test_an_address_on_both_sides_of_madison_offers_a_short_list_to_choose_from(client, pothole):
    logged_in(client, make_staff("operator", "operator"))

    asked = client.post("/staff/intake/", a_call(pothole, "3500 Halsted"))

    page = visible_text(asked)
    assert asked.status_code == 200 and "Which place did the caller mean?" in page
    assert "Use 3500 N Halsted St" in page and "Use 3500 S Halsted St" in page
    assert 'value="312-555-0100"' in asked.content.decode()
    assert not ServiceRequest.objects.exists()
    [north] = [c for c in asked.context["choices"] if c.address == "3500 N Halsted St"]

    filed = client.post("/staff/intake/", posted_again(asked, place=placing.choice_value(north)))

    assert filed.status_code == 302, visible_text(filed)[:2000]
    request = ServiceRequest.objects.get()
    assert request.address == "3500 N Halsted St"
    assert metres_between(request.lat, request.long, north.lat, north.long) < 1
    assert request.lat > 41.9  # Lake View, miles north of Bridgeport's 3500 S Halsted
    assert request.ward_id == lookup.ward_at(request.lat, request.long)


def test_an_intersection_is_found_as_one(client, pothole):
    logged_in(client, make_staff("operator", "operator"))
    filed = client.post("/staff/intake/", a_call(pothole, "Clark & Division"), follow=True)
    request = ServiceRequest.objects.get()
    assert request.address == "Clark & Division" and request.ward_id is not None
    assert request.location_precision == "intersection" and request.address_derived is False
    assert metres_between(request.lat, request.long, 41.9039, -87.6315) < 50
    assert "Give the caller this number" in visible_text(filed)


def test_a_point_found_for_an_address_since_retyped_is_not_used(client, pothole):
    logged_in(client, make_staff("operator", "operator"))
    stale = a_call(
        pothole,
        "933 W Fullerton Ave",
        lat=CITY_HALL[0],
        long=CITY_HALL[1],
        located_address="121 N LaSalle St",
    )

    filed = client.post("/staff/intake/", stale)

    assert filed.status_code == 302
    request = ServiceRequest.objects.get()
    assert request.address == "933 W Fullerton Ave" and request.ward_id != 42
    assert metres_between(request.lat, request.long, *CITY_HALL) > 3000


def test_a_point_the_operator_gave_wins_over_the_typed_address(client, pothole):
    logged_in(client, make_staff("operator", "operator"))
    given = a_call(pothole, "933 W Fullerton Ave", lat=CITY_HALL[0], long=CITY_HALL[1])

    filed = client.post("/staff/intake/", given)

    assert filed.status_code == 302
    request = ServiceRequest.objects.get()
    assert (request.lat, request.long, request.ward_id) == (*CITY_HALL, 42)


# --- correcting a request's point ---------------------------------------------


def test_staff_correct_the_point_and_only_staff_see_the_correction(client, pothole):
    request = file_pothole(pothole)
    number = request.tracking_number
    supervisor = logged_in(client, make_staff("sup", "supervisor", departments=("cdot",)))

    done = supervisor.post(
        f"/staff/requests/{number}/location/", {"address": "933 W Fullerton Ave"}, follow=True
    )

    request.refresh_from_db()
    page = visible_text(done)
    assert "Location corrected." in page
    moved_to = f"933 W Fullerton Ave (ward {request.ward_id})"
    assert f"Location corrected from 121 N LaSalle St (ward 42) to {moved_to} internal" in page
    assert request.ward_id not in (None, 42)

    tracker = visible_text(client.get(f"/requests/{number}"))
    assert "933 W Fullerton Ave" in tracker and "corrected" not in tracker.lower()
    as_json = client.get(f"/open311/v2/requests/{number}.json", {"extensions": "true"})
    [record] = json.loads(as_json.content)
    assert record["address"] == "933 W Fullerton Ave"
    assert record["extended_attributes"]["ward"] == str(request.ward_id)
    assert "corrected" not in json.dumps(record["notes"]).lower()
    as_xml = client.get(f"/open311/v2/requests/{number}.xml", {"extensions": "true"})
    found = ET.fromstring(as_xml.content).find("request")
    assert found.findtext("address") == "933 W Fullerton Ave"
    assert "corrected" not in as_xml.content.decode().lower()


def test_a_wrong_correction_shows_its_error_by_the_field_and_keeps_what_was_typed(client, pothole):
    request = file_pothole(pothole)
    url = f"/staff/requests/{request.tracking_number}/location/"
    logged_in(client, make_staff("cdot", "department", departments=("cdot",)))

    nowhere = client.post(url, {"address": "1 Nowhere St"})
    html = nowhere.content.decode()
    field = html[html.index('for="location_address"') : html.index('for="location_lat"')]
    assert nowhere.status_code == 400 and "We could not find that address" in field
    assert 'value="1 Nowhere St"' in html

    lake = client.post(url, {"lat": LAKE_MICHIGAN[0], "long": LAKE_MICHIGAN[1]})
    assert lake.status_code == 400 and "outside the city" in visible_text(lake)
    assert f'value="{LAKE_MICHIGAN[0]}"' in lake.content.decode()

    half = client.post(url, {"lat": "41.9"})
    assert half.status_code == 400 and "both latitude and longitude" in visible_text(half)
    request.refresh_from_db()
    assert (request.lat, request.long, request.address) == (*CITY_HALL, "121 N LaSalle St")
    assert request.events.count() == 2


def test_staff_out_of_scope_neither_see_the_form_nor_can_forge_it(client, pothole):
    request = file_pothole(pothole)  # CDOT's
    number = request.tracking_number
    water = logged_in(client, make_staff("water", "department", departments=("water-management",)))

    page = water.get(f"/staff/requests/{number}/").content.decode()
    assert "Correct the location" not in page
    forged = water.post(f"/staff/requests/{number}/location/", {"address": "933 W Fullerton Ave"})

    assert forged.status_code == 403 and "not in your department" in visible_text(forged)
    request.refresh_from_db()
    assert request.address == "121 N LaSalle St" and request.events.count() == 2


def test_the_form_keeps_the_address_so_a_point_alone_moves_only_the_pin(client, pothole):
    request = file_pothole(pothole, address="3759 S Ashland Ave")  # a pin far from its address
    url = f"/staff/requests/{request.tracking_number}/"
    logged_in(client, make_staff("cdot", "department", departments=("cdot",)))
    page = client.get(url).content.decode()
    assert re.search(r'<input[^>]*value="3759 S Ashland Ave"[^>]*id="location_address"', page)

    fixed = client.post(
        url + "location/", {"address": "3759 S Ashland Ave", "lat": "41.8251", "long": "-87.6652"}
    )

    assert fixed.status_code == 302
    request.refresh_from_db()
    assert (request.address, request.lat, request.long) == ("3759 S Ashland Ave", 41.8251, -87.6652)
    assert request.address_derived is False and request.ward_id == lookup.ward_at(41.8251, -87.6652)


def test_a_correction_to_an_address_on_both_sides_of_madison_asks_which(client, pothole):
    request = file_pothole(pothole)
    url = f"/staff/requests/{request.tracking_number}/location/"
    logged_in(client, make_staff("cdot", "department", departments=("cdot",)))

    asked = client.post(url, {"address": "3500 Halsted"})

    assert asked.status_code == 200 and "Several places match “3500 Halsted”" in visible_text(asked)
    request.refresh_from_db()
    assert request.address == "121 N LaSalle St"
    [south] = [c for c in asked.context["location_choices"] if c.address == "3500 S Halsted St"]

    client.post(url, {"address": "3500 Halsted", "place": placing.choice_value(south)})

    request.refresh_from_db()
    assert request.address == "3500 S Halsted St" and request.lat < 41.85
    assert request.ward_id == lookup.ward_at(request.lat, request.long)


def test_a_ward_office_moving_a_request_out_of_its_ward_is_told_where_it_went(client, pothole):
    request = file_pothole(pothole)  # ward 42
    ward42 = logged_in(client, make_staff("ward42", "ward_office", ward=42))

    moved = ward42.post(
        f"/staff/requests/{request.tracking_number}/location/",
        {"address": "", "lat": WRIGLEY_FIELD[0], "long": WRIGLEY_FIELD[1]},
        follow=True,
    )

    assert moved.status_code == 200
    assert (
        f"Location corrected: {request.tracking_number} is now in ward 44, outside your ward"
        in visible_text(moved)
    )
    queue = visible_text(ward42.get("/staff/queues/ward/42/"))
    assert request.tracking_number not in queue
