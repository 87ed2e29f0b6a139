from django.apps import AppConfig


class MediaConfig(AppConfig):
    """Photo validation and processing: residents' photos and crews' 'after' photos."""

    name = "civic311.media"
    verbose_name = "Photos"
