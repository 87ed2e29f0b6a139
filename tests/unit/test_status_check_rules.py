"""The pure rules of the status-check count: robots, channels, weeks, months and shares."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civic311.status_checks import channels

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
BINGBOT = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"
SLACK = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"
FACEBOOK = "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"
HEADLESS = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/126.0 Safari/537.36"


@pytest.mark.parametrize("agent", [FIREFOX, IPHONE])
def test_browsers_count_on_pages_and_the_api(agent):
    assert not channels.is_bot(agent, page=True)
    assert not channels.is_bot(agent, page=False)


@pytest.mark.parametrize("agent", [GOOGLEBOT, BINGBOT, SLACK, FACEBOOK, HEADLESS, "Baiduspider"])
def test_self_declared_robots_never_count(agent):
    assert channels.is_bot(agent, page=True)
    assert channels.is_bot(agent, page=False)


@pytest.mark.parametrize(
    "agent", ["", "curl/8.5.0", "Wget/1.21", "python-requests/2.32", "Go-http-client/1.1"]
)
def test_scripts_count_on_the_api_but_not_on_pages(agent):
    assert channels.is_bot(agent, page=True)
    assert not channels.is_bot(agent, page=False)


def test_an_email_marked_visit_is_the_email_channel_and_anything_else_the_web():
    assert channels.tracker_channel("email") == channels.EMAIL
    assert channels.tracker_channel("") == channels.WEB
    assert channels.tracker_channel("twitter") == channels.WEB
    assert channels.with_email_marker("https://311.example.org/requests/26-00000001") == (
        "https://311.example.org/requests/26-00000001?from=email"
    )
    assert channels.with_email_marker("/requests/x?a=1") == "/requests/x?a=1&from=email"


@given(st.dates())
def test_a_week_starts_on_the_monday_on_or_before_the_day(day):
    start = channels.week_start(day)
    assert start.weekday() == 0 and 0 <= (day - start).days <= 6


@given(st.dates(min_value=dt.date(1, 2, 1)))
def test_the_previous_month_is_the_whole_calendar_month_before(today):
    first, last = channels.previous_month(today)
    assert first.day == 1 and (last + dt.timedelta(days=1)) == today.replace(day=1)
    assert first.month == last.month and first.year == last.year


def test_previous_month_across_a_new_year():
    assert channels.previous_month(dt.date(2027, 1, 15)) == (
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 31),
    )


@given(st.dictionaries(st.sampled_from(channels.ALL), st.integers(min_value=0, max_value=10**6)))
def test_the_share_without_a_phone_call_is_every_other_channel_over_all(counts):
    total = sum(counts.values())
    share = channels.share_without_phone(counts)
    if total == 0:
        assert share is None
    else:
        assert share == (total - counts.get(channels.PHONE, 0)) / total
        assert 0 <= share <= 1


def test_ward_office_and_online_checks_are_without_a_phone_call():
    counts = {"web": 5, "email": 2, "api": 1, "phone": 4, "ward_office": 0}
    assert channels.without_phone(counts) == 8
    assert channels.share_without_phone(counts) == 8 / 12
