from django.apps import AppConfig


class StaffConfig(AppConfig):
    """The back office: intake, queues, request detail and actions."""

    name = "civic311.staff"
