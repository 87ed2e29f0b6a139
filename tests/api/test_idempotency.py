"""Idempotent POST (item 4): a retried submission answers the first answer, files nothing new."""

import datetime as dt

import pytest
from django.test import Client

from civic311.core import clock
from civic311.open311.models import IdempotentSubmission
from civic311.open311.services import create_client
from civic311.service_requests.models import ServiceRequest
from tests.api.conftest import vehicle_form
from tests.domain.test_concurrency import run_in_threads

URL = "/open311/v2/requests.json"


def post(client, key, **headers):
    return client.post(URL, vehicle_form(key), **headers)


@pytest.mark.django_db
def test_a_retry_with_the_same_idempotency_key_gets_the_first_answer(client, chicago, api_key):
    first = post(client, api_key, HTTP_IDEMPOTENCY_KEY="retry-1")
    again = post(client, api_key, HTTP_IDEMPOTENCY_KEY="retry-1")
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert ServiceRequest.objects.count() == 1
    other = post(client, api_key, HTTP_IDEMPOTENCY_KEY="retry-2")
    assert other.json() != first.json() and ServiceRequest.objects.count() == 2


@pytest.mark.django_db
def test_client_request_id_in_the_body_works_the_same_and_xml_replays_too(client, chicago, api_key):
    form = vehicle_form(api_key, client_request_id="fms-report-77")
    first = client.post(URL, form)
    again = client.post("/open311/v2/requests.xml", form)
    token = first.json()[0]["token"]
    assert f"<token>{token}</token>" in again.content.decode()
    assert ServiceRequest.objects.count() == 1


@pytest.mark.django_db
def test_keys_belong_to_one_client(client, chicago, api_key):
    other = create_client(name="Other App")[1]
    post(client, api_key, HTTP_IDEMPOTENCY_KEY="same")
    post(client, other, HTTP_IDEMPOTENCY_KEY="same")
    assert ServiceRequest.objects.count() == 2


@pytest.mark.django_db
def test_reusing_a_key_for_a_different_request_is_refused(client, chicago, api_key):
    post(client, api_key, HTTP_IDEMPOTENCY_KEY="k")
    different = client.post(
        URL, vehicle_form(api_key, description="Another car"), HTTP_IDEMPOTENCY_KEY="k"
    )
    assert different.status_code == 400
    assert "already used for a different request" in different.json()[0]["description"]
    assert ServiceRequest.objects.count() == 1


@pytest.mark.django_db
def test_a_failed_submission_is_not_remembered(client, chicago, api_key):
    bad = client.post(
        URL, vehicle_form(api_key, **{"attribute[HOWMANYD]": None}), HTTP_IDEMPOTENCY_KEY="k"
    )
    assert bad.status_code == 400
    good = client.post(URL, vehicle_form(api_key), HTTP_IDEMPOTENCY_KEY="k")
    assert good.status_code == 200 and ServiceRequest.objects.count() == 1


@pytest.mark.django_db
def test_answers_are_kept_at_least_a_day(client, chicago, api_key):
    now = dt.datetime.now(dt.UTC)
    with clock.frozen_at(now):
        first = post(client, api_key, HTTP_IDEMPOTENCY_KEY="k").json()
    with clock.frozen_at(now + dt.timedelta(hours=25)):
        assert post(client, api_key, HTTP_IDEMPOTENCY_KEY="k").json() == first
    with clock.frozen_at(now + dt.timedelta(hours=49)):
        later = post(client, api_key, HTTP_IDEMPOTENCY_KEY="k").json()
    assert later != first and ServiceRequest.objects.count() == 2
    assert IdempotentSubmission.objects.count() == 1  # the expired row made way


@pytest.mark.django_db(transaction=True)
def test_simultaneous_retries_file_exactly_one_request(chicago):
    key = create_client(name="Racing App")[1]
    form = vehicle_form(key)

    def send(index):
        response = Client().post(URL, form, HTTP_IDEMPOTENCY_KEY="race")
        return response.status_code, response.content

    answers = run_in_threads(8, send)
    assert all(isinstance(a, tuple) for a in answers), answers
    assert {status for status, _ in answers} == {200}
    assert len({body for _, body in answers}) == 1
    assert ServiceRequest.objects.count() == 1
