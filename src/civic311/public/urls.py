"""URLs of the resident site (mounted at "" and, in Spanish, under /es/)."""

from django.urls import path

from civic311.public import feeds, views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("track", views.track, name="track"),
    path("places.json", views.places, name="places"),
    path("requests/<str:number>", views.tracker, name="tracker"),
    path("requests/<str:number>/updates.atom", feeds.RequestUpdatesFeed(), name="feed"),
    path("requests/<str:number>/subscribe", views.subscribe, name="subscribe"),
    path("performance/", views.performance_page, name="performance"),
    path("performance/<str:table>.csv", views.performance_csv, name="performance_csv"),
    path("report/", views.report_choose, name="report"),
    path("report/review/<str:token>/", views.report_review, name="report_review"),
    path("report/done/<str:token>/", views.report_done, name="report_done"),
    path("report/photo/<str:token>/<int:photo_id>.jpg", views.draft_photo, name="draft_photo"),
    path("report/<str:service_code>/", views.report_details, name="report_details"),
]
