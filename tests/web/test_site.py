"""Health and admin, through Django's test client."""

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_admin_lists_the_chicago_services_with_attributes_and_departments(chicago, admin_client):
    page = admin_client.get("/admin/catalog/service/").content.decode()
    assert "Pothole in Street" in page and "Abandoned Vehicle" in page
    assert "Transportation" in page or "Chicago Department of Transportation" in page
    from civic311.catalog.models import Service

    vehicle = Service.objects.get(name="Abandoned Vehicle")
    detail = admin_client.get(f"/admin/catalog/service/{vehicle.pk}/change/").content.decode()
    assert "HOWMANYD" in detail and "FQSKA11" in detail


def test_admin_needs_a_login(client):
    response = client.get("/admin/catalog/service/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_resident_pages_answer_head_as_link_checkers_and_monitors_send_it(client, pothole):
    from tests.support.staff import file_pothole

    number = file_pothole(pothole).tracking_number
    for path in ["/", "/es/", f"/requests/{number}", "/open-data/", "/open-data/requests.csv"]:
        response = client.head(path)
        assert response.status_code == 200, path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert body == b"", path
