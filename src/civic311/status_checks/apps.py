from django.apps import AppConfig


class StatusChecksConfig(AppConfig):
    """Counts of status checks (tracker, email link, API, call centre, ward office)."""

    name = "civic311.status_checks"
    label = "status_checks"
