"""The status-check count as stored and read: the tally's writes, the weekly share the
supervisors see, and last month's share, each against a direct SQL computation."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.utils import timezone

from civic311.core import clock
from civic311.status_checks import channels, selectors
from civic311.status_checks import services as status_checks
from civic311.status_checks.models import StatusCheck
from tests.support.pages import visible_text
from tests.support.staff import logged_in, make_staff

TABLE = StatusCheck._meta.db_table


def today() -> dt.date:
    return timezone.localdate(clock.now())


def sql_sum(first: dt.date, last: dt.date, *, phone: bool | None = None) -> int:
    """SUM(count) over [first, last], all channels, or only (not) the phone channel."""
    where = "day >= %s AND day <= %s"
    if phone is True:
        where += " AND channel = 'phone'"
    elif phone is False:
        where += " AND channel <> 'phone'"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(SUM(count), 0) FROM {TABLE} WHERE {where}", [first, last])
        return int(cursor.fetchone()[0])


def stored(day: dt.date, **counts: int) -> None:
    for channel, n in counts.items():
        StatusCheck.objects.create(day=day, channel=channel, count=n)


QUIET_WEEK, PHONE_ONLY_WEEK = 2, 3  # weeks back from this one


@pytest.fixture
def weeks_of_checks(db):
    """Six weeks of uneven checks, with a week of phone calls only and a week with none."""
    monday = channels.week_start(today())
    for week in range(6):
        for weekday in range(7):
            day = monday - dt.timedelta(weeks=week) + dt.timedelta(days=weekday)
            n = 7 * week + weekday
            if day > today() or week == QUIET_WEEK:
                continue
            if week == PHONE_ONLY_WEEK:
                stored(day, phone=n)
                continue
            stored(day, web=n % 7 + 1, email=n % 3, api=2 * (n % 5), phone=n % 4)
            if n % 6 == 0:
                stored(day, ward_office=3)


def test_the_weekly_share_on_the_staff_page_equals_a_direct_sql_computation(
    client, chicago, weeks_of_checks
):
    logged_in(client, make_staff("sup", "supervisor", departments=("cdot",)))
    page = client.get("/staff/status-calls/")
    html = page.content.decode()
    rows = re.findall(r'<tr data-week="([\d-]+)">(.*?)</tr>', html, re.S)
    for week, cells in rows:
        first = dt.date.fromisoformat(week)
        last = first + dt.timedelta(days=6)
        assert first.weekday() == 0
        total = sql_sum(first, last)
        without = sql_sum(first, last, phone=False)
        assert re.search(rf"<td data-total>{total}</td>", cells), (week, cells)
        assert re.search(rf"<td data-without-phone>{without}</td>", cells)
        share = f"{100 * without / total:.1f}%"
        assert f"<td data-share>{share}</td>" in cells
        for channel in channels.ALL:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT COALESCE(SUM(count), 0) FROM {TABLE} "
                    "WHERE day >= %s AND day <= %s AND channel = %s",
                    [first, last, channel],
                )
                expected = cursor.fetchone()[0]
            assert f'<td data-channel="{channel}">{expected}</td>' in cells
    monday = channels.week_start(today())
    shown = dict(rows)
    assert "<td data-share>0.0%</td>" in shown[str(monday - dt.timedelta(weeks=PHONE_ONLY_WEEK))]
    assert str(monday - dt.timedelta(weeks=QUIET_WEEK)) not in shown
    assert len(rows) == 5
    assert "Share answered without a phone call" in visible_text(page)


def test_only_supervisors_and_administrators_see_the_status_checks(client, chicago):
    for role in ("operator", "department"):
        logged_in(client, make_staff(role, role, departments=("cdot",)))
        assert client.get("/staff/status-calls/").status_code == 403
        client.logout()


def test_last_month_deflection_is_the_previous_calendar_month_share(db):
    with clock.frozen_at(dt.datetime(2026, 3, 10, 18, 0, tzinfo=dt.UTC)):
        stored(dt.date(2026, 1, 31), web=100, phone=100)  # two months back: not counted
        stored(dt.date(2026, 2, 1), web=7, email=2, phone=5)
        stored(dt.date(2026, 2, 14), api=4, ward_office=1, phone=1)
        stored(dt.date(2026, 2, 28), web=1)
        stored(dt.date(2026, 3, 1), web=50)  # this month: not counted
        found = selectors.last_month_deflection()
    first, last = dt.date(2026, 2, 1), dt.date(2026, 2, 28)
    assert (found.first_day, found.last_day) == (first, last)
    assert found.total == sql_sum(first, last) == 21
    assert found.without_phone == sql_sum(first, last, phone=False) == 15
    assert found.share == pytest.approx(15 / 21)


def test_last_month_deflection_without_any_check_says_none(db):
    with clock.frozen_at(dt.datetime(2026, 1, 5, 18, 0, tzinfo=dt.UTC)):
        stored(dt.date(2026, 1, 2), web=3)
        found = selectors.last_month_deflection()
    assert (found.first_day, found.last_day) == (dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    assert found.total == 0 and found.share is None


def test_buffered_checks_add_to_what_is_stored_and_are_written_once(db):
    stored(today(), web=5)
    for _ in range(3):
        status_checks.note_check(channel=channels.WEB)
    status_checks.note_check(channel=channels.API)
    assert selectors.total(day=today(), channel="web") == 5  # not written yet
    assert status_checks.flush() == 4
    assert status_checks.flush() == 0
    assert selectors.total(day=today(), channel="web") == 8
    assert selectors.total(day=today(), channel="api") == 1


def test_a_failed_write_keeps_the_checks_for_the_next_flush(db):
    status_checks.note_check(channel=channels.EMAIL)
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO status_checks_away")
    try:
        with pytest.raises(Exception):  # noqa: B017 - the database's own error
            status_checks.flush()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE status_checks_away RENAME TO {TABLE}")
    assert status_checks.pending() == 1
    assert status_checks.flush() == 1
    assert selectors.total(day=today(), channel="email") == 1


def test_an_unknown_channel_is_refused(db):
    with pytest.raises(ValueError):
        status_checks.note_check(channel="fax")
    with pytest.raises(ValueError):
        status_checks.record_check(channel="fax")
