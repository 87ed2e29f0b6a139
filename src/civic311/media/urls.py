"""/media/<path>: stored photos and thumbnails."""

from django.urls import path

from civic311.media import views

app_name = "media"
urlpatterns = [path("<path:path>", views.serve, name="file")]
