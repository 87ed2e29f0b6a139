"""Staff users with back-office roles, for tests of the back office and the domain services."""

from __future__ import annotations

from civic311.accounts.services import create_staff_user
from civic311.catalog.models import Department

PASSWORD = "correct-horse-battery-311"


def make_staff(
    username: str,
    role: str,
    *,
    departments: tuple[str, ...] = (),
    ward: int | None = None,
    first_name: str = "",
    last_name: str = "",
):
    """An active user who logs in with PASSWORD, with a role over departments (codes) or a ward."""
    return create_staff_user(
        username=username,
        password=PASSWORD,
        role=role,
        first_name=first_name or username.title(),
        last_name=last_name,
        ward=ward,
        departments=list(Department.objects.filter(code__in=departments)),
    )
