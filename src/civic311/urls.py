"""The whole site on one port: API, resident pages, back office, admin, health."""

from django.contrib import admin
from django.urls import include, path

from civic311.core import views as core_views

admin.site.site_header = "civic311 administration"
admin.site.site_title = "civic311 admin"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("civic311.open311.docs_urls")),
    path("open311/", include("civic311.open311.urls")),
    path("staff/", include("civic311.staff.urls")),
    path("subscriptions/", include("civic311.notifications.urls")),
    path("media/", include("civic311.media.urls")),
    path("", include("civic311.public.urls")),
]
