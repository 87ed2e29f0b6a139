"""The Open311 API speaks the catalogue's own language, whatever the resident site speaks.

GeoReport v2 has no language negotiation: a client that asks in Spanish, or a request
filed from the Spanish site, still reads Chicago's English names.
"""

import pytest

from civic311.catalog.models import Service
from civic311.notifications.models import OutboxMessage
from tests.conftest import POTHOLE
from tests.web.public.test_report_form import pothole_answers

pytestmark = pytest.mark.django_db

SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es"}


def test_the_service_list_and_definition_stay_english_when_asked_in_spanish(client, chicago):
    services = client.get("/open311/v2/services.json", **SPANISH).json()
    pothole = next(s for s in services if s["service_code"] == POTHOLE)
    assert pothole["service_name"] == "Pothole in Street"
    assert pothole["description"] == "A pothole in the street or in an alley."
    assert pothole["group"] == "Streets"
    definition = client.get(f"/open311/v2/services/{POTHOLE}.json", **SPANISH).json()
    whereist = next(a for a in definition["attributes"] if a["code"] == "WHEREIST")
    assert whereist["description"] == "Where is the pothole located?"
    assert {"key": "BIKE", "name": "Bike Lane"} in whereist["values"]
    assert "Bache" not in str(services) + str(definition)


def test_a_request_filed_on_the_spanish_site_reads_english_in_the_api(client, chicago):
    service = Service.objects.get(service_code=POTHOLE)
    review = client.post(f"/es/report/{service.service_code}/", pothole_answers())["Location"]
    client.post(review)
    (request,) = client.get("/open311/v2/requests.json", **SPANISH).json()
    assert request["service_name"] == "Pothole in Street"
    assert request["agency_responsible"] == "Transportation"


def test_an_app_filing_after_a_spanish_page_gets_an_english_receipt(client, chicago, api_key):
    # The same thread served a Spanish page just before, as a gunicorn thread may.
    assert client.get("/es/").status_code == 200
    filed = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": api_key,
            "service_code": POTHOLE,
            "lat": "41.8837",
            "long": "-87.6325",
            "attribute[WHEREIST]": "CURB",
            "email": "ana@example.org",
        },
    )
    assert filed.status_code == 200, filed.content
    (receipt,) = OutboxMessage.objects.all()
    assert receipt.subject.startswith("Received: ") and receipt.subject.endswith(
        "Pothole in Street"
    )
