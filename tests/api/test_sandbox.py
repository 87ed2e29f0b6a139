"""The sandbox (item 2): same API, test requests kept apart, purged after 7 days, keys for all."""

import datetime as dt

import pytest
from django.core.management import call_command

from civic311.core import clock
from civic311.core.errors import NotFound
from civic311.open311.models import ApiClient
from civic311.service_requests import selectors as request_selectors
from civic311.service_requests.models import ServiceRequest
from tests.api.conftest import file_at, file_vehicle, vehicle_form, xml_of

pytestmark = pytest.mark.django_db

SANDBOX = "/open311/sandbox/v2/"


def test_the_sandbox_serves_the_same_catalogue(client, chicago):
    production = client.get("/open311/v2/services.json").json()
    assert client.get(f"{SANDBOX}services.json").json() == production
    assert xml_of(client.get(f"{SANDBOX}services.xml")).tag == "services"


def test_sandbox_requests_are_test_requests_seen_only_in_the_sandbox(
    client, chicago, api_key, sandbox_key
):
    test_number = file_vehicle(client, sandbox_key, prefix=SANDBOX)
    real_number = file_vehicle(client, api_key)
    request = ServiceRequest.objects.get(tracking_number=test_number)
    assert request.is_test and request.channel == "open311"
    assert [r["service_request_id"] for r in client.get(f"{SANDBOX}requests.json").json()] == [
        test_number
    ]
    assert [r["service_request_id"] for r in client.get("/open311/v2/requests.json").json()] == [
        real_number
    ]
    assert client.get(f"/open311/v2/requests/{test_number}.json").status_code == 404
    assert client.get(f"{SANDBOX}requests/{real_number}.json").status_code == 404
    assert client.get(f"/open311/v2/tokens/{request.token}.json").status_code == 404
    production_feed = client.get("/open311/v2/servicerequestupdates.json").json()
    assert {u["service_request_id"] for u in production_feed} == {real_number}
    sandbox_feed = client.get(f"{SANDBOX}servicerequestupdates.json").json()
    assert {u["service_request_id"] for u in sandbox_feed} == {test_number}
    # The resident site and staff find requests through these selectors: no test requests.
    with pytest.raises(NotFound):
        request_selectors.get_by_tracking_number(test_number)


def test_keys_work_only_on_their_own_endpoint(client, chicago, api_key, sandbox_key):
    wrong_way = client.post(f"{SANDBOX}requests.json", vehicle_form(api_key))
    assert wrong_way.status_code == 403
    assert "production api_key: it works only at /open311/v2/" in wrong_way.json()[0]["description"]
    other_way = client.post("/open311/v2/requests.json", vehicle_form(sandbox_key))
    assert other_way.status_code == 403
    assert "sandbox api_key" in other_way.json()[0]["description"]
    assert not ServiceRequest.objects.exists()


def test_anyone_can_take_a_sandbox_key_and_use_it(client, chicago):
    response = client.post(f"{SANDBOX}keys.json", {"name": "My Pothole App", "email": "a@b.org"})
    assert response.status_code == 201
    ((answer),) = response.json()
    assert answer["api_key"].startswith("sandbox_") and answer["name"] == "My Pothole App"
    assert answer["endpoint"].endswith("/open311/sandbox/v2")
    client_row = ApiClient.objects.get()
    assert client_row.is_sandbox and client_row.key_hash != answer["api_key"]
    assert answer["api_key"] not in client_row.key_hash
    assert file_vehicle(client, answer["api_key"], prefix=SANDBOX)
    xml = client.post(f"{SANDBOX}keys.xml", {"name": "Another"})
    root = xml_of(xml)
    assert root.tag == "keys" and root.findtext("key/api_key").startswith("sandbox_")


def test_a_sandbox_key_needs_a_name_and_production_keys_are_not_self_service(client, chicago):
    response = client.post(f"{SANDBOX}keys.json", {"name": "  "})
    assert response.status_code == 400
    assert response.json()[0]["description"].startswith("name required")
    assert client.post("/open311/v2/keys.json", {"name": "Sneaky"}).status_code == 404
    assert not ApiClient.objects.exists()


def test_purge_deletes_test_requests_older_than_seven_days_only(client, chicago, pothole):
    now = dt.datetime.now(dt.UTC)
    old_test = file_at(now - dt.timedelta(days=8), pothole, is_test=True)
    young_test = file_at(now - dt.timedelta(days=6), pothole, is_test=True)
    old_real = file_at(now - dt.timedelta(days=30), pothole)
    parent = file_at(now - dt.timedelta(days=9), pothole, is_test=True)
    from civic311.service_requests import services as request_services

    with clock.frozen_at(now - dt.timedelta(days=8)):
        request_services.mark_duplicate(old_test, parent=parent, actor=None)
    call_command("purge_sandbox")
    remaining = set(ServiceRequest.objects.values_list("tracking_number", flat=True))
    assert remaining == {young_test.tracking_number, old_real.tracking_number}


def test_purge_removes_the_photo_files_too(chicago, pothole, settings, tmp_path):
    from django.core.files.storage import default_storage

    from civic311.media.services import prepare_photos
    from tests.media.images import jpeg

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": "/media/"},
        },
    }
    import io

    photos = prepare_photos(files=[io.BytesIO(jpeg())])
    old = file_at(
        dt.datetime.now(dt.UTC) - dt.timedelta(days=8), pothole, is_test=True, photos=photos
    )
    (photo,) = old.photos.all()
    assert default_storage.exists(photo.image.name)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("purge_sandbox")
    assert not default_storage.exists(photo.image.name)
    assert not default_storage.exists(photo.thumbnail.name)
