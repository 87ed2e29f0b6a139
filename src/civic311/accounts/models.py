"""Staff roles: who works in the back office, and for which departments or ward."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    """What a staff member does for the city; permissions.py says what each may do."""

    OPERATOR = "operator", "Call-centre operator"
    WARD_OFFICE = "ward_office", "Ward-office staff"
    DEPARTMENT = "department", "Department staff"
    SUPERVISOR = "supervisor", "Supervisor"
    ADMINISTRATOR = "administrator", "Administrator"


class StaffProfile(models.Model):
    """A user's back-office role and scope (a ward, or one or more departments)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    ward = models.ForeignKey(
        "geo.Ward",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The ward a ward-office user works for.",
    )
    departments = models.ManyToManyField(
        "catalog.Department",
        blank=True,
        related_name="staff_profiles",
        help_text="The departments a department user or supervisor works for.",
    )

    class Meta:
        ordering = ["user__username"]

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.get_role_display()})"
