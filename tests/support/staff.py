"""Staff users with back-office roles, for tests of the back office and the domain services."""

from __future__ import annotations

from civic311.accounts.services import create_staff_user
from civic311.catalog.models import Department
from civic311.service_requests import services
from tests.conftest import CITY_HALL

PASSWORD = "correct-horse-battery-311"


def make_staff(
    username: str,
    role: str,
    *,
    departments: tuple[str, ...] = (),
    ward: int | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
):
    """An active user who logs in with PASSWORD, with a role over departments (codes) or a ward."""
    return create_staff_user(
        username=username,
        password=PASSWORD,
        role=role,
        first_name=first_name or username.title(),
        last_name=last_name,
        email=email,
        ward=ward,
        departments=list(Department.objects.filter(code__in=departments)),
    )


def file_pothole(pothole, where=CITY_HALL, address="121 N LaSalle St", **extra):
    """A pothole a resident filed on the web at a point with its address."""
    return services.submit_request(
        service=pothole,
        channel="web",
        location=services.Location(lat=where[0], long=where[1], address=address),
        attributes={"WHEREIST": ["CURB"]},
        **extra,
    )


def logged_in(client, user):
    """The test client, logged in as that staff user."""
    assert client.login(username=user.username, password=PASSWORD)
    return client
