from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """Departments, services and their attributes, routing rules; catalogue loading."""

    name = "civic311.catalog"
    verbose_name = "Service catalogue"
