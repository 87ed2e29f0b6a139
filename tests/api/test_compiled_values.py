"""CompiledValues returns exactly what values() returns, for every shape, on both databases."""

from __future__ import annotations

import datetime as dt

import pytest

from civic311.open311.compiled import CompiledValues
from civic311.service_requests import services
from civic311.service_requests.models import ServiceRequest
from tests.conftest import CITY_HALL, WRIGLEY_FIELD

pytestmark = pytest.mark.django_db
FIELDS = ("tracking_number", "status", "attributes", "lat", "requested_datetime", "media_urls")


def _build(
    *, numbers=None, statuses=frozenset(), after=None, service_code=None, ids=None, extra=False
):
    rows = ServiceRequest.objects.order_by("-requested_datetime", "-id")
    if ids is not None:
        rows = rows.filter(service_id__in=ids)
    if numbers:
        rows = rows.filter(tracking_number__in=numbers)
    if statuses:
        rows = rows.filter(status__in=sorted(statuses))
    if after is not None:
        rows = rows.filter(requested_datetime__gte=after)
    if service_code is not None:
        rows = rows.filter(service__service_code=service_code)
    names = (*FIELDS, "ward_id") if extra else FIELDS
    return rows.values(*names)


@pytest.fixture
def filed(pothole):
    from civic311.core import clock

    made = []
    for days, where in ((3, CITY_HALL), (2, WRIGLEY_FIELD), (1, CITY_HALL)):
        with clock.frozen_at(clock.now() - dt.timedelta(days=days)):
            made.append(
                services.submit_request(
                    service=pothole,
                    channel="web",
                    location=services.Location(lat=where[0], long=where[1]),
                    attributes={"WHEREIST": ["CURB"]},
                    media_urls=["https://example.org/a.jpg"],
                )
            )
    services.change_status(made[0], status="fixed", actor=None)
    return made


def test_it_answers_as_values_does_for_every_shape(filed, pothole):
    compiled = CompiledValues(_build)
    numbers = [r.tracking_number for r in filed]
    recently = filed[1].requested_datetime - dt.timedelta(minutes=1)
    shapes = [
        {},
        {"numbers": numbers[:1]},
        {"numbers": numbers},
        {"numbers": numbers[1:]},  # same shape as [:2] but other values
        {"statuses": frozenset({"fixed"})},
        {"statuses": frozenset({"open"}), "after": recently},
        {"after": recently, "extra": True},
        {"service_code": pothole.service_code, "after": recently},
        {"service_code": "no-such-code"},
        {"ids": [pothole.pk]},
        {"ids": [0]},
        {"ids": [pothole.pk, 0], "statuses": frozenset({"open"})},
    ]
    for shape in shapes:
        expected = list(_build(**shape))
        assert compiled.rows(**shape) == expected, shape
        assert compiled.rows(**shape, limit=1) == expected[:1], shape
        assert compiled.rows(**shape, limit=1, offset=1) == expected[1:2], shape
    # JSON and datetimes come back converted, exactly as values() gives them.
    row = compiled.rows(numbers=numbers[:1])[0]
    assert row["media_urls"] == ["https://example.org/a.jpg"]
    assert row["requested_datetime"] == filed[0].requested_datetime


def test_values_are_bound_as_parameters_never_pasted_into_sql(filed):
    compiled = CompiledValues(_build)
    hostile = "26-00000001' OR '1'='1"
    assert compiled.rows(numbers=[hostile]) == []
    assert len(compiled.rows(numbers=[filed[0].tracking_number])) == 1


def test_a_value_the_orm_does_not_pass_as_a_parameter_is_refused(filed):
    compiled = CompiledValues(lambda *, code: ServiceRequest.objects.values("id").extra(
        where=[f"tracking_number = '{code[:0]}x'"]
    ))  # fmt: skip
    with pytest.raises(ValueError, match="not a parameter"):
        compiled.rows(code="anything")
