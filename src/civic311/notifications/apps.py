from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Subscriptions, the outbox, email rendering and delivery, the worker loop."""

    name = "civic311.notifications"
