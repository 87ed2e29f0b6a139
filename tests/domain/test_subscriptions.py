"""Subscriptions: double opt-in, expiry, one per address, unsubscribing, duplicates, closing."""

import datetime as dt

import pytest

from civic311.core import clock
from civic311.core.errors import NotFound, ValidationFailed
from civic311.notifications import emails, outbox, selectors, tokens
from civic311.notifications.models import OutboxMessage, Subscription
from civic311.notifications.services import confirm_subscription, subscribe, unsubscribe
from civic311.service_requests import services
from tests.conftest import CITY_HALL
from tests.support.mail import confirm_from_receipt

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def file_pothole(pothole, email="", confirm=True):
    """A web pothole; a requester with an email follows their receipt's confirm link too."""
    request = services.submit_request(
        service=pothole,
        channel="web",
        location=services.Location(lat=CITY_HALL[0], long=CITY_HALL[1]),
        attributes={"WHEREIST": ["CURB"]},
        requester=services.Requester(email=email),
    )
    if email and confirm:
        confirm_from_receipt(request)
    return request


def confirmation_token_of(subscription):
    subscription.refresh_from_db()
    return tokens.confirmation_token(subscription.pk, subscription.created_at)


def unsubscribe_token_of(subscription):
    return tokens.unsubscribe_token(subscription.pk)


def test_the_requester_gets_only_a_receipt_until_they_confirm_by_its_link(pothole):
    # Issue 13 item 2: filing with someone's address used to subscribe it, confirmed.
    request = file_pothole(pothole, email="Victim@Example.org", confirm=False)
    requester = request.subscriptions.get()
    assert requester.email == "victim@example.org" and requester.state == "pending"
    assert selectors.subscription_count(request) == 0
    services.change_status(request, status="investigating", actor=None, public_note="Seen.")
    kinds = list(OutboxMessage.objects.values_list("kind", flat=True))
    assert kinds == ["receipt"]  # the change sent the unconfirmed address nothing
    assert confirm_from_receipt(request).state == "active"
    assert selectors.subscription_count(request) == 1


def test_the_requester_confirmed_by_the_receipt_and_others_must_confirm(pothole):
    request = file_pothole(pothole, email="Ana@Example.org")
    assert selectors.subscription_count(request) == 1
    assert request.subscriptions.get().email == "ana@example.org"
    pending = subscribe(request=request, email="ben@example.org")
    assert pending.state == "pending" and selectors.subscription_count(request) == 1
    kinds = list(OutboxMessage.objects.order_by("id").values_list("kind", "to_email"))
    assert kinds == [("receipt", "ana@example.org"), ("confirmation", "ben@example.org")]
    confirmed = confirm_subscription(token=confirmation_token_of(pending))
    assert confirmed.state == "active" and selectors.subscription_count(request) == 2
    assert confirm_subscription(token=confirmation_token_of(pending)).state == "active"


@pytest.mark.parametrize("address", ["", "not an address", "ana@", "@example.org"])
def test_a_bad_address_is_refused_with_a_sentence(pothole, address):
    request = file_pothole(pothole)
    with pytest.raises(ValidationFailed) as caught:
        subscribe(request=request, email=address)
    assert caught.value.errors["email"].endswith(".")
    assert not Subscription.objects.exists() and not OutboxMessage.objects.exists()


def test_the_same_address_cannot_follow_a_request_twice(pothole):
    request = file_pothole(pothole, email="ana@example.org")
    with pytest.raises(ValidationFailed, match="already gets email alerts"):
        subscribe(request=request, email=" ANA@example.org ")
    subscribe(request=request, email="ben@example.org")
    with pytest.raises(ValidationFailed, match="already sent a confirmation link"):
        subscribe(request=request, email="ben@example.org")
    assert request.subscriptions.count() == 2
    assert OutboxMessage.objects.filter(kind="confirmation").count() == 1


def test_an_unconfirmed_subscription_expires_after_seven_days(pothole):
    request = file_pothole(pothole)
    pending = subscribe(request=request, email="ben@example.org")
    old_token = confirmation_token_of(pending)
    with clock.frozen_at(clock.now() + 7 * DAY + dt.timedelta(minutes=1)):
        with pytest.raises(NotFound):
            confirm_subscription(token=old_token)
        # The address may ask again; it gets a fresh link and the old one stays dead.
        again = subscribe(request=request, email="ben@example.org")
        assert again.pk == pending.pk and again.state == "pending"
        assert OutboxMessage.objects.filter(kind="confirmation").count() == 2
        with pytest.raises(NotFound):
            confirm_subscription(token=old_token)
        assert confirm_subscription(token=confirmation_token_of(again)).is_active


def test_expired_unconfirmed_addresses_are_forgotten(pothole):
    request = file_pothole(pothole, email="ana@example.org")
    subscribe(request=request, email="ben@example.org")
    with clock.frozen_at(clock.now() + 8 * DAY):
        assert outbox.purge_expired_subscriptions() == 1
    assert list(Subscription.objects.values_list("email", flat=True)) == ["ana@example.org"]


def test_a_forged_or_mangled_token_is_not_found(pothole):
    request = file_pothole(pothole, email="ana@example.org")
    good = unsubscribe_token_of(request.subscriptions.get())
    forged = good.split(":")[0] + ":" + "A" * 43
    for token in [forged, "2:" + good.split(":")[1], "garbage", ""]:
        with pytest.raises(NotFound):
            unsubscribe(token=token)
        with pytest.raises(NotFound):
            confirm_subscription(token=token)
    assert selectors.subscription_count(request) == 1


def test_unsubscribing_stops_waiting_emails_and_resubscribing_needs_a_new_confirmation(pothole):
    request = file_pothole(pothole, email="ana@example.org")
    services.change_status(request, status="investigating", actor=None)
    waiting = OutboxMessage.objects.get(kind="update")
    subscription = unsubscribe(token=unsubscribe_token_of(request.subscriptions.get()))
    assert subscription.state == "unsubscribed"
    waiting.refresh_from_db()
    assert waiting.status == "cancelled"
    assert unsubscribe(token=unsubscribe_token_of(subscription)).state == "unsubscribed"
    again = subscribe(request=request, email="ana@example.org")
    assert again.state == "pending"


def test_a_request_closed_more_than_30_days_ago_takes_no_new_followers(pothole):
    request = file_pothole(pothole)
    services.change_status(request, status="fixed", actor=None)
    with clock.frozen_at(clock.now() + 29 * DAY):
        subscribe(request=request, email="early@example.org")
    too_late = pytest.raises(ValidationFailed, match="closed more than 30 days ago")
    with clock.frozen_at(clock.now() + 31 * DAY), too_late:
        subscribe(request=request, email="late@example.org")
    assert list(request.subscriptions.values_list("email", flat=True)) == ["early@example.org"]


def test_following_a_duplicate_follows_its_parent(pothole):
    parent, child = file_pothole(pothole), file_pothole(pothole)
    services.mark_duplicate(child, parent=parent, actor=None)
    subscription = subscribe(request=child, email="ben@example.org", confirmed=True)
    assert subscription.request_id == parent.pk
    assert selectors.subscription_count(parent) == 1


def test_a_follower_of_both_is_merged_and_the_old_link_still_unsubscribes(pothole):
    parent = file_pothole(pothole, email="ana@example.org")
    child = file_pothole(pothole, email="ana@example.org")
    child_subscription = child.subscriptions.get()
    services.mark_duplicate(child, parent=parent, actor=None)
    child_subscription.refresh_from_db()
    assert child_subscription.state == "moved"
    assert selectors.subscription_count(parent) == 1
    stopped = unsubscribe(token=unsubscribe_token_of(child_subscription))
    assert stopped.request_id == parent.pk
    assert selectors.subscription_count(parent) == 0


def test_a_pending_follower_of_a_duplicate_follows_the_parent_once_confirmed(pothole):
    parent, child = file_pothole(pothole), file_pothole(pothole)
    pending = subscribe(request=child, email="ben@example.org")
    services.mark_duplicate(child, parent=parent, actor=None)
    confirmed = confirm_subscription(token=confirmation_token_of(pending))
    assert confirmed.request_id == parent.pk and confirmed.is_active


def test_every_email_link_is_absolute_and_signed(pothole, settings):
    request = file_pothole(pothole, email="ana@example.org")
    subscription = request.subscriptions.get()
    url = emails.unsubscribe_url(subscription.pk)
    assert url.startswith(f"{settings.BASE_URL}/subscriptions/unsubscribe/")
    assert tokens.read_unsubscribe_token(url.rsplit("/", 1)[1]) == subscription.pk
