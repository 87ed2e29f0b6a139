from django.apps import AppConfig


class PublicConfig(AppConfig):
    """Resident pages: report a problem, track a request, subscribe, feeds."""

    name = "civic311.public"
