from django.apps import AppConfig


class Open311Config(AppConfig):
    """The GeoReport v2 adapter: urls, views, codec, errors, API keys."""

    name = "civic311.open311"
    verbose_name = "Open311 API"
