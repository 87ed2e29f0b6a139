"""Read-only admin views of the stored statistics (`civic311 refresh-stats` writes them)."""

from django.contrib import admin

from civic311.stats.models import CloseTime, Refresh


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CloseTime)
class CloseTimeAdmin(_ReadOnly):
    list_display = ["service", "ward", "closed", "median_days", "p90_days", "window_end"]
    list_filter = ["service"]


@admin.register(Refresh)
class RefreshAdmin(_ReadOnly):
    list_display = ["name", "started_at", "finished_at", "requests", "rows"]
