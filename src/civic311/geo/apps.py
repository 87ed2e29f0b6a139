from django.apps import AppConfig


class GeoConfig(AppConfig):
    """Ward boundaries and the point-in-polygon lookup."""

    name = "civic311.geo"
    verbose_name = "Wards"
