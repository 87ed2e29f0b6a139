"""Photos on requests, on a real database: filing, closing with an 'after' photo, serving."""

from __future__ import annotations

import dataclasses
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from civic311.core.errors import ValidationFailed
from civic311.media.models import Photo
from civic311.media.services import photo_limits, prepare_photos
from civic311.service_requests import services
from civic311.service_requests.models import RequestEvent, ServiceRequest
from tests.conftest import CITY_HALL, LAKE_MICHIGAN
from tests.media import images
from tests.support.staff import make_staff

pytestmark = pytest.mark.django_db


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def file_pothole(pothole, where=CITY_HALL, **extra):
    return services.submit_request(
        service=pothole,
        channel="web",
        location=services.Location(lat=where[0], long=where[1], address="121 N LaSalle St"),
        attributes={"WHEREIST": ["CURB"]},
        **extra,
    )


def test_the_limits_come_from_the_settings(settings):
    assert photo_limits() == (10 * 1024 * 1024, 25_000_000)
    settings.CIVIC311 = dataclasses.replace(
        settings.CIVIC311, max_photo_mb=1, max_photo_megapixels=2
    )
    assert photo_limits() == (1024 * 1024, 2_000_000)
    big = images.jpeg(size=(1600, 1600))
    with pytest.raises(ValidationFailed, match=r"^big\.jpg is 1600×1600 pixels; .* 2 megapixels"):
        prepare_photos(files=[upload(big, "big.jpg")])


def test_prepare_refuses_too_many_and_any_bad_one():
    good = images.jpeg()
    with pytest.raises(ValidationFailed) as caught:
        prepare_photos(files=[upload(good)] * 4, max_count=3)
    assert caught.value.errors == {"media": "Attach at most 3 photos; 4 were sent."}
    with pytest.raises(ValidationFailed) as caught:
        prepare_photos(files=[upload(good), upload(b"hello", "notes.jpg")])
    assert caught.value.errors == {"media": "notes.jpg is not a JPEG, PNG, GIF or WebP image."}
    prepared = prepare_photos(files=[upload(good), io.BytesIO(good)], max_count=3)
    assert [p.width for p in prepared] == [64, 64]


def test_submit_with_photos_stores_them_on_the_submitted_event(pothole, media_root):
    photos = prepare_photos(files=[upload(images.phone_jpeg()), upload(images.jpeg(), "b.jpg")])
    request = file_pothole(pothole, photos=photos)
    stored = list(request.photos.order_by("id"))
    submitted = request.events.get(type=RequestEvent.Type.SUBMITTED)
    assert [(p.kind, p.event_id) for p in stored] == [("resident", submitted.pk)] * 2
    first = stored[0]
    assert (first.width, first.height) == (200, 400)
    assert first.image.name.startswith(f"photos/{request.tracking_number}/")
    assert first.thumbnail.name == first.image.name.removesuffix(".jpg") + "_thumb.jpg"
    assert stored[0].image.name != stored[1].image.name
    assert (media_root / first.image.name).read_bytes() == photos[0].image
    assert (media_root / first.thumbnail.name).read_bytes() == photos[0].thumbnail
    assert first.url == f"http://127.0.0.1:8000/media/{first.image.name}"
    assert first.thumbnail_url.endswith("_thumb.jpg")


def test_a_refused_request_keeps_no_photo(pothole, media_root):
    photos = prepare_photos(files=[upload(images.jpeg())])
    with pytest.raises(ValidationFailed, match="outside the city"):
        file_pothole(pothole, where=LAKE_MICHIGAN, photos=photos)
    assert not ServiceRequest.objects.exists() and not Photo.objects.exists()
    assert not any(media_root.rglob("*.jpg"))


def test_closing_as_fixed_needs_an_after_photo_when_the_service_says_so(
    pothole, media_root, django_user_model
):
    pothole.photo_required_to_close = True
    pothole.save()
    crew = make_staff("crew12", "department", departments=("cdot",))  # only CDOT may close it
    request = file_pothole(pothole)
    before = list(request.events.values_list("id", flat=True))
    with pytest.raises(ValidationFailed) as caught:
        services.change_status(request, status="fixed", actor=crew, public_note="Filled.")
    assert caught.value.errors == {
        "photo": "Attach an 'after' photo to close this request as fixed."
    }
    request.refresh_from_db()
    assert request.status == "open" and request.status_notes == ""
    assert list(request.events.values_list("id", flat=True)) == before

    # Other statuses need no photo.
    services.change_status(request, status="in_progress", actor=crew)
    after = prepare_photos(files=[upload(images.jpeg(color=images.GREEN), "after.jpg")])
    request = services.change_status(request, status="fixed", actor=crew, photos=after)
    assert request.status == "fixed"
    photo = request.photos.get()
    closed = request.events.get(type=RequestEvent.Type.CLOSED)
    assert (photo.kind, photo.event, photo.uploaded_by) == ("crew", closed, crew)
    assert default_storage.exists(photo.image.name)


def test_crew_photos_can_come_with_any_status_change(pothole, media_root):
    request = file_pothole(pothole)
    photos = prepare_photos(files=[upload(images.jpeg())])
    request = services.change_status(request, status="investigating", actor=None, photos=photos)
    assert request.photos.get().event.type == RequestEvent.Type.STATUS_CHANGED


def test_media_serves_the_stored_bytes_with_safe_cache_headers(pothole, media_root, client):
    request = file_pothole(pothole, photos=prepare_photos(files=[upload(images.jpeg())]))
    photo = request.photos.get()
    response = client.get(f"/media/{photo.image.name}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == (media_root / photo.image.name).read_bytes()
    assert Image.open(io.BytesIO(body)).format == "JPEG"
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Length"] == str(len(body))
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.head(f"/media/{photo.thumbnail.name}").status_code == 200
    assert client.post(f"/media/{photo.image.name}").status_code == 405


@pytest.mark.parametrize(
    "path",
    [
        "/media/photos/26-00000001/0123456789abcdef0123456789abcdef.jpg",
        "/media/../secret.txt",
        "/media/%2e%2e/secret.txt",
        "/media/photos/..%2f..%2fsecret.txt",
        "/media/photos/%2e%2e/%2e%2e/secret.txt",
        "/media/..%5csecret.txt",
        "/media/%2fetc/passwd",
        "/media//etc/passwd",
        "/media/photos",
        "/media/",
    ],
)
def test_unknown_paths_and_traversal_are_404(media_root, client, path):
    (media_root.parent / "secret.txt").write_text("not for the public")  # just outside
    (media_root / "photos").mkdir(exist_ok=True)
    response = client.get(path)
    assert response.status_code == 404
    assert b"not for the public" not in response.content


def test_the_admin_shows_a_requests_photos(pothole, media_root, admin_client):
    request = file_pothole(pothole, photos=prepare_photos(files=[upload(images.jpeg())]))
    photo = request.photos.get()
    page = admin_client.get(f"/admin/service_requests/servicerequest/{request.pk}/change/")
    assert page.status_code == 200
    assert photo.thumbnail_url in page.content.decode()
    listing = admin_client.get("/admin/media/photo/")
    assert listing.status_code == 200 and photo.image.name in listing.content.decode()


def test_the_cheap_image_of_issue_13_is_refused_from_its_header_by_default():
    bomb = images.one_bit_png(6300)
    with pytest.raises(ValidationFailed) as caught:
        prepare_photos(files=[upload(bomb, "cheap.png", "image/png")])
    assert caught.value.errors == {
        "media": "cheap.png is 6300×6300 pixels; photos may be at most 25 megapixels."
    }
    # Well below Pillow's own decompression-bomb warning (about 89 megapixels).
    assert photo_limits()[1] * 3 < Image.MAX_IMAGE_PIXELS
    # A 24-megapixel phone photo (iPhone 15 Pro, 5712×4284) still passes.
    assert photo_limits()[1] >= 5712 * 4284


def test_one_process_decodes_only_photos_at_once_photos_at_the_same_time(settings):
    from civic311.media.services import _decoding_turn

    settings.CIVIC311 = dataclasses.replace(settings.CIVIC311, photos_at_once=2)
    turns = _decoding_turn()
    assert turns is _decoding_turn(), "one semaphore per process, shared by its threads"
    assert turns.acquire(blocking=False) and turns.acquire(blocking=False)
    try:
        assert not turns.acquire(blocking=False), "a third photo waits its turn"
    finally:
        turns.release()
        turns.release()
