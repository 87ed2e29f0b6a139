"""Shared fixtures: the Chicago catalogue on a real database, users, and helpers."""

from __future__ import annotations

import pytest
from django.db import connection

from civic311.catalog.models import Service
from civic311.catalog.services import load_catalog
from civic311.geo import lookup

POTHOLE = "4fd3b656e750846c53000004"
ABANDONED_VEHICLE = "4ffa4c69601827691b000018"
CITY_HALL = (41.8837, -87.6325)  # 121 N LaSalle St, ward 42
WRIGLEY_FIELD = (41.9484, -87.6553)  # ward 44
LAKE_MICHIGAN = (41.88, -87.55)  # in no ward


@pytest.fixture(autouse=True)
def _fresh_ward_index():
    """Ward boundaries are cached per process; tests load and flush them, so start clean."""
    lookup.reset()
    yield
    lookup.reset()


@pytest.fixture
def chicago(db) -> None:
    """The Chicago 2012 catalogue with its departments, routing and 50 wards."""
    if not Service.objects.filter(service_code=POTHOLE).exists():
        load_catalog(name_or_path="chicago-2012")


@pytest.fixture
def pothole(chicago) -> Service:
    return Service.objects.get(service_code=POTHOLE)


@pytest.fixture
def abandoned_vehicle(chicago) -> Service:
    return Service.objects.get(service_code=ABANDONED_VEHICLE)


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"
