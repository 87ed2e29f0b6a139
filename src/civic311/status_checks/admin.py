"""Admin for status-check counts (read-only: they are counted, never typed in)."""

from django.contrib import admin

from civic311.status_checks.models import StatusCheck


@admin.register(StatusCheck)
class StatusCheckAdmin(admin.ModelAdmin):
    list_display = ["day", "channel", "count"]
    list_filter = ["channel"]
    date_hierarchy = "day"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
