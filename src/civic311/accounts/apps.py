from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Staff users, their roles and the departments and wards they work for."""

    name = "civic311.accounts"
    verbose_name = "Staff accounts"
