"""/performance/ (issue 12, item 1): every figure on the page and in its CSV files equals a
direct SQL computation over the same requests, medians and percentiles included, on SQLite
and PostgreSQL; filters live in the address bar; the page speaks Spanish too."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zoneinfo

import pytest
from django.db import connection

from civic311.catalog.models import Department
from civic311.core import clock
from civic311.service_requests import services
from tests.api.conftest import file_at
from tests.conftest import ABANDONED_VEHICLE, CITY_HALL, WRIGLEY_FIELD

pytestmark = pytest.mark.django_db
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
NOW = dt.datetime(2026, 12, 3, 12, 0, tzinfo=CHICAGO)
WINDOW_START = dt.datetime(2026, 9, 14, tzinfo=CHICAGO)  # Monday, 11 weeks before NOW's week
DAY = dt.timedelta(days=1)
TABLE = "service_requests_servicerequest"


@pytest.fixture
def history(pothole, abandoned_vehicle):
    """Two services in wards 42 and 44 over four months: closed, open, duplicate, transferred."""
    requests = []
    for i in range(14):
        where = CITY_HALL if i % 2 else WRIGLEY_FIELD
        service = pothole if i % 3 else abandoned_vehicle
        request = file_at(NOW - (i * 7 + 1.5) * DAY, service, where=where)
        if i % 4 != 3:  # three in four get fixed, after 1 to 40 days
            with clock.frozen_at(request.requested_datetime + (1 + i * 2.9) * DAY):
                services.change_status(request, status="fixed", actor=None)
        requests.append(request)
    old = file_at(NOW - 150 * DAY, pothole)  # filed before the window, closed inside it
    with clock.frozen_at(NOW - 20 * DAY):
        services.change_status(old, status="fixed", actor=None)
    duplicate = file_at(NOW - 3 * DAY, pothole)
    with clock.frozen_at(NOW - 2 * DAY):
        services.mark_duplicate(duplicate, parent=requests[3], actor=None)
    moved = file_at(NOW - 10 * DAY, pothole, where=WRIGLEY_FIELD)
    with clock.frozen_at(NOW - 9 * DAY):
        water = Department.objects.get(code="water-management")
        services.transfer(moved, to_department=water, reason="A sewer cave-in", actor=None)
    file_at(NOW - 5 * DAY, pothole, is_test=True)  # the sandbox never counts
    return requests


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def _sql(query: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def _moment(value: dt.datetime):
    """A datetime as each database compares it in raw SQL (SQLite stores UTC text)."""
    if on_postgres():
        return value
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _days(later: str, earlier: str) -> str:
    if on_postgres():
        return f"EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0"
    return f"(julianday({later}) - julianday({earlier}))"


def _quantile(values_sql: str, q: float, params: tuple) -> float | None:
    """The q-quantile by linear interpolation, computed by the database itself."""
    if on_postgres():
        query = f"SELECT percentile_cont({q}) WITHIN GROUP (ORDER BY v) FROM ({values_sql}) d"
        return _sql(query, params)[0][0]
    query = f"""
        WITH d AS ({values_sql}),
        r AS (SELECT v, ROW_NUMBER() OVER (ORDER BY v) - 1 AS i FROM d),
        h AS (SELECT {q} * (COUNT(*) - 1) AS h, CAST({q} * (COUNT(*) - 1) AS INTEGER) AS k,
                     COUNT(*) AS n FROM d)
        SELECT lo.v + (h.h - h.k) * (hi.v - lo.v)
        FROM h JOIN r lo ON lo.i = h.k JOIN r hi ON hi.i = MIN(h.k + 1, h.n - 1)"""
    rows = _sql(query, params)
    return rows[0][0] if rows else None


def _expected(
    where: str = "", window: tuple[dt.datetime, dt.datetime] = (WINDOW_START, NOW + 7 * DAY)
) -> dict[str, str]:
    """Every summary figure for the window, straight from SQL, formatted as the page does."""
    start, end = _moment(window[0]), _moment(window[1])
    now = _moment(NOW)
    base = f"FROM {TABLE} WHERE is_test = %s {where}"
    live = (False,)
    in_window = "AND requested_datetime >= %s AND requested_datetime < %s"
    opened = _sql(f"SELECT COUNT(*) {base} {in_window}", (*live, start, end))[0][0]
    closed_in = "AND closed_datetime >= %s AND closed_datetime < %s"
    closed = _sql(f"SELECT COUNT(*) {base} {closed_in}", (*live, start, end))[0][0]
    done = (
        f"SELECT {_days('closed_datetime', 'requested_datetime')} AS v {base} "
        "AND status IN ('fixed', 'no_further_action') "
        "AND closed_datetime >= %s AND closed_datetime < %s"
    )
    done_params = (*live, start, end)
    within, with_target = _sql(
        f"SELECT SUM(CASE WHEN {_days('r.closed_datetime', 'r.requested_datetime')} "
        "<= s.target_days THEN 1 ELSE 0 END), COUNT(*) "
        f"FROM {TABLE} r JOIN catalog_service s ON s.id = r.service_id "
        f"WHERE r.is_test = %s {where.replace('ward_id', 'r.ward_id')} "
        "AND r.status IN ('fixed', 'no_further_action') AND s.target_days IS NOT NULL "
        "AND r.closed_datetime >= %s AND r.closed_datetime < %s",
        done_params,
    )[0]
    open_statuses = "('open', 'investigating', 'action_scheduled', 'in_progress')"
    ages = f"SELECT {_days('%s', 'requested_datetime')} AS v {base} AND status IN {open_statuses}"
    backlog = _sql(f"SELECT COUNT(*) {base} AND status IN {open_statuses}", live)[0][0]
    duplicates = _sql(
        f"SELECT COUNT(*) {base} AND status = 'duplicate' "
        "AND requested_datetime >= %s AND requested_datetime < %s",
        (*live, start, end),
    )[0][0]
    transferred = _sql(
        f"SELECT COUNT(*) {base} AND requested_datetime >= %s AND requested_datetime < %s "
        f"AND id IN (SELECT request_id FROM service_requests_requestevent "
        "WHERE type = 'transferred')",
        (*live, start, end),
    )[0][0]
    age_params = (now, *live)
    return {
        "opened": str(opened),
        "closed": str(closed),
        "median_days": _one_decimal(_quantile(done, 0.5, done_params)),
        "p90_days": _one_decimal(_quantile(done, 0.9, done_params)),
        "within_target": _percent(within, with_target),
        "backlog": str(backlog),
        "backlog_median_age_days": _one_decimal(_quantile(_cast_now(ages), 0.5, age_params)),
        "duplicate_share": _percent(duplicates, opened),
        "transferred_share": _percent(transferred, opened),
    }


def _cast_now(query: str) -> str:
    # PostgreSQL must be told the parameter is a timestamp to subtract from it.
    return query.replace("(%s - requested_datetime)", "(%s::timestamptz - requested_datetime)")


def _one_decimal(value: float | None) -> str:
    return "—" if value is None else f"{float(value):.1f}"


def _percent(part, whole) -> str:
    return "—" if not whole else f"{round((part or 0) / whole * 100)}%"


def _shown(html: str) -> dict[str, str]:
    """The request figures the page shows (status checks are checked on their own)."""
    shown = dict(re.findall(r'<dd data-figure="(\w+)">([^<]*)</dd>', html))
    shown.pop("deflection", None)
    return shown


def _deflection_shown(html: str) -> str:
    return re.search(r'<dd data-figure="deflection">([^<]*)</dd>', html).group(1)


def _page(client, query: str = "", language: str = ""):
    with clock.frozen_at(NOW):
        return client.get(f"{language}/performance/{query}")


def test_every_summary_figure_equals_the_sql_computation(client, history):
    response = _page(client)
    assert response.status_code == 200
    shown = _shown(response.text)
    assert shown == _expected()
    assert shown["opened"] != "0" and shown["median_days"] != "—"


def test_a_ward_in_the_address_bar_narrows_every_figure_to_it(client, history):
    response = _page(client, "?ward=42")
    assert _shown(response.text) == _expected("AND ward_id = 42")
    assert 'value="42" selected' in response.text


def test_the_csv_files_hold_the_same_numbers_as_the_page(client, history):
    with clock.frozen_at(NOW):
        periods = client.get("/performance/periods.csv")
        wards = client.get("/performance/wards.csv")
    assert periods["Content-Type"] == "text/csv; charset=utf-8"
    weeks = list(csv.DictReader(io.StringIO(periods.content.decode())))
    assert len(weeks) == 12 and weeks[0]["period_start"] == "2026-09-14"
    assert sum(int(w["opened"]) for w in weeks) == int(_expected()["opened"])
    by_ward = {row["ward"]: row for row in csv.DictReader(io.StringIO(wards.content.decode()))}
    ward_42 = _expected("AND ward_id = 42")
    assert by_ward["42"]["opened"] == ward_42["opened"]
    assert _one_decimal(float(by_ward["42"]["median_days"])) == ward_42["median_days"]
    assert _one_decimal(float(by_ward["42"]["p90_days"])) == ward_42["p90_days"]


def test_months_and_a_service_filter_and_a_bad_ward_said_in_place(client, history, pothole):
    response = _page(client, f"?service={pothole.service_code}&period=months&ward=99")
    assert response.status_code == 200
    assert "Opened and closed, month by month" in response.text
    assert re.search(r'id="field-ward">.*?errorlist', response.text, re.S)
    assert f'value="{pothole.service_code}" selected' in response.text
    rows = re.findall(r'<tr data-key="([^"]+)">', response.text)
    assert pothole.service_code in rows and ABANDONED_VEHICLE not in rows


def test_the_spanish_page(client, history):
    response = _page(client, language="/es")
    assert response.status_code == 200
    assert "Cómo le va a la ciudad" in response.text
    assert _shown(response.text)["opened"] == _expected()["opened"]


def test_last_months_status_checks_without_a_call_equal_the_sql_share(client, chicago):
    from civic311.status_checks.models import StatusCheck

    for day, channel, count in [
        (dt.date(2026, 11, 2), "web", 30),
        (dt.date(2026, 11, 2), "phone", 10),
        (dt.date(2026, 11, 20), "email", 7),
        (dt.date(2026, 11, 30), "ward_office", 3),
        (dt.date(2026, 12, 1), "phone", 500),  # this month: not last month's figure
        (dt.date(2026, 10, 31), "web", 900),
    ]:
        StatusCheck.objects.create(day=day, channel=channel, count=count)
    ((without_call, every),) = _sql(
        "SELECT SUM(CASE WHEN channel <> 'phone' THEN count ELSE 0 END), SUM(count) "
        "FROM status_checks_statuscheck WHERE day >= %s AND day <= %s",
        (dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
    )
    response = _page(client)
    assert _deflection_shown(response.text) == _percent(without_call, every) == "80%"
    assert "Status checks in November 2026 answered without a phone call" in response.text


def test_a_year_of_chicagos_real_open_data_shows_believable_figures_equal_to_sql(client, chicago):
    from django.core.management import call_command

    from tests.domain.test_open_data_import import SAMPLE

    call_command("import", "chicago-open-data", str(SAMPLE), verbosity=0, stdout=io.StringIO())
    response = _page(client, "?period=2021")
    assert "Opened and closed, month by month" in response.text
    shown = _shown(response.text)
    year = (dt.datetime(2021, 1, 1, tzinfo=CHICAGO), dt.datetime(2022, 1, 1, tzinfo=CHICAGO))
    assert shown == _expected(window=year)
    assert int(shown["opened"]) > 100, "the sample's rows were filed on 2021-01-01"
    assert '<option value="2021">The year 2021</option>' in _page(client).text
