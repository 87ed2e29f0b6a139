from django.apps import AppConfig


class ExportsConfig(AppConfig):
    """Streaming bulk export of requests (open data)."""

    name = "civic311.exports"
