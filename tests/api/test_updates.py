"""mySociety's servicerequestupdates (item 7): the feed, and what a client's update does."""

import datetime as dt

import pytest

from civic311.core import clock
from civic311.service_requests import services as request_services
from civic311.service_requests.models import RequestEvent, ServiceRequest
from tests.api.conftest import file_at, file_vehicle, xml_of

pytestmark = pytest.mark.django_db

URL = "/open311/v2/servicerequestupdates.json"


def update_form(api_key, number, /, **extra):
    form = {
        "api_key": api_key,
        "service_request_id": number,
        "update_id": "fms-comment-1",
        "status": "OPEN",
        "updated_datetime": clock.now().isoformat(),
        "description": "Still there, and now leaking oil.",
        "email": "commenter@example.org",
        "first_name": "Ana",
        "last_name": "-",
    }
    form.update(extra)
    return {k: v for k, v in form.items() if v is not None}


def test_the_feed_uses_the_update_time_and_mysocietys_statuses(client, chicago, pothole):
    now = dt.datetime.now(dt.UTC)
    old = file_at(now - dt.timedelta(days=3), pothole)
    with clock.frozen_at(now - dt.timedelta(hours=1)):
        request_services.change_status(
            old, status="in_progress", actor=None, public_note="Crew out"
        )
        request_services.change_status(old, status="fixed", actor=None)
    with clock.frozen_at(now - dt.timedelta(minutes=30)):
        request_services.reopen(ServiceRequest.objects.get(pk=old.pk), actor=None, reason="Back")
    # The default window is the last 24 hours: the filing 3 days ago is not in it.
    updates = client.get(URL).json()
    assert [u["status"] for u in updates] == ["in_progress", "fixed", "reopen"]
    assert [u["description"] for u in updates] == [
        "Crew out",
        "Status changed from In progress to Completed",
        "Back",
    ]
    assert all(u["service_request_id"] == old.tracking_number for u in updates)
    window = {
        "start_date": (now - dt.timedelta(days=4)).isoformat(),
        "end_date": (now - dt.timedelta(hours=2)).isoformat(),
    }
    (opened,) = client.get(URL, window).json()
    assert opened["status"] == "open" and opened["description"] == "Sent to Transportation"


def test_internal_notes_never_appear_in_the_feed(client, chicago, pothole):
    request = file_at(dt.datetime.now(dt.UTC), pothole)
    request_services.add_note(request, text="Alderman's cousin.", public=False, actor=None)
    assert "cousin" not in client.get(URL).content.decode()


def test_a_comment_is_a_public_note_and_answers_our_update_id(client, chicago, api_key):
    number = file_vehicle(client, api_key)
    response = client.post(URL, update_form(api_key, number))
    assert response.status_code == 200, response.content
    (answer,) = response.json()
    event = RequestEvent.objects.get(pk=int(answer["update_id"]))
    assert event.type == "note" and event.is_public
    assert event.description == "Still there, and now leaking oil."
    assert event.external_id == "fms-comment-1" and event.actor_label == "Chicago Works"
    feed = client.get(URL).json()
    mine = next(u for u in feed if u["update_id"] == answer["update_id"])
    assert mine["description"] == "Still there, and now leaking oil." and mine["status"] == "open"
    (record,) = client.get(f"/open311/v2/requests/{number}.json?extensions=true").json()
    assert record["notes"][-1]["summary"] == "Comment received via Chicago Works"


def test_a_repeated_update_id_is_rejected_per_client(client, chicago, api_key):
    number = file_vehicle(client, api_key)
    assert client.post(URL, update_form(api_key, number)).status_code == 200
    again = client.post(URL, update_form(api_key, number, description="Once more"))
    assert again.status_code == 400
    assert "update_id fms-comment-1 already exists" in again.json()[0]["description"]
    from civic311.open311.services import create_client

    other_key = create_client(name="Another App")[1]
    assert client.post(URL, update_form(other_key, number)).status_code == 200


def test_statuses_are_upper_case_mysociety_ones(client, chicago, api_key):
    number = file_vehicle(client, api_key)
    response = client.post(URL, update_form(api_key, number, status="MAYBE"))
    assert response.status_code == 400
    assert "status MAYBE is not one of" in response.json()[0]["description"]
    assert client.post(URL, update_form(api_key, number, status="in_progress")).status_code == 200


def test_a_clients_fixed_never_closes_city_work(client, chicago, api_key):
    number = file_vehicle(client, api_key)
    response = client.post(URL, update_form(api_key, number, status="FIXED", description="Gone"))
    assert response.status_code == 200
    request = ServiceRequest.objects.get(tracking_number=number)
    assert request.status == "open"
    note = RequestEvent.objects.get(external_id="fms-comment-1")
    assert note.details["client_status"] == "FIXED"


def test_reopen_reopens_a_closed_request(client, chicago, api_key):
    number = file_vehicle(client, api_key)
    request = ServiceRequest.objects.get(tracking_number=number)
    request_services.change_status(request, status="fixed", actor=None)
    form = update_form(api_key, number, status="REOPEN", description="It is back.")
    assert client.post(URL, form).status_code == 200
    request.refresh_from_db()
    assert request.status == "open"
    event = RequestEvent.objects.get(external_id="fms-comment-1")
    assert event.type == "reopened" and event.description == "It is back."


def test_open_reopens_only_when_the_client_saw_the_closure(client, chicago, api_key):
    number = file_vehicle(client, api_key)
    request = ServiceRequest.objects.get(tracking_number=number)
    request_services.change_status(request, status="fixed", actor=None)
    request.refresh_from_db()
    before = (request.closed_datetime - dt.timedelta(minutes=5)).isoformat()
    stale = update_form(api_key, number, update_id="u-1", updated_datetime=before)
    assert client.post(URL, stale).status_code == 200
    request.refresh_from_db()
    assert request.status == "fixed"
    after = (request.closed_datetime + dt.timedelta(minutes=5)).isoformat()
    fresh = update_form(api_key, number, update_id="u-2", updated_datetime=after)
    assert client.post(URL, fresh).status_code == 200
    request.refresh_from_db()
    assert request.status == "open"


def test_missing_fields_are_listed_and_unknown_requests_are_404(client, chicago, api_key):
    response = client.post(URL, {"api_key": api_key})
    assert response.status_code == 400
    described = " ".join(e["description"] for e in response.json())
    for name in ("service_request_id", "update_id", "status", "updated_datetime", "description"):
        assert f"{name} required" in described
    missing = client.post(URL, update_form(api_key, "26-09999999"))
    assert missing.status_code == 404
    assert missing.json()[0]["description"] == "service_request_id 26-09999999 not found"


def test_an_empty_comment_that_changes_nothing_is_refused(client, chicago, api_key):
    number = file_vehicle(client, api_key)
    response = client.post(URL, update_form(api_key, number, description=""))
    assert response.status_code == 400
    assert response.json()[0]["description"] == "Write the comment before sending it."


def test_posting_an_update_needs_a_key(client, chicago, api_key):
    number = file_vehicle(client, api_key)
    response = client.post(
        "/open311/v2/servicerequestupdates.xml", update_form(api_key, number, api_key=None)
    )
    assert response.status_code == 403
    assert xml_of(response).findtext("error/code") == "403"


def test_the_feed_pages_and_filters_by_request(client, chicago, pothole, abandoned_vehicle):
    now = dt.datetime.now(dt.UTC)
    first = file_at(now - dt.timedelta(hours=2), pothole)
    second = file_at(now - dt.timedelta(hours=1), abandoned_vehicle)
    only = client.get(URL, {"service_request_id": second.tracking_number}).json()
    assert {u["service_request_id"] for u in only} == {second.tracking_number}
    page = client.get(URL, {"page_size": "1", "page": "1"}).json()
    assert [u["service_request_id"] for u in page] == [first.tracking_number]
