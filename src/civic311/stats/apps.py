from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "civic311.stats"
    label = "stats"
    verbose_name = "Statistics"
