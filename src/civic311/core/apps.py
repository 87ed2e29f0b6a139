from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared plumbing: clock, errors, database helpers, the CLI commands."""

    name = "civic311.core"
