"""Admin for wards (aldermen and ward-office contacts are edited here) and confirmed points."""

from django.contrib import admin

from civic311.geo.models import ConfirmedPoint, Ward


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin):
    list_display = ["number", "alderman", "office_address", "office_phone", "has_boundary"]
    search_fields = ["number", "alderman"]
    exclude = ["boundary"]

    @admin.display(boolean=True, description="boundary loaded")
    def has_boundary(self, ward: Ward) -> bool:
        return ward.boundary is not None


@admin.register(ConfirmedPoint)
class ConfirmedPointAdmin(admin.ModelAdmin):
    """Read and delete only: a wrong pin is removed here so it stops correcting its block."""

    list_display = ["address", "street_key", "block", "lat", "long", "source", "created_at"]
    list_filter = ["source"]
    search_fields = ["address", "street_key"]
    readonly_fields = [f.name for f in ConfirmedPoint._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
