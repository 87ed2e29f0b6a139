"""URLs of civic311.open311."""

from django.urls import path  # noqa: F401

app_name = "open311"
urlpatterns: list = []
