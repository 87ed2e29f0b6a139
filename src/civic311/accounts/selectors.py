"""Reads of staff accounts: a user's scope, and who can be assigned work."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.db.models import Q, QuerySet

from civic311.accounts.models import Role, StaffProfile
from civic311.accounts.permissions import Action, Scope, Target, allows, check


def scope_of(user) -> Scope:
    """The role and scope of a user (empty scope when they have no staff profile)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    name = user.get_full_name() or user.get_username()
    if user.is_superuser:
        return Scope(role=Role.ADMINISTRATOR, name=name)
    cached = getattr(user, "_civic311_scope", None)
    if cached is not None:
        return cached
    profile = StaffProfile.objects.filter(user=user).first()
    if profile is None:
        scope = Scope(name=name)
    else:
        departments = frozenset(profile.departments.values_list("pk", flat=True))
        scope = Scope(role=profile.role, ward=profile.ward_id, departments=departments, name=name)
    user._civic311_scope = scope
    return scope


def forget_scope(user) -> None:
    """Drop the scope cached on a user object (after its profile changed)."""
    user.__dict__.pop("_civic311_scope", None)


def authorize(actor, action: str, *, department: int | None = None, ward: int | None = None):
    """Raise PermissionDenied unless `actor` may do `action`; None (the system) always may."""
    if actor is None:
        return
    target = None if department is None and ward is None else Target(department, ward)
    check(scope_of(actor), action, target)


def assignable_staff(department_id: int) -> QuerySet:
    """Active users who may be assigned requests of a department, by name."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(
                staff_profile__role__in=[Role.DEPARTMENT, Role.SUPERVISOR],
                staff_profile__departments=department_id,
            )
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def may(user, action: str, *, department: int | None = None, ward: int | None = None) -> bool:
    """True when the user may do `action` (for showing or hiding buttons)."""
    target = None if department is None and ward is None else Target(department, ward)
    return allows(scope_of(user), action, target)


__all__ = ["Action", "assignable_staff", "authorize", "forget_scope", "may", "scope_of"]


def signed_in_sessions(session_keys: set[str]) -> set[str]:
    """Which of these session keys belong to a signed-in user (only city staff sign in)."""
    engine = import_module(settings.SESSION_ENGINE)
    return {key for key in session_keys if engine.SessionStore(session_key=key).get(SESSION_KEY)}
