"""URLs of open data: the page (English, and Spanish under /es/) and the downloads."""

from django.urls import path, re_path

from civic311.exports import views

app_name = "exports"
urlpatterns = [path("open-data/", views.page, name="page")]

# Language-neutral: the same bytes whatever the page's language.
download_urlpatterns = [
    re_path(r"^open-data/requests\.(?P<fmt>csv|geojson|ndjson)$", views.download, name="download"),
    path("open-data/files/<str:name>", views.published_file, name="file"),
]
