"""Fixtures of the resident-site tests: stored photos in a fresh folder, requests to look at."""

from __future__ import annotations

import pytest

from civic311.catalog.models import Department, Service
from civic311.service_requests import services
from tests.conftest import CITY_HALL


@pytest.fixture(autouse=True)
def _photos_in_tmp(media_root):
    """Every resident-site test stores its photos in a fresh folder (tests/conftest.py)."""


def file_pothole(pothole: Service, **overrides) -> services.ServiceRequest:
    """A pothole at City Hall, filed by phone unless told otherwise."""
    arguments = {
        "service": pothole,
        "channel": "phone",
        "location": services.Location(
            lat=CITY_HALL[0], long=CITY_HALL[1], address="121 N LaSalle St"
        ),
        "attributes": {"WHEREIST": ["CURB"]},
        "description": "Deep hole in the curb lane.",
        **overrides,
    }
    return services.submit_request(**arguments)


def water_management() -> Department:
    return Department.objects.get(code="water-management")
