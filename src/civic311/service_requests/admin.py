"""Read-only admin views of requests; staff work requests in the back office, not here."""

from django.contrib import admin

from civic311.service_requests.models import RequestEvent, ServiceRequest


class RequestEventInline(admin.TabularInline):
    model = RequestEvent
    fk_name = "request"
    extra = 0
    can_delete = False
    fields = ("created_at", "type", "summary", "description", "is_public", "actor_label")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ServiceRequest)
class ServiceRequestAdmin(admin.ModelAdmin):
    list_display = [
        "tracking_number",
        "service",
        "status",
        "department",
        "ward",
        "channel",
        "requested_datetime",
    ]
    list_filter = ["status", "channel", "department", "service"]
    search_fields = ["tracking_number", "address", "requester_email", "requester_phone"]
    date_hierarchy = "requested_datetime"
    inlines = [RequestEventInline]
    list_select_related = ["service", "department"]
    raw_id_fields = ["duplicate_of", "assigned_to"]

    def get_queryset(self, request):
        """The city's requests only: sandbox requests and their filers' details stay out."""
        return ServiceRequest.city.all()

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
