"""The pure figures behind the supervisors' dashboard: days, workload, stays with a department."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo

from hypothesis import given
from hypothesis import strategies as st

from civic311.stats import performance
from civic311.stats.performance import Move, RequestFacts

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
NOW = dt.datetime(2026, 11, 3, 9, 30, tzinfo=CHICAGO)
DAY = dt.timedelta(days=1)


def fact(status="open", *, requested=NOW - DAY, closed=None, expected=None, assigned=None):
    return RequestFacts(
        service_id=1,
        ward=42,
        requested=requested,
        closed=closed,
        status=status,
        transferred=False,
        target_days=3,
        department_id=7,
        expected=expected,
        assigned_to_id=assigned,
    )


def test_days_are_city_midnights_with_today_last_across_the_clock_change():
    window = performance.days(NOW, CHICAGO, 30)
    assert window.unit == "day" and len(window.buckets) == 30
    assert window.buckets[-1].start == dt.datetime(2026, 11, 3, tzinfo=CHICAGO)
    assert window.start == dt.datetime(2026, 10, 5, tzinfo=CHICAGO)
    # 1 November 2026 is 25 hours long in Chicago (daylight saving time ends).
    utc = dt.UTC
    lengths = {
        b.start.date().isoformat(): b.end.astimezone(utc) - b.start.astimezone(utc)
        for b in window.buckets
    }
    assert lengths["2026-11-01"] == dt.timedelta(hours=25)
    assert all(b.start.hour == 0 for b in window.buckets)


def test_workload_counts_open_overdue_and_each_assignees_load():
    facts = [
        fact(expected=NOW - DAY, assigned=5),
        fact(expected=NOW + DAY, assigned=5),
        fact(expected=None),
        fact("fixed", closed=NOW, expected=NOW - 3 * DAY, assigned=6),
    ]
    load = performance.workload(facts, NOW)
    assert (load.open, load.overdue) == (3, 1)
    assert load.by_assignee == {5: 2, None: 1}


def test_within_target_counts_match_the_share():
    window = performance.days(NOW, CHICAGO, 30)
    facts = [
        fact("fixed", requested=NOW - 5 * DAY, closed=NOW - 3 * DAY),  # 2 days: within 3
        fact("fixed", requested=NOW - 9 * DAY, closed=NOW - 2 * DAY),  # 7 days: late
        fact("cancelled", requested=NOW - 2 * DAY, closed=NOW - DAY),  # not finished work
    ]
    assert performance.within_target_counts(facts, window) == (1, 2)
    assert performance.figures(facts, window, NOW).within_target == 0.5


def test_a_request_that_never_moved_has_one_stay_until_now_or_its_closing():
    open_one = performance.stays(
        requested=NOW - 4 * DAY, closed=None, department="cdot", moves=[], now=NOW
    )
    assert [(s.department, s.days) for s in open_one] == [("cdot", 4.0)]
    closed = performance.stays(
        requested=NOW - 4 * DAY, closed=NOW - DAY, department="cdot", moves=[], now=NOW
    )
    assert performance.days_in(closed, "cdot") == 3.0
    assert performance.days_in(closed, "water-management") == 0.0


@given(
    st.lists(st.floats(min_value=0.01, max_value=30), min_size=0, max_size=6),
    st.floats(min_value=0, max_value=10),
    st.booleans(),
)
def test_the_stays_cover_the_request_s_life_exactly(gaps, tail, closed):
    """Whatever the transfers, the stays follow on from one another from filing to the end,
    each department's days add up to the whole, and the first is where it was filed."""
    codes = ["cdot", "water-management", "streets-sanitation"]
    requested = NOW - dt.timedelta(days=sum(gaps) + tail + 1)
    at, moves = requested, []
    for i, gap in enumerate(gaps):
        at += dt.timedelta(days=gap)
        moves.append(Move(at, codes[i % 3], codes[(i + 1) % 3]))
    end = at + dt.timedelta(days=tail)
    where_now = codes[len(gaps) % 3]
    all_stays = performance.stays(
        requested=requested,
        closed=end if closed else None,
        department=where_now,
        moves=list(reversed(moves)),  # any order in, time order out
        now=end,
    )
    assert all_stays[0].start == requested and all_stays[0].department == "cdot"
    assert all_stays[-1].end == end and all_stays[-1].department == where_now
    assert all(a.end == b.start for a, b in itertools.pairwise(all_stays))
    total = sum(performance.days_in(all_stays, code) for code in codes)
    assert abs(total - (end - requested) / DAY) < 1e-6
