"""Reporting a problem through the form: every datatype, errors in place, filed once."""

from __future__ import annotations

import dataclasses
import io
import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from civic311.catalog.models import Service
from civic311.public.models import ReportDraft
from civic311.service_requests.models import ServiceRequest
from tests.conftest import CITY_HALL, LAKE_MICHIGAN
from tests.media.images import jpeg, one_bit_png
from tests.support.pages import visible_text

pytestmark = pytest.mark.django_db

BUILDING_VIOLATION = "4fd3bd72e750846c530000cd"
RESTAURANT = "4fd6e4ece750840569000019"


def details_url(service: Service | str) -> str:
    code = service if isinstance(service, str) else service.service_code
    return f"/report/{code}/"


def photo(name: str = "hole.jpg", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data or jpeg((200, 150)), content_type="image/jpeg")


def pothole_answers(**changes) -> dict:
    answers = {
        "attr_WHEREIST": "CURB",
        "address": "121 N LaSalle St",
        "lat": str(CITY_HALL[0]),
        "long": str(CITY_HALL[1]),
        "description": "Deep hole in the curb lane.",
        "first_name": "Ana",
        "last_name": "García",
        "email": "ana@example.org",
        "phone": "312-555-0100",
    }
    answers.update(changes)
    return {name: value for name, value in answers.items() if value is not None}


def field_block(html: str, name: str) -> str:
    """The markup of one field's wrapper (label, hint, errors, input)."""
    match = re.search(rf'<div class="field[^"]*" id="field-{name}">(.*?)\n</div>', html, re.S)
    assert match, f"no field {name} on the page"
    return match.group(1)


def review_then_send(client, response) -> ServiceRequest:
    """From a details POST that went to review, send the report and return the filed request."""
    assert response.status_code == 302, visible_text(response)[:2000]
    review = response["Location"]
    sent = client.post(review)
    assert sent.status_code == 302 and "/report/done/" in sent["Location"]
    token = review.rstrip("/").split("/")[-1]
    return ReportDraft.objects.get(token=token).request


# --- choosing a service ---------------------------------------------------------------


def test_services_are_grouped_with_descriptions_and_searchable(client, chicago):
    page = visible_text(client.get("/report/"))
    assert "Streets Pavement Cave-In Survey" in page or "Streets" in page
    assert "Pothole in Street A pothole in the street or in an alley." in page
    html = client.get("/report/", {"q": "rat"}).text
    assert "Rodent Baiting / Rat Complaint" in html
    assert "Pothole in Street" not in html
    assert 'href="/report/4fd3b656e750846c53000004/"' in client.get("/report/").text


def test_an_unknown_service_code_goes_back_to_the_list(client, chicago):
    response = client.get("/report/nope/")
    assert response.status_code == 302 and response["Location"] == "/report/"


# --- the six GeoReport datatypes ------------------------------------------------------------


def test_each_datatype_gets_its_own_kind_of_input(client, chicago, abandoned_vehicle):
    vehicle = client.get(details_url(abandoned_vehicle)).text
    assert re.search(r'<select name="attr_FQSKA1"', vehicle), "long singlevaluelist: a drop-down"
    assert re.search(r'<input type="text" name="attr_FQSKA4"', vehicle), "string: one line"
    assert re.search(r'<input type="number" name="attr_HOWMANYD"[^>]*step="any"', vehicle)
    assert "(required)" in field_block(vehicle, "attr_HOWMANYD"), "required ones are marked"
    assert "(required)" not in field_block(vehicle, "attr_FQSKA4")
    assert re.search(r'name="attr_HOWMANYD"[^>]*required', vehicle)
    building = client.get(details_url(BUILDING_VIOLATION)).text
    assert re.search(r'<textarea name="attr_GIVEPREC"', building), "text: a text area"
    assert re.search(r'type="radio" name="attr_OWNEROC1" value="YES"', building), "short list"
    restaurant = client.get(details_url(RESTAURANT)).text
    assert re.search(r'<input type="datetime-local" name="attr_WHENDIDY"', restaurant)
    assert re.search(r'type="checkbox" name="attr_WHATPROB" value="RODENTS"', restaurant)
    assert "<fieldset" in field_block(restaurant, "attr_WHATPROB"), "choices sit in a fieldset"


def test_answers_of_every_datatype_reach_the_request(client, chicago, abandoned_vehicle):
    vehicle = review_then_send(
        client,
        client.post(
            details_url(abandoned_vehicle),
            pothole_answers(
                attr_WHEREIST=None,
                attr_FQSKA1="TOYT",
                attr_FQSKA4="AB 12345",
                attr_HOWMANYD="10",
            ),
        ),
    )
    assert vehicle.attributes == {"FQSKA1": "TOYT", "FQSKA4": "AB 12345", "HOWMANYD": 10}
    building = review_then_send(
        client,
        client.post(
            details_url(BUILDING_VIOLATION),
            pothole_answers(
                attr_WHEREIST=None,
                attr_OWNEROC1="NO",
                attr_GIVEPREC="Back porch,\nsecond floor",
            ),
        ),
    )
    assert building.attributes == {"OWNEROC1": "NO", "GIVEPREC": "Back porch,\nsecond floor"}
    restaurant = review_then_send(
        client,
        client.post(
            details_url(RESTAURANT),
            {
                **pothole_answers(attr_WHEREIST=None),
                "attr_WHENDIDY": "2026-05-01T19:30",
                "attr_WHATPROB": ["RODENTS", "HANDWASH"],
            },
        ),
    )
    assert restaurant.attributes["WHATPROB"] == ["RODENTS", "HANDWASH"]
    assert restaurant.attributes["WHENDIDY"].startswith("2026-05-01T19:30:00")


def test_a_wrong_number_or_date_is_refused_in_words(client, chicago, abandoned_vehicle):
    html = client.post(details_url(abandoned_vehicle), pothole_answers(attr_HOWMANYD="ten")).text
    assert "Enter a number." in field_block(html, "attr_HOWMANYD")
    html = client.post(details_url(RESTAURANT), pothole_answers(attr_WHENDIDY="last tuesday")).text
    assert "Enter a valid date/time." in field_block(html, "attr_WHENDIDY")


def test_the_review_page_reads_the_answers_back_in_words(client, chicago, abandoned_vehicle):
    response = client.post(
        details_url(abandoned_vehicle),
        pothole_answers(attr_WHEREIST=None, attr_FQSKA1="TOYT", attr_HOWMANYD="10"),
    )
    review = visible_text(client.get(response["Location"]))
    assert "What is the make of the vehicle? Toyota" in review
    assert "How many days has the vehicle been parked? 10" in review
    assert "121 N LaSalle St" in review and "ana@example.org" in review
    assert "Never published." in review
    assert not ServiceRequest.objects.exists(), "nothing is filed before the resident sends it"


# --- errors next to the field, nothing lost ---------------------------------------------------


def test_a_missing_required_answer_is_flagged_at_its_field_and_nothing_typed_is_lost(
    client, pothole
):
    response = client.post(details_url(pothole), pothole_answers(attr_WHEREIST=None))
    assert response.status_code == 200
    html = response.text
    block = field_block(html, "attr_WHEREIST")
    assert "This field is required." in block
    assert 'aria-describedby="id_attr_WHEREIST_error"' in html or "_error" in block
    assert 'href="#field-attr_WHEREIST"' in html, "the summary links to the field"
    assert 'value="121 N LaSalle St"' in html
    assert "Deep hole in the curb lane." in html
    assert 'value="ana@example.org"' in html and 'value="García"' in html
    assert not ServiceRequest.objects.exists()


def test_a_location_is_required_and_must_be_in_the_city(client, pothole):
    html = client.post(details_url(pothole), pothole_answers(address="", lat="", long="")).text
    assert "Place the pin on the map or type the address" in field_block(html, "address")
    html = client.post(
        details_url(pothole),
        pothole_answers(address="", lat=str(LAKE_MICHIGAN[0]), long=str(LAKE_MICHIGAN[1])),
    ).text
    assert "The pin is outside the city" in field_block(html, "address")


def test_an_address_alone_is_enough(client, pothole):
    request = review_then_send(
        client, client.post(details_url(pothole), pothole_answers(lat="", long=""))
    )
    # The typed address is kept as typed and placed: a point and its ward (issue 10).
    assert request.address == "121 N LaSalle St" and request.lat is not None
    assert request.ward_id == 42


def test_email_updates_need_an_email_address(client, pothole):
    html = client.post(details_url(pothole), pothole_answers(email="", email_updates="on")).text
    assert "Enter your email address to get updates" in field_block(html, "email")


def test_an_oversized_photo_is_refused_at_the_photo_field_and_nothing_typed_is_lost(
    client, pothole, settings
):
    settings.CIVIC311 = dataclasses.replace(settings.CIVIC311, max_photo_mb=1)
    noise = Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000))
    big = io.BytesIO()
    noise.save(big, "JPEG", quality=95)
    assert big.tell() > 1024 * 1024
    response = client.post(
        details_url(pothole),
        {**pothole_answers(), "photos": [photo("huge.jpg", big.getvalue())]},
    )
    assert response.status_code == 200
    block = field_block(response.text, "photos")
    assert "huge.jpg is" in block and "photos may be at most 1 MB" in block
    assert 'value="121 N LaSalle St"' in response.text
    assert "Deep hole in the curb lane." in response.text
    assert not ServiceRequest.objects.exists()


def test_the_cheap_image_of_issue_13_is_refused_at_the_photo_field_with_answers_kept(
    client, pothole
):
    scan = SimpleUploadedFile("scan.png", one_bit_png(6300), content_type="image/png")
    response = client.post(details_url(pothole), {**pothole_answers(), "photos": [scan]})
    assert response.status_code == 200
    block = field_block(response.text, "photos")
    assert "scan.png is 6300×6300 pixels; photos may be at most 25 megapixels." in block
    assert 'value="121 N LaSalle St"' in response.text
    assert 'value="ana@example.org"' in response.text
    assert "Deep hole in the curb lane." in response.text
    assert not ServiceRequest.objects.exists()


def test_a_good_photo_is_kept_while_another_answer_is_fixed(client, pothole):
    first = client.post(
        details_url(pothole),
        {**pothole_answers(attr_WHEREIST=None), "photos": [photo("hole.jpg")]},
    )
    html = first.text
    assert "This field is required." in field_block(html, "attr_WHEREIST")
    token = re.search(r'name="draft" value="([^"]+)"', html).group(1)
    assert "Remove hole.jpg" in html, "the accepted photo is shown as already attached"
    thumbnail = re.search(r'src="(/report/photo/[^"]+\.jpg)"', html).group(1)
    assert client.get(thumbnail)["Content-Type"] == "image/jpeg"
    fixed = client.post(details_url(pothole), {**pothole_answers(), "draft": token})
    request = review_then_send(client, fixed)
    assert [p.kind for p in request.photos.all()] == ["resident"]


def test_three_photos_at_most_and_one_can_be_removed(client, pothole):
    response = client.post(
        details_url(pothole),
        {**pothole_answers(), "photos": [photo(f"p{i}.jpg") for i in range(4)]},
    )
    assert "Attach at most 3 photos" in field_block(response.text, "photos")
    response = client.post(
        details_url(pothole), {**pothole_answers(), "photos": [photo("a.jpg"), photo("b.jpg")]}
    )
    draft = ReportDraft.objects.get(token=response["Location"].rstrip("/").split("/")[-1])
    doomed = draft.photos.get(filename="a.jpg")
    response = client.post(
        details_url(pothole),
        {**pothole_answers(), "draft": draft.token, "remove_photos": [str(doomed.pk)]},
    )
    request = review_then_send(client, response)
    assert request.photos.count() == 1


def test_html_in_the_description_is_stored_as_text_and_shown_escaped(client, pothole):
    attack = '<script>document.title="owned"</script><b onmouseover=alert(1)>x</b>'
    response = client.post(details_url(pothole), pothole_answers(description=attack))
    review = client.get(response["Location"]).text
    assert "<script>document.title" not in review and "<b onmouseover" not in review
    assert "&lt;script&gt;document.title=&quot;owned&quot;&lt;/script&gt;" in review
    request = review_then_send(client, response)
    assert request.description == attack
    tracker = client.get(f"/requests/{request.tracking_number}").text
    assert "<script>document.title" not in tracker
    assert "&lt;b onmouseover=alert(1)&gt;" in tracker


# --- review, filing once, confirmation --------------------------------------------------------


def test_changing_something_from_the_review_keeps_every_answer(client, pothole):
    response = client.post(details_url(pothole), pothole_answers())
    token = response["Location"].rstrip("/").split("/")[-1]
    html = client.get(details_url(pothole), {"draft": token}).text
    assert 'value="CURB"' in html and re.search(r'value="CURB"[^>]*checked', html)
    assert 'value="121 N LaSalle St"' in html and 'value="ana@example.org"' in html
    assert f'name="draft" value="{token}"' in html


def test_a_double_click_files_one_request(client, pothole):
    review = client.post(details_url(pothole), pothole_answers())["Location"]
    first = client.post(review)
    second = client.post(review)
    assert ServiceRequest.objects.count() == 1
    assert first["Location"] == second["Location"], "both clicks land on the same confirmation"


def test_the_confirmation_shows_the_number_what_happens_next_and_the_tracker(client, pothole):
    review = client.post(details_url(pothole), pothole_answers())["Location"]
    done = client.get(client.post(review)["Location"])
    request = ServiceRequest.objects.get()
    page = visible_text(done)
    assert re.fullmatch(r"\d\d-\d{8}", request.tracking_number)
    assert f'data-testid="tracking-number">{request.tracking_number}<' in done.text
    assert "Transportation reviews your request" in page
    assert "Expected to be done by" in page
    assert "This is the city's target for Pothole in Street requests: 7 days." in page
    assert f'href="/requests/{request.tracking_number}"' in done.text
    assert "no-store" in done["Cache-Control"], "a private page is never cached"
    assert request.channel == "web"
    assert request.requester_email == "ana@example.org" and request.requester_last_name == "García"


def test_a_report_in_progress_belongs_to_the_browser_that_started_it(client, pothole):
    from django.test import Client

    review = client.post(details_url(pothole), pothole_answers())["Location"]
    stranger = Client()
    assert stranger.get(review)["Location"] == "/report/"
    assert stranger.post(review)["Location"] == "/report/"
    assert not ServiceRequest.objects.exists()


def test_the_stored_timeline_stays_english_when_filed_in_spanish(client, pothole):
    response = client.post("/es" + details_url(pothole), pothole_answers())
    assert response["Location"].startswith("/es/report/review/")
    client.post(response["Location"])
    request = ServiceRequest.objects.get()
    assert request.events.first().summary == "Request submitted via web"
    page = visible_text(client.get(f"/es/requests/{request.tracking_number}"))
    assert "Solicitud recibida por la web" in page


# --- Spanish catalogue -------------------------------------------------------------------


def test_the_spanish_service_list_is_grouped_and_searchable_in_spanish(client, chicago):
    page = visible_text(client.get("/es/report/"))
    assert "Calles " in page and "Luces y semáforos" in page
    assert "Bache en la calle Un bache en la calle o en un callejón." in page
    html = client.get("/es/report/", {"q": "ratas"}).text
    assert "Cebo para roedores / Queja de ratas" in html
    assert "Bache en la calle" not in html
    # Someone who types the English name on the Spanish page still finds it.
    assert "Bache en la calle" in client.get("/es/report/", {"q": "pothole"}).text


def test_the_spanish_form_asks_the_questions_and_offers_the_answers_in_spanish(client, pothole):
    html = client.get("/es" + details_url(pothole)).text
    assert "<h1>Bache en la calle</h1>" in html
    whereist = field_block(html, "attr_WHEREIST")
    assert "¿Dónde está el bache?" in whereist
    for key, label in (("BIKE", "Carril de bicicletas"), ("CROSS", "Cruce peatonal")):
        assert re.search(rf'value="{key}"[^>]*>\s*{label}</label>', html), label
    assert "Where is the pothole" not in html and "Bike Lane" not in html
    mobile = field_block(html, "attr_A511OPTN")
    assert "Su número de celular" in mobile and "Escriba el número como 999-999-9999" in mobile


def test_the_spanish_review_and_confirmation_read_back_in_spanish(client, pothole):
    response = client.post("/es" + details_url(pothole), pothole_answers())
    review = visible_text(client.get(response["Location"]))
    assert "Servicio Bache en la calle" in review
    assert "¿Dónde está el bache? Carril junto a la banqueta" in review
    done = client.post(response["Location"])
    page = visible_text(client.get(done["Location"]))
    assert "Transporte revisa su solicitud" in page, page
    assert "Bache en la calle" in page and "Pothole in Street" not in page
    # What is stored is the key, as the API takes it, whatever the page's language.
    assert ServiceRequest.objects.get().attributes == {"WHEREIST": "CURB"}


@pytest.mark.parametrize("language", ["", "/es"])
def test_the_mobile_number_question_promises_no_text_messages_and_its_answer_is_kept(
    client, pothole, language
):
    # civic311 sends no text messages: Chicago's "to opt in to text updates" would be a lie.
    page = client.get(language + details_url(pothole)).text
    question = re.sub(r"<[^>]+>", " ", field_block(page, "attr_A511OPTN"))
    assert not re.search(r"\btext|mensaje|SMS", question, re.I), question
    assert re.search(r"call you|llamarle", question), question
    response = client.post(
        language + details_url(pothole), pothole_answers(attr_A511OPTN="312-555-0177")
    )
    sr = review_then_send(client, response)
    assert sr.attributes["A511OPTN"] == "312-555-0177"
