"""Abuse limits (item 10): POSTs per API key and per address, counted in the database."""

import dataclasses

import pytest

from civic311.open311.models import ApiClient, RateCounter
from civic311.open311.services import create_client
from civic311.service_requests.models import ServiceRequest
from tests.api.conftest import vehicle_form, xml_of

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests.json"


@pytest.fixture
def limit_of_three(settings):
    settings.CIVIC311 = dataclasses.replace(settings.CIVIC311, api_rate_limit_per_minute=3)


def post(client, key, address, fmt="json"):
    return client.post(f"/open311/v2/requests.{fmt}", vehicle_form(key), REMOTE_ADDR=address)


def test_a_key_gets_its_limit_a_minute_then_429_with_retry_after(
    client, chicago, api_key, limit_of_three
):
    # Different addresses, one key: the key's own limit applies.
    answers = [post(client, api_key, f"10.0.0.{n}") for n in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert 1 <= int(refused["Retry-After"]) <= 60
    ((error),) = refused.json()
    assert error["code"] == 429
    assert error["description"].startswith("Too many POSTs with this api_key: at most 3 a minute")
    assert ServiceRequest.objects.count() == 3


def test_an_address_gets_its_limit_whatever_keys_it_uses(client, chicago, limit_of_three):
    keys = [create_client(name=f"App {n}")[1] for n in range(4)]
    answers = [post(client, key, "192.0.2.7", fmt="xml") for key in keys]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    root = xml_of(answers[-1])
    assert root.findtext("error/code") == "429"
    assert "from this address" in root.findtext("error/description")
    assert answers[-1]["Retry-After"]


def test_wrong_keys_count_against_the_address(client, chicago, limit_of_three):
    answers = [post(client, "live_guess", "192.0.2.8") for _ in range(4)]
    assert [a.status_code for a in answers] == [403, 403, 403, 429]


def test_the_count_lives_in_the_database_shared_by_every_worker(
    client, chicago, api_key, limit_of_three
):
    from civic311.open311.services import count_request

    # Another worker process counted three POSTs from this address this minute: it shows up
    # as the shared row, and this process refuses the next one.
    assert count_request(bucket="ip:198.51.100.1", limit=3) is None
    row = RateCounter.objects.get(bucket="ip:198.51.100.1")
    RateCounter.objects.filter(pk=row.pk).update(count=3)
    response = post(client, api_key, "198.51.100.1")
    assert response.status_code == 429


def test_gets_are_not_limited(client, chicago, limit_of_three):
    assert all(
        client.get("/open311/v2/services.json", REMOTE_ADDR="192.0.2.9").status_code == 200
        for _ in range(5)
    )


def test_behind_a_proxy_the_forwarded_address_counts(
    client, chicago, api_key, settings, limit_of_three
):
    settings.CIVIC311 = dataclasses.replace(settings.CIVIC311, trusted_proxies=1)
    keys = [create_client(name=f"App {n}")[1] for n in range(4)]
    # Every request comes through the same proxy (REMOTE_ADDR); clients differ.
    answers = [
        client.post(
            URL,
            vehicle_form(key),
            REMOTE_ADDR="10.1.1.1",
            HTTP_X_FORWARDED_FOR=f"spoofed, 203.0.113.{n}",
        )
        for n, key in enumerate(keys)
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 200]
    assert not RateCounter.objects.filter(bucket="ip:10.1.1.1").exists()
    assert not RateCounter.objects.filter(bucket="ip:spoofed").exists()
    assert ApiClient.objects.count() == 5
