"""Admin for staff roles: administrators give users a role and a ward or departments."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from civic311.accounts.models import StaffProfile


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = True
    filter_horizontal = ["departments"]
    verbose_name_plural = "back-office role"


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "ward"]
    list_filter = ["role", "departments"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    filter_horizontal = ["departments"]
    raw_id_fields = ["user"]


class StaffUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, StaffProfileInline]


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), StaffUserAdmin)
