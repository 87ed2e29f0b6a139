"""The supervisors' dashboard (issue 12, item 2): every number equals a direct SQL computation
over the same requests, on SQLite and PostgreSQL; every number links to a queue that lists
exactly that many requests; only supervisors, ward offices and administrators see it."""

from __future__ import annotations

import datetime as dt
import html
import re
import zoneinfo

import pytest

from civic311.catalog.models import Department
from civic311.core import clock
from civic311.service_requests import services
from civic311.stats import performance
from tests.api.conftest import file_at
from tests.conftest import CITY_HALL, WRIGLEY_FIELD
from tests.support.staff import logged_in, make_staff
from tests.web.public.test_performance import _days, _moment, _quantile, _sql, on_postgres

pytestmark = pytest.mark.django_db
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
NOW = dt.datetime(2026, 12, 3, 12, 0, tzinfo=CHICAGO)
SINCE = dt.datetime(2026, 11, 4, tzinfo=CHICAGO)  # 29 days before NOW's day: 30 days
DAY = dt.timedelta(days=1)
TABLE = "service_requests_servicerequest"
EVENTS = "service_requests_requestevent"
OPEN = "('open', 'investigating', 'action_scheduled', 'in_progress')"


def _transfer(request, code: str, when: dt.datetime):
    with clock.frozen_at(when):
        department = Department.objects.get(code=code)
        return services.transfer(request, to_department=department, reason="moved", actor=None)


def _fix(request, when: dt.datetime, status: str = "fixed"):
    with clock.frozen_at(when):
        return services.change_status(request, status=status, actor=None)


@pytest.fixture
def timeline(pothole):
    """Potholes of the Transportation department (cdot) with known stays and transfers."""
    ana = make_staff("ana", "department", departments=("cdot",), first_name="Ana")
    bo = make_staff("bo", "department", departments=("cdot",), first_name="Bo")
    a = file_at(NOW - 10 * DAY, pothole)  # 4 days here, 2 in water, 3 here again, fixed
    _transfer(a, "water-management", NOW - 6 * DAY)
    a = _transfer(a, "cdot", NOW - 4 * DAY)
    _fix(a, NOW - 1 * DAY)
    b = file_at(NOW - 3 * DAY, pothole)  # 3 days, open
    c = file_at(NOW - 40 * DAY, pothole)  # left before the window: not counted here
    _transfer(c, "water-management", NOW - 35 * DAY)
    d = file_at(NOW - 60 * DAY, pothole)  # 60 days, open and overdue
    e = file_at(NOW - 20 * DAY, pothole, where=WRIGLEY_FIELD)  # 12 days, then water
    _transfer(e, "water-management", NOW - 8 * DAY)
    f = file_at(NOW - 50 * DAY, pothole)  # closed before the window: not counted
    _fix(f, NOW - 45 * DAY)
    with clock.frozen_at(NOW - 2 * DAY):
        services.assign(b, to_user=ana, actor=None)
        services.assign(d, to_user=ana, actor=None)
    for i in range(8):  # a spread of days, wards, closings and assignees
        filed = file_at(
            NOW - (i * 3.7 + 0.2) * DAY, pothole, where=WRIGLEY_FIELD if i % 2 else CITY_HALL
        )
        if i % 3 == 0:
            closing = min(filed.requested_datetime + (1 + i) * DAY, NOW - 0.1 * DAY)
            _fix(filed, closing, "fixed" if i % 2 else "no_further_action")
        elif i % 3 == 1:
            with clock.frozen_at(NOW - 0.1 * DAY):
                services.assign(filed, to_user=bo, actor=None)
    file_at(NOW - 2 * DAY, pothole, is_test=True)  # the sandbox never counts
    return {"ana": ana, "bo": bo}


def _panels(page: str) -> dict[str, str]:
    parts = re.split(r'<section class="panel" id="([a-z0-9-]+)"', page)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _links(panel: str) -> list[tuple[str, str, int]]:
    """(figure, queue URL, number shown) of every linked figure in a panel."""
    found = []
    for href, figure, text in re.findall(
        r'<a href="([^"]+)" data-figure="([a-z-]+)">(.*?)</a>', panel, re.S
    ):
        number = int(re.search(r"\d+", re.sub(r"<[^>]+>", " ", text)).group(0))
        found.append((figure, html.unescape(href), number))
    return found


def _figure(panel: str, name: str) -> list[int]:
    return [n for figure, _url, n in _links(panel) if figure == name]


def _count(where: str, params=()) -> int:
    return _sql(f"SELECT COUNT(*) FROM {TABLE} WHERE is_test = %s {where}", (False, *params))[0][0]


def _json(column: str, key: str) -> str:
    if on_postgres():
        return f"({column} ->> '{key}')"
    return f"json_extract({column}, '$.{key}')"


def _moved(department: str, key: str) -> int:
    return _sql(
        f"SELECT COUNT(DISTINCT e.request_id) FROM {EVENTS} e "
        f"JOIN {TABLE} r ON r.id = e.request_id "
        f"WHERE r.is_test = %s AND e.type = 'transferred' AND {_json('e.details', key)} = %s "
        "AND e.created_at >= %s",
        (False, department, _moment(SINCE)),
    )[0][0]


def _days_here(code: str) -> str:
    """Per request with time in `code` since SINCE, its days there (all stays), in SQL."""
    to, frm = _json("e.details", "to_department"), _json("e2.details", "from_department")
    following = "LEAD(m.at) OVER (PARTITION BY m.rid ORDER BY m.at, m.ord)"
    end = f"COALESCE({following}, r.closed_datetime, %s)"
    return f"""
        WITH moves AS (
            SELECT e.request_id AS rid, e.created_at AS at, {to} AS dept, e.id AS ord
            FROM {EVENTS} e WHERE e.type = 'transferred'
            UNION ALL
            SELECT r.id, r.requested_datetime, COALESCE(
                (SELECT {frm} FROM {EVENTS} e2 WHERE e2.request_id = r.id
                 AND e2.type = 'transferred' ORDER BY e2.created_at, e2.id LIMIT 1), d.code), 0
            FROM {TABLE} r JOIN catalog_department d ON d.id = r.department_id
        ),
        stays AS (
            SELECT m.rid, m.dept, m.at AS start_at, {end} AS end_at
            FROM moves m JOIN {TABLE} r ON r.id = m.rid WHERE r.is_test = %s
        )
        SELECT SUM({_days("end_at", "start_at")}) AS v FROM stays WHERE dept = %s
        GROUP BY rid HAVING MAX({_days("end_at", "%s")}) >= 0"""


def _sql_figures(department: Department) -> dict:
    """Every number of a department's panel, straight from SQL."""
    mine = "AND department_id = %s"
    now = _moment(NOW)
    days = {}
    for n in range(30):
        start = SINCE + n * DAY  # wall-clock arithmetic: midnight, city time
        end = start + DAY
        window = (department.pk, _moment(start), _moment(end))
        days[start.date().isoformat()] = (
            _count(f"{mine} AND requested_datetime >= %s AND requested_datetime < %s", window),
            _count(f"{mine} AND closed_datetime >= %s AND closed_datetime < %s", window),
        )
    load = dict(
        _sql(
            f"SELECT assigned_to_id, COUNT(*) FROM {TABLE} "
            "WHERE is_test = %s AND department_id = %s "
            f"AND status IN {OPEN} GROUP BY assigned_to_id",
            (False, department.pk),
        )
    )
    within, with_target = _sql(
        f"SELECT COALESCE(SUM(CASE WHEN {_days('r.closed_datetime', 'r.requested_datetime')} "
        "<= s.target_days THEN 1 ELSE 0 END), 0), COUNT(*) "
        f"FROM {TABLE} r JOIN catalog_service s ON s.id = r.service_id "
        "WHERE r.is_test = %s AND r.department_id = %s AND s.target_days IS NOT NULL "
        "AND r.status IN ('fixed', 'no_further_action') AND r.closed_datetime >= %s",
        (False, department.pk, _moment(SINCE)),
    )[0]
    here = _days_here(department.code)
    here_params = (now, False, department.code, _moment(SINCE))
    return {
        "open": _count(f"{mine} AND status IN {OPEN}", (department.pk,)),
        "overdue": _count(
            f"{mine} AND status IN {OPEN} AND expected_datetime < %s", (department.pk, now)
        ),
        "closed-in-window": _count(
            f"{mine} AND closed_datetime >= %s", (department.pk, _moment(SINCE))
        ),
        "days": days,
        "load": load,
        "within": (within, with_target),
        "transferred-in": _moved(department.code, "to_department"),
        "transferred-out": _moved(department.code, "from_department"),
        "stayed": len(_sql(here, here_params)),
        "stayed-median": _quantile(here, 0.5, here_params),
    }


def _dashboard(client) -> str:
    with clock.frozen_at(NOW):
        response = client.get("/staff/dashboard/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    return response.content.decode()


def _median_shown(panel: str) -> float | None:
    shown = re.search(r"<strong>([\d.]+|—)(?: days)?</strong> median", panel).group(1)
    return None if shown == "—" else float(shown)


@pytest.mark.parametrize("code", ["cdot", "water-management"])
def test_every_number_of_a_department_equals_direct_sql(client, timeline, code):
    page = _dashboard(logged_in(client, make_staff("boss2", "supervisor", departments=(code,))))
    department = Department.objects.get(code=code)
    panel = _panels(page)[f"department-{code}"]
    want = _sql_figures(department)
    assert _figure(panel, "open") == [want["open"]]
    assert _figure(panel, "overdue") == [want["overdue"]]
    assert _figure(panel, "closed-in-window") == [want["closed-in-window"]]
    assert _figure(panel, "oldest") == ([want["open"]] if want["open"] else [])
    rows = dict(
        (day, (int(new), int(closed)))
        for day, new, closed in re.findall(
            r'<tr data-day="([\d-]+)">.*?data-figure="new">(\d+)</a>'
            r'.*?data-figure="closed">(\d+)</a>',
            panel,
            re.S,
        )
    )
    assert rows == want["days"]
    assert sum(new for new, _ in rows.values()) > 0
    load = want["load"]
    assert sorted(_figure(panel, "load")) == sorted(
        [*load.values(), *([] if None in load else [0])]
    )
    assert _figure(panel, "transferred-in") == [want["transferred-in"]]
    assert _figure(panel, "transferred-out") == [want["transferred-out"]]
    assert _figure(panel, "stayed") == [want["stayed"]]
    assert _median_shown(panel) == pytest.approx(round(want["stayed-median"], 1), abs=0.051)
    within, with_target = want["within"]
    assert _figure(panel, "within-target") == [within]
    assert f"{within}</a> of {with_target} finished with a target)" in panel
    share = f"{within / with_target * 100:.1f}%" if with_target else "—"
    assert f"<strong>{share}</strong> closed within target" in panel


def test_time_in_the_department_follows_the_constructed_timeline(timeline):
    """The stays of the fixture's hand-made requests, worked out by hand."""
    from civic311.stats import selectors as stats

    cdot = Department.objects.get(code="cdot")
    water = Department.objects.get(code="water-management")
    # The fixture's other requests never leave cdot, so water has only the hand-made ones.
    with clock.frozen_at(NOW):
        seen = stats.time_with(since=SINCE, now=NOW, department=water)
    # a: 2 days in water; c: 35 days (moved in before the window, still there); e: 8 days.
    assert seen.requests == 3 and seen.median_days == pytest.approx(8.0)
    assert (seen.transferred_in, seen.transferred_out) == (2, 1)  # in: a, e; out: a
    a_stays = performance.stays(
        requested=NOW - 10 * DAY,
        closed=NOW - DAY,
        department="cdot",
        moves=[
            performance.Move(NOW - 4 * DAY, "water-management", "cdot"),
            performance.Move(NOW - 6 * DAY, "cdot", "water-management"),
        ],
        now=NOW,
    )
    assert [(s.department, s.days) for s in a_stays] == [
        ("cdot", 4.0),
        ("water-management", 2.0),
        ("cdot", 3.0),
    ]
    assert performance.days_in(a_stays, "cdot") == 7.0
    assert performance.days_in(a_stays, None) == 3.0
    here = stats.time_with(since=SINCE, now=NOW, department=cdot)
    assert (here.transferred_in, here.transferred_out) == (1, 2)  # in: a; out: a, e


def test_every_number_links_to_a_queue_listing_exactly_that_many(client, timeline):
    supervisor = logged_in(client, make_staff("boss", "supervisor", departments=("cdot",)))
    panel = _panels(_dashboard(supervisor))["department-cdot"]
    links = _links(panel)
    assert {f for f, _u, _n in links} >= {
        "open",
        "overdue",
        "closed-in-window",
        "oldest",
        "load",
        "new",
        "closed",
        "transferred-in",
        "transferred-out",
        "stayed",
        "within-target",
    }
    checked = 0
    for figure, url, number in links:
        assert url.startswith("/staff/queues/department/cdot/?"), url
        with clock.frozen_at(NOW):
            queue = supervisor.get(url)
        assert queue.status_code == 200, url
        shown = re.search(r'<strong id="count-shown">(\d+)</strong>', queue.content.decode())
        assert int(shown.group(1)) == number, (figure, url)
        checked += 1
    assert checked > 40


def test_a_ward_office_sees_its_ward_and_its_numbers_equal_sql(client, timeline):
    ward = logged_in(client, make_staff("ward42", "ward_office", ward=42))
    panels = _panels(_dashboard(ward))
    assert list(panels) == ["ward-42"]
    panel = panels["ward-42"]
    opened = _count(f"AND ward_id = 42 AND status IN {OPEN}")
    assert _figure(panel, "open") == [opened] and opened > 0
    overdue = _count(
        f"AND ward_id = 42 AND status IN {OPEN} AND expected_datetime < %s", (_moment(NOW),)
    )
    assert _figure(panel, "overdue") == [overdue]
    moved = _sql(
        f"SELECT COUNT(DISTINCT e.request_id) FROM {EVENTS} e "
        f"JOIN {TABLE} r ON r.id = e.request_id "
        "WHERE r.is_test = %s AND r.ward_id = 42 AND e.type = 'transferred' AND e.created_at >= %s",
        (False, _moment(SINCE)),
    )[0][0]
    assert _figure(panel, "transferred") == [moved] and moved == 1  # request a
    for figure, url, number in _links(panel):
        assert url.startswith("/staff/queues/ward/42/?"), url
        with clock.frozen_at(NOW):
            queue = ward.get(url).content.decode()
        assert int(re.search(r'id="count-shown">(\d+)<', queue).group(1)) == number, (figure, url)


def test_only_supervisors_ward_offices_and_administrators_see_the_dashboard(
    client, timeline, django_user_model
):
    worker = logged_in(client, make_staff("crew", "department", departments=("cdot",)))
    refused = worker.get("/staff/dashboard/")
    assert refused.status_code == 403
    assert "may not see the supervisors' dashboard" in html.unescape(refused.content.decode())
    assert "/staff/dashboard/" not in worker.get("/staff/").content.decode()
    client.logout()
    operator = logged_in(client, make_staff("op", "operator"))
    assert operator.get("/staff/dashboard/").status_code == 403
    client.logout()
    boss = logged_in(client, make_staff("boss", "supervisor", departments=("cdot",)))
    home = boss.get("/staff/").content.decode()
    assert 'href="/staff/dashboard/"' in home
    assert list(_panels(_dashboard(boss))) == ["department-cdot"]
    client.logout()
    django_user_model.objects.create_superuser("root", password="correct-horse-battery-311")
    client.login(username="root", password="correct-horse-battery-311")
    assert len(_panels(_dashboard(client))) == Department.objects.count()
