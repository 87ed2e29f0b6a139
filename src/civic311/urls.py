"""The whole site on one port: API, resident pages, back office, admin, health."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from civic311.core import views as core_views
from civic311.exports.urls import download_urlpatterns

admin.site.site_header = "civic311 administration"
admin.site.site_title = "civic311 admin"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("civic311.open311.docs_urls")),
    path("open311/", include("civic311.open311.urls")),
    path("staff/", include("civic311.staff.urls")),
    path("media/", include("civic311.media.urls")),
    path("", include((download_urlpatterns, "open_data"))),
    # Resident pages and the email links: English at /requests/…, Spanish at /es/requests/…,
    # so the language is in the address and a CDN can cache each page (docs/adr/0009).
    *i18n_patterns(
        path("subscriptions/", include("civic311.notifications.urls")),
        path("", include("civic311.exports.urls")),
        path("", include("civic311.public.urls")),
        prefix_default_language=False,
    ),
]
