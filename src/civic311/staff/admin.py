"""Admin for status-call counts (read-only: they are counted by lookups, never typed in)."""

from django.contrib import admin

from civic311.staff.models import StatusCall


@admin.register(StatusCall)
class StatusCallAdmin(admin.ModelAdmin):
    list_display = ["day", "channel", "count"]
    list_filter = ["channel"]
    date_hierarchy = "day"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
