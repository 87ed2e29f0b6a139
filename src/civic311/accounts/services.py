"""Writes to staff accounts."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from civic311.accounts.models import Role, StaffProfile
from civic311.accounts.selectors import forget_scope
from civic311.catalog.models import Department
from civic311.core.errors import ValidationFailed


def give_role(
    *,
    user,
    role: str,
    ward: int | None = None,
    departments: Iterable[Department] = (),
) -> StaffProfile:
    """Set a user's back-office role and scope, replacing any earlier one."""
    departments = list(departments)
    _check_scope(role, ward, departments)
    with transaction.atomic():
        profile, _ = StaffProfile.objects.update_or_create(
            user=user, defaults={"role": role, "ward_id": ward}
        )
        profile.departments.set(departments)
        _admin_rights(user, role)
    forget_scope(user)
    return profile


# What a supervisor may manage in the admin, and nothing else there.
SUPERVISOR_ADMIN_MODELS = [("staff", "responsetemplate")]


def _admin_rights(user, role: str) -> None:
    """Supervisors get the admin for response templates; other roles lose those rights (an
    administrator's own admin access, given in the admin, is left alone)."""
    rights = Permission.objects.filter(
        content_type__in=[
            ContentType.objects.get_by_natural_key(app, model)
            for app, model in SUPERVISOR_ADMIN_MODELS
        ]
    )
    if role != Role.SUPERVISOR:
        user.user_permissions.remove(*rights)
        return
    user.user_permissions.add(*rights)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def create_staff_user(
    *,
    username: str,
    password: str | None,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    ward: int | None = None,
    departments: Iterable[Department] = (),
):
    """Create an active staff user with a role (no password means they cannot log in yet)."""
    with transaction.atomic():
        user = get_user_model().objects.create_user(
            username=username,
            password=password,
            first_name=first_name,
            last_name=last_name,
            email=email,
        )
        give_role(user=user, role=role, ward=ward, departments=departments)
    return user


def _check_scope(role: str, ward: int | None, departments: list[Department]) -> None:
    if role not in Role.values:
        raise ValidationFailed({"role": f"'{role}' is not a role; choose one of {Role.values}"})
    if role == Role.WARD_OFFICE and ward is None:
        raise ValidationFailed({"ward": "A ward-office user needs a ward."})
    if role in {Role.DEPARTMENT, Role.SUPERVISOR} and not departments:
        raise ValidationFailed({"departments": "Department staff need at least one department."})
