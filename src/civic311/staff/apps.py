from django.apps import AppConfig


class StaffConfig(AppConfig):
    """The back office: intake, queues, request detail and actions."""

    name = "civic311.staff"

    def ready(self) -> None:
        """Log staff logins and failures (Django's auth signals are the only shared hook)."""
        from civic311.staff import lockout  # noqa: F401
