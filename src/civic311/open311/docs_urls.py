"""URLs of the developer documentation; included before `open311/` so these exact paths win."""

from django.urls import path

from civic311.open311 import docs_views

app_name = "open311_docs"
urlpatterns = [
    path("open311/v2/openapi.json", docs_views.openapi_document, name="openapi"),
    path(
        "open311/sandbox/v2/openapi.json",
        docs_views.openapi_document,
        {"sandbox": True},
        name="sandbox-openapi",
    ),
    path("developers/", docs_views.developers, name="developers"),
]
