"""The resident's address search: /places.json, a typed address on the report form, and the
home page's requests near an address. The browser side is in test_browser_address.py."""

from __future__ import annotations

import re

import pytest

from civic311.service_requests import services
from tests.conftest import CITY_HALL, LAKE_MICHIGAN, WRIGLEY_FIELD
from tests.support.pages import visible_text
from tests.web.public.conftest import file_pothole
from tests.web.public.test_report_form import details_url, field_block, pothole_answers

pytestmark = pytest.mark.django_db

FULLERTON = "933 W Fullerton Ave"
FULLERTON_WARD = 43
NOT_FOUND = "We could not find that address in Chicago"


def near_box(html: str) -> str:
    """The home page's "near an address" field: label, hint, errors, input, button."""
    start = html.index('id="field-near"')
    return html[start : html.index('for="id_service"', start)]


def places(client, prefix: str = "", **params):
    return client.get(f"{prefix}/places.json", params)


# --- /places.json ----------------------------------------------------------------------


def test_a_typed_address_answers_its_place_with_the_ward(client, chicago):
    response = places(client, q="933 w fullerton")
    assert response.status_code == 200
    found = response.json()["places"]
    assert 1 <= len(found) <= 5
    best = found[0]
    assert best["address"] == FULLERTON
    assert best["ward"] == FULLERTON_WARD and best["precision"] == "address"
    assert best["label"] == f"{FULLERTON}, ward {FULLERTON_WARD}"
    assert abs(best["lat"] - 41.9254) < 0.002 and abs(best["long"] - (-87.6525)) < 0.004


def test_one_place_spelt_two_ways_is_one_answer_and_two_places_a_short_list(client, chicago):
    # Fullerton Ave and Fullerton Pkwy meet at 933 W: the same spot, so nothing to choose.
    assert [p["address"] for p in places(client, q="933 w fullerton").json()["places"]] == [
        FULLERTON
    ]
    # Typed whole, spelling aside: the street typed, not also La Salle Dr a block away.
    typed = places(client, q="121 north lasalle street").json()["places"]
    assert [p["address"] for p in typed] == ["121 N La Salle St"]
    # Without its direction, 1200 Clark is on the North Side or the South Side.
    both = [p["address"] for p in places(client, q="1200 Clark").json()["places"]]
    assert {"1200 N Clark St", "1200 S Clark St"} <= set(both)


def test_answers_are_public_and_cacheable_without_a_session(client, chicago):
    response = places(client, q="121 N LaSalle St")
    assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies, "no session, no CSRF cookie"


def test_an_intersection_is_found_as_an_intersection(client, chicago):
    best = places(client, q="Clark & Division").json()["places"][0]
    assert best["precision"] == "intersection"
    assert "Clark" in best["address"] and "Division" in best["address"]


def test_an_address_nowhere_answers_no_places_and_says_so(client, chicago):
    answer = places(client, q="1 Nowhere St").json()
    assert answer["places"] == []
    assert answer["message"].startswith(NOT_FOUND)


def test_a_point_answers_its_nearest_address_and_ward(client, chicago):
    answer = places(client, lat=CITY_HALL[0], long=CITY_HALL[1]).json()
    assert answer["outside_city"] is False
    assert answer["place"]["ward"] == 42
    assert re.search(r"^\d+ N La ?Salle St$", answer["place"]["address"]), answer


def test_a_point_in_the_lake_is_outside_the_city_in_the_page_language(client, chicago):
    answer = places(client, lat=LAKE_MICHIGAN[0], long=LAKE_MICHIGAN[1]).json()
    assert answer == {
        "place": None,
        "outside_city": True,
        "message": "That point is outside Chicago. Put the pin on a street in the city.",
    }
    spanish = places(client, "/es", lat=LAKE_MICHIGAN[0], long=LAKE_MICHIGAN[1]).json()
    assert spanish["message"].startswith("Ese punto está fuera de Chicago")


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "  "},
        {"lat": "41.88"},
        {"lat": "abc", "long": "-87.6"},
        {"lat": "95", "long": "-87.6"},
        {"lat": "nan", "long": "-87.6"},
        {"q": "121 N LaSalle St", "lat": "41.88", "long": "-87.63"},
        {"q": "x" * 301},
    ],
)
def test_bad_parameters_get_a_400_with_a_json_error(client, chicago, params):
    response = places(client, **params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]


# --- the report form without JavaScript ----------------------------------------------------


def test_an_address_that_cannot_be_found_is_flagged_at_the_box_and_nothing_is_lost(client, pothole):
    answers = pothole_answers(address="1 Nowhere St", lat="", long="")
    response = client.post(details_url(pothole), answers)
    assert response.status_code == 200, "not on to review"
    box = field_block(response.text, "address")
    assert NOT_FOUND in box
    assert 'value="1 Nowhere St"' in box
    assert "Deep hole in the curb lane." in response.text
    assert 'value="ana@example.org"' in response.text


def test_a_found_address_is_shown_on_the_review_page(client, pothole):
    answers = pothole_answers(address=FULLERTON, lat="", long="")
    response = client.post(details_url(pothole), answers)
    assert response.status_code == 302
    review = visible_text(client.get(response["Location"]))
    assert f"Found on the map: {FULLERTON}, ward {FULLERTON_WARD}" in review


def test_the_report_form_has_the_address_search_above_the_map(client, pothole):
    html = client.get(details_url(pothole)).text
    assert html.index('id="id_address"') < html.index('id="location-map"')
    assert 'data-places-url="/places.json"' in html
    spanish = client.get("/es" + details_url(pothole)).text
    assert 'data-places-url="/es/places.json"' in spanish
    assert "¿Es este el lugar?" in spanish and "Sí, es este lugar" in spanish


# --- the home page: requests near an address ------------------------------------------------


def test_the_home_page_lists_requests_near_an_address_nearest_first(client, pothole):
    def at(lat: float, long: float, address: str):
        location = services.Location(lat=lat, long=long, address=address)
        return file_pothole(pothole, location=location)

    farther = at(CITY_HALL[0] + 0.004, CITY_HALL[1], "Clark & Lake")  # ~450 m north
    nearest = at(CITY_HALL[0], CITY_HALL[1], "121 N LaSalle St")
    far_away = at(*WRIGLEY_FIELD, "1060 W Addison St")
    page = visible_text(client.get("/", {"near": "121 N LaSalle St"}))
    assert re.search(r"Requests within 1 km of 121 N La Salle St, ward 42 ?, nearest first\.", page)
    assert nearest.tracking_number in page and farther.tracking_number in page
    assert far_away.tracking_number not in page
    assert page.index(nearest.tracking_number) < page.index(farther.tracking_number)
    assert re.search(r"121 N LaSalle St · \d\d? m away", page), "a few metres from City Hall"
    assert re.search(r"Clark & Lake · [3-5]\d\d m away", page), "about 450 m north"


def test_near_combines_with_the_filters_and_keeps_them(client, pothole):
    file_pothole(pothole)
    response = client.get("/", {"near": "121 N LaSalle St", "status": "closed"})
    page = visible_text(response)
    assert "No requests within 1 km of this place match these filters yet." in page
    assert '<option value="closed" selected>' in response.text
    assert 'value="121 N LaSalle St"' in near_box(response.text)


def test_an_address_nowhere_on_the_home_page_says_so_next_to_the_box(client, pothole):
    filed = file_pothole(pothole)
    response = client.get("/", {"near": "1 Nowhere St"})
    assert response.status_code == 200
    box = near_box(response.text)
    assert NOT_FOUND in box and 'value="1 Nowhere St"' in box
    assert filed.tracking_number in visible_text(response), "the recent list is still there"
