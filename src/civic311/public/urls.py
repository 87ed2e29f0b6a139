"""URLs of civic311.public."""

from django.urls import path  # noqa: F401

app_name = "public"
urlpatterns: list = []
