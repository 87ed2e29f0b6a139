"""Fill the outbox for worker tests through the real path: followers, a change, announce."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from civic311.core import clock
from civic311.notifications.models import OutboxMessage, Subscription
from civic311.service_requests import services
from tests.conftest import CITY_HALL


def queue_due_updates(service, count: int) -> list[str]:
    """`count` confirmed followers of one request, one status change: `count` emails due now.

    The change is made one alert window in the past, so its folded emails are due already.
    Returns the queued Message-IDs.
    """
    window = dt.timedelta(minutes=settings.CIVIC311.alert_window_minutes)
    past = clock.now() - window - dt.timedelta(seconds=5)
    with clock.frozen_at(past):
        request = services.submit_request(
            service=service,
            channel="web",
            location=services.Location(lat=CITY_HALL[0], long=CITY_HALL[1]),
            attributes={"WHEREIST": ["CURB"]},
        )
        Subscription.objects.bulk_create(
            Subscription(
                request=request,
                email=f"resident{i:04d}@example.org",
                source=Subscription.Source.TRACKER,
                created_at=past,
                confirmed_at=past,
            )
            for i in range(count)
        )
        services.change_status(request, status="investigating", actor=None, public_note="Seen.")
    queued = list(
        OutboxMessage.objects.filter(request=request, due_at__lte=clock.now()).values_list(
            "message_id", flat=True
        )
    )
    assert len(queued) == count
    return queued
