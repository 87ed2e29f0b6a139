from django.apps import AppConfig


class ServiceRequestsConfig(AppConfig):
    """Service requests, their timeline, workflow and tracking numbers."""

    name = "civic311.service_requests"
    verbose_name = "Service requests"
