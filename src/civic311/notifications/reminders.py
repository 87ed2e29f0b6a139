"""The daily overdue reminder: each department's supervisors get its overdue requests, oldest first.

Queued through the outbox like every email, under a key naming the department, the
supervisor and the city's day, so however often it runs (the worker's hourly
housekeeping, `civic311 overdue-reminders` from cron, both, two workers at once)
each supervisor gets one reminder a day, and a crash loses none.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from civic311.accounts.models import Role
from civic311.catalog.models import Department
from civic311.core import clock
from civic311.notifications import emails
from civic311.notifications.models import OutboxMessage
from civic311.notifications.services import outbox_message
from civic311.service_requests import workflow
from civic311.service_requests.models import ServiceRequest

log = logging.getLogger("civic311.reminders")

# A longer list helps nobody in an email; the queue link shows every one.
LISTED_AT_MOST = 50


@dataclass(frozen=True)
class Queued:
    """What one run did: reminders newly queued, and departments that had overdue requests."""

    reminders: int
    departments: int


def city_day(now: dt.datetime) -> dt.date:
    """The date in the city's time zone, which decides what "today's reminder" is."""
    return now.astimezone(zoneinfo.ZoneInfo(settings.CIVIC311.time_zone)).date()


def is_due(now: dt.datetime) -> bool:
    """True from the configured hour of the city's day on (the worker checks every hour)."""
    local = now.astimezone(zoneinfo.ZoneInfo(settings.CIVIC311.time_zone))
    return local.hour >= settings.CIVIC311.overdue_reminder_hour


def overdue_requests(department: Department, now: dt.datetime) -> QuerySet[ServiceRequest]:
    """A department's open requests past their expected date, oldest first (no test requests)."""
    return (
        ServiceRequest.city.filter(
            department=department,
            status__in=workflow.OPEN_STATUSES,
            expected_datetime__lt=now,
        )
        .select_related("service", "ward")
        .order_by("requested_datetime", "id")
    )


def supervisors_of(department: Department) -> QuerySet:
    """The active supervisors of a department who have an email address."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_profile__role=Role.SUPERVISOR,
            staff_profile__departments=department,
        )
        .exclude(email="")
        .order_by("username")
    )


def queue_overdue_reminders(*, now: dt.datetime | None = None) -> Queued:
    """Queue today's reminder for each supervisor of each department with overdue requests."""
    now = now or clock.now()
    day = city_day(now)
    queued = departments = 0
    for department in Department.objects.order_by("name"):
        supervisors = list(supervisors_of(department))
        if not supervisors:
            continue
        overdue = overdue_requests(department, now)
        total = overdue.count()
        if not total:
            continue
        departments += 1
        email = emails.overdue_reminder(
            department, list(overdue[:LISTED_AT_MOST]), total=total, now=now
        )
        for supervisor in supervisors:
            key = f"overdue:{department.pk}:{supervisor.pk}:{day.isoformat()}"
            queued += _queue_once(key, supervisor.email, email, now)
    if queued:
        log.info("queued %s overdue reminders (%s departments)", queued, departments)
    return Queued(reminders=queued, departments=departments)


def _queue_once(key: str, to_email: str, email: emails.Email, now: dt.datetime) -> int:
    """1 when this reminder was queued now, 0 when it already had been (the key is unique)."""
    if OutboxMessage.objects.filter(dedupe_key=key).exists():
        return 0
    message = outbox_message(
        kind=OutboxMessage.Kind.OVERDUE, key=key, to_email=to_email, email=email, due_at=now
    )
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:  # another worker queued it between our check and our insert
        return 0
    return 1
