"""Demo back-office logins, so a fresh install can be tried from every role."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model

from civic311.accounts.models import Role
from civic311.accounts.services import create_staff_user
from civic311.catalog.models import Department
from civic311.geo.models import Ward

# username: (first name, last name, role, ward, department codes, what they do)
DEMO_STAFF = {
    "operator": ("Olivia", "Operator", Role.OPERATOR, None, (), "311 call-centre operator"),
    "ward42": ("Walter", "Ward", Role.WARD_OFFICE, 42, (), "ward 42 office"),
    "cdot": ("Carla", "Crew", Role.DEPARTMENT, None, ("cdot",), "Transportation (CDOT) staff"),
    "water": ("Wes", "Waters", Role.DEPARTMENT, None, ("water-management",), "Water Management"),
    "supervisor": (
        "Sam",
        "Supervisor",
        Role.SUPERVISOR,
        None,
        ("cdot", "water-management"),
        "supervisor of CDOT and Water Management",
    ),
}


def create_demo_staff() -> dict[str, tuple[str, str]]:
    """Create the demo logins that are missing; return {username: (password, what)} of new ones."""
    users = get_user_model()
    departments = {d.code: d for d in Department.objects.all()}
    created: dict[str, tuple[str, str]] = {}
    for username, (first, last, role, ward, codes, what) in DEMO_STAFF.items():
        if users.objects.filter(username=username).exists():
            continue
        if any(code not in departments for code in codes):
            continue
        if ward is not None and not Ward.objects.filter(number=ward).exists():
            continue
        password = secrets.token_urlsafe(9)
        create_staff_user(
            username=username,
            password=password,
            role=role,
            first_name=first,
            last_name=last,
            # An address at the reserved example.org, so a demo supervisor's daily overdue
            # reminder shows up in var/mail like every other email.
            email=f"{username}@example.org",
            ward=ward,
            departments=[departments[c] for c in codes],
        )
        created[username] = (password, what)
    return created
