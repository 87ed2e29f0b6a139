"""The outbox promise and the flood rules, on a real database.

An email is queued if and only if its change commits; internal events never reach an
email; each (event, subscriber) is queued once; changes within the alert window fold
into one email per subscriber, sent at most one window after the first change.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.db import transaction

from civic311.core import clock
from civic311.core.errors import InvalidTransition
from civic311.notifications import services as alerts
from civic311.notifications.models import OutboxMessage
from civic311.service_requests import services
from civic311.service_requests.models import RequestEvent
from tests.conftest import CITY_HALL
from tests.support.mail import confirm_from_receipt

pytestmark = pytest.mark.django_db
MINUTE = dt.timedelta(minutes=1)


def window():
    return dt.timedelta(minutes=settings.CIVIC311.alert_window_minutes)


def file_pothole(pothole, email="ana@example.org", confirm=True, **extra):
    """A web pothole whose requester confirmed the updates by their receipt's link."""
    request = services.submit_request(
        service=pothole,
        channel="web",
        location=services.Location(lat=CITY_HALL[0], long=CITY_HALL[1]),
        attributes={"WHEREIST": ["CURB"]},
        requester=services.Requester(email=email),
        **extra,
    )
    if confirm and email and extra.get("email_updates", True):
        confirm_from_receipt(request)
    return request


def updates():
    return OutboxMessage.objects.filter(kind="update").order_by("id")


class Boom(Exception):
    pass


def test_a_change_that_rolls_back_queues_no_email(pothole):
    request = file_pothole(pothole)
    with pytest.raises(Boom), transaction.atomic():
        services.change_status(request, status="investigating", actor=None)
        assert updates().count() == 1  # queued inside the change's transaction…
        raise Boom
    assert not updates().exists()  # …and gone with it
    assert not RequestEvent.objects.filter(type="status_changed").exists()


def test_a_submission_that_fails_queues_no_receipt(pothole):
    with pytest.raises(Boom), transaction.atomic():
        file_pothole(pothole)
        raise Boom
    assert not OutboxMessage.objects.exists()


def test_a_refused_change_queues_nothing(pothole):
    request = file_pothole(pothole)
    with pytest.raises(InvalidTransition):
        services.change_status(request, status="open", actor=None)
    assert not updates().exists()


def test_internal_notes_never_produce_or_appear_in_an_email(pothole):
    request = file_pothole(pothole)
    services.add_note(request, text="Caller is the alderman's cousin.", public=False, actor=None)
    assert not updates().exists()
    services.change_status(
        request, status="investigating", actor=None, internal_note="Secret inspector notes."
    )
    services.add_note(request, text="Inspector visiting Tuesday.", public=True, actor=None)
    (message,) = updates()
    everything = message.subject + message.body_text + message.body_html
    assert "Inspector visiting Tuesday." in message.body_text
    assert "cousin" not in everything and "Secret" not in everything
    internal = RequestEvent.objects.filter(is_public=False).values_list("id", flat=True)
    assert not set(internal) & set(message.event_ids)


def test_each_event_is_queued_once_per_subscriber(pothole):
    request = file_pothole(pothole)
    with transaction.atomic():
        services.change_status(request, status="investigating", actor=None)
        event = RequestEvent.objects.get(type="status_changed")
        alerts.announce([event])  # announced again by mistake
    (message,) = updates()
    assert message.event_ids == [event.pk]
    assert message.dedupe_key == f"update:{request.subscriptions.get().pk}:{event.pk}"


@pytest.mark.django_db(transaction=True)
def test_announcing_outside_a_transaction_is_refused(pothole):
    request = file_pothole(pothole)
    with pytest.raises(RuntimeError, match="inside the transaction"):
        alerts.announce(list(request.events.all()))


def test_five_changes_within_the_window_fold_into_one_email_per_subscriber(pothole):
    t0 = clock.now()
    request = file_pothole(pothole)
    alerts.subscribe(request=request, email="ben@example.org", confirmed=True)
    steps = ["investigating", "action_scheduled", "in_progress", "investigating", "fixed"]
    for minute, status in enumerate(steps):
        with clock.frozen_at(t0 + minute * MINUTE):
            services.change_status(request, status=status, actor=None, public_note=f"step {minute}")
    messages = list(updates())
    assert sorted(m.to_email for m in messages) == ["ana@example.org", "ben@example.org"]
    for message in messages:
        assert len(message.event_ids) == 5
        assert message.due_at == t0 + window()  # completion waited less than a window
        assert message.subject.startswith(f"Completed: {request.tracking_number}")
        assert "(5 updates)" in message.subject
        for minute in range(5):
            assert f"step {minute}" in message.body_text


def test_after_a_window_the_next_change_starts_a_new_email(pothole):
    t0 = clock.now()
    request = file_pothole(pothole)
    with clock.frozen_at(t0):
        services.change_status(request, status="investigating", actor=None)
    first = updates().get()
    OutboxMessage.objects.filter(pk=first.pk).update(status="sent", attempts=1)
    with clock.frozen_at(t0 + window() + MINUTE):
        services.change_status(request, status="in_progress", actor=None)
    second = updates().last()
    assert second.pk != first.pk
    assert second.due_at - first.due_at >= window()  # at most one email per window


def test_a_change_after_the_email_was_claimed_is_not_folded_into_it(pothole):
    request = file_pothole(pothole)
    services.change_status(request, status="investigating", actor=None)
    OutboxMessage.objects.filter(kind="update").update(status="sending", attempts=1)
    services.change_status(request, status="in_progress", actor=None)
    assert updates().count() == 2
    assert [len(m.event_ids) for m in updates()] == [1, 1]


def test_sandbox_requests_send_no_email(pothole):
    request = file_pothole(pothole, is_test=True, confirm=False)  # no receipt to confirm
    services.change_status(request, status="investigating", actor=None)
    assert not OutboxMessage.objects.exists()


def test_an_invalid_requester_address_does_not_block_the_submission(pothole):
    request = file_pothole(pothole, email="not-an-address", confirm=False)
    assert request.pk and not OutboxMessage.objects.exists()


def test_a_comment_from_an_app_is_announced_as_a_comment_not_as_the_city(pothole):
    request = file_pothole(pothole)
    services.add_comment(request, text="Still there this morning.", via="Chicago Works")
    (message,) = updates()
    assert "Comment received via Chicago Works" in message.body_text
    assert "Comment: Still there this morning." in message.body_text
    assert "From the city" not in message.body_text
