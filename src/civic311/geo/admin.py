"""Admin for wards: aldermen and ward-office contacts are edited here."""

from django.contrib import admin

from civic311.geo.models import Ward


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin):
    list_display = ["number", "alderman", "office_address", "office_phone", "has_boundary"]
    search_fields = ["number", "alderman"]
    exclude = ["boundary"]

    @admin.display(boolean=True, description="boundary loaded")
    def has_boundary(self, ward: Ward) -> bool:
        return ward.boundary is not None
