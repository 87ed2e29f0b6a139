"""Photos uploaded through POST requests: cleaned of EXIF, served as media_url, bad ones refused."""

import io

import pytest
from django.test.client import encode_multipart
from PIL import Image

from civic311.media.models import Photo
from civic311.service_requests.models import ServiceRequest
from tests.api.conftest import vehicle_form
from tests.media.images import jpeg, one_bit_png, phone_jpeg, png_declaring

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests.json"
BOUNDARY = "CiViC311bOuNdArY"


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    file.content_type = content_type
    return file


def post_multipart(client, fields: dict, path: str = URL):
    body = encode_multipart(BOUNDARY, fields)
    return client.post(path, body, content_type=f"multipart/form-data; boundary={BOUNDARY}")


def test_a_phone_photo_with_gps_is_served_as_media_url_without_exif(
    client, chicago, api_key, media_root, settings
):
    response = post_multipart(
        client, {**vehicle_form(api_key), "media": upload("IMG_1.jpg", phone_jpeg())}
    )
    assert response.status_code == 200, response.content
    token = response.json()[0]["token"]
    number = client.get(f"/open311/v2/tokens/{token}.json").json()[0]["service_request_id"]
    (record,) = client.get(f"/open311/v2/requests/{number}.json?extensions=true").json()
    media_url = record["media_url"]
    assert media_url.startswith(f"{settings.BASE_URL}/media/photos/{number}/")
    served = client.get(media_url.removeprefix(settings.BASE_URL))
    assert served.status_code == 200
    data = b"".join(served.streaming_content)
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert not image.getexif() and "exif" not in image.info
    assert b"PhoneMaker" not in data and b"GPS" not in data
    assert image.size == (200, 400)  # turned upright from its EXIF orientation
    (photo,) = record["extended_attributes"]["photos"]
    assert photo["media_url"] == media_url and (photo["width"], photo["height"]) == (200, 400)
    assert photo["thumbnail_url"].endswith("_thumb.jpg")


def test_uploads_win_over_a_media_url_and_media_brackets_work(client, chicago, api_key, media_root):
    fields = {
        **vehicle_form(api_key, media_url="https://example.org/elsewhere.jpg"),
        "media[]": [upload("a.jpg", jpeg()), upload("b.jpg", jpeg())],
    }
    assert post_multipart(client, fields).status_code == 200
    request = ServiceRequest.objects.get()
    assert Photo.objects.filter(request=request).count() == 2
    (record,) = client.get(f"/open311/v2/requests/{request.tracking_number}.json").json()
    assert "/media/photos/" in record["media_url"]


def test_a_50_mb_upload_is_refused_before_it_is_read(client, chicago, api_key, media_root):
    big = upload("huge.jpg", b"\xff\xd8" + b"0" * (50 * 1024 * 1024))
    response = post_multipart(client, {**vehicle_form(api_key), "media": big})
    assert response.status_code == 400
    ((error),) = response.json()
    assert error["code"] == 400
    assert "the request is 50.0 MB; at most 31 MB is accepted" in error["description"]
    assert not ServiceRequest.objects.exists()


def test_one_photo_over_the_photo_limit_is_refused_by_name(client, chicago, api_key, media_root):
    big = upload("big.jpg", b"\xff\xd8" + b"0" * (11 * 1024 * 1024))
    response = post_multipart(client, {**vehicle_form(api_key), "media": big})
    assert response.status_code == 400
    description = response.json()[0]["description"]
    assert "big.jpg" in description and "10 MB" in description
    assert not ServiceRequest.objects.exists() and not Photo.objects.exists()


def test_a_decompression_bomb_is_refused(client, chicago, api_key, media_root):
    bomb = upload("bomb.png", png_declaring(50_000, 50_000), "image/png")
    response = post_multipart(client, {**vehicle_form(api_key), "media": bomb})
    assert response.status_code == 400
    assert "pixels" in response.json()[0]["description"]
    assert not ServiceRequest.objects.exists()


def test_a_text_file_named_jpg_is_refused(client, chicago, api_key, media_root):
    fake = upload("pothole.jpg", b"just some text, honestly\n" * 20)
    response = post_multipart(client, {**vehicle_form(api_key), "media": fake})
    assert response.status_code == 400
    description = response.json()[0]["description"]
    assert "pothole.jpg" in description and "not" in description
    assert not ServiceRequest.objects.exists()


def test_more_than_three_photos_are_refused(client, chicago, api_key, media_root):
    photos = [upload(f"{n}.jpg", jpeg()) for n in range(4)]
    response = post_multipart(client, {**vehicle_form(api_key), "media": photos})
    assert response.status_code == 400
    assert "at most 3 photos" in response.json()[0]["description"]


def test_an_oversized_form_is_a_georeport_400_not_an_html_page(client, chicago, api_key, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    response = client.post(URL, vehicle_form(api_key, description="x" * 200_000))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "form fields are larger than" in response.json()[0]["description"]


def test_a_broken_multipart_body_is_a_georeport_400(client, chicago, api_key):
    response = client.post(
        "/open311/v2/requests.xml",
        b"--nope\r\nthis is not multipart",
        content_type="multipart/form-data; boundary=",
    )
    assert response.status_code == 400
    assert response.content.startswith(b"<?xml")


def test_too_many_fields_is_a_georeport_400(client, chicago, api_key):
    form = {**vehicle_form(api_key), **{f"attribute[X{n}]": "1" for n in range(1100)}}
    response = client.post("/open311/v2/requests.xml", form)
    assert response.status_code == 400
    from tests.api.conftest import xml_of

    assert "too many fields" in xml_of(response).findtext("error/description")


def test_the_cheap_image_of_issue_13_gets_a_georeport_400_naming_the_limit(
    client, chicago, api_key, media_root
):
    cheap = [upload(f"scan{i}.png", one_bit_png(6300), "image/png") for i in range(3)]
    response = post_multipart(client, {**vehicle_form(api_key), "media": cheap})
    assert response.status_code == 400
    ((error),) = response.json()
    assert error["code"] == 400
    assert error["description"] == (
        "scan0.png is 6300×6300 pixels; photos may be at most 25 megapixels."
    )
    assert not ServiceRequest.objects.exists()
