"""The outbox and subscriptions in the admin: what was sent, what is waiting, what died and why."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.html import format_html

from civic311.notifications import outbox
from civic311.notifications.models import OutboxMessage, Subscription


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "to_email",
        "subject",
        "kind",
        "status",
        "attempts",
        "due_at",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["to_email", "subject", "message_id", "request__tracking_number"]
    date_hierarchy = "created_at"
    list_select_related = ["request"]
    actions = ["retry_now"]
    fieldsets = [
        (None, {"fields": ["status", "last_error", "to_email", "subject", "request"]}),
        (
            "Delivery",
            {"fields": ["kind", "attempts", "due_at", "sent_at", "claimed_by", "message_id"]},
        ),
        ("Content", {"fields": ["body_text", "html_preview", "headers", "event_ids"]}),
        ("Identity", {"fields": ["dedupe_key", "subscription", "created_at"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields] + ["html_preview", "event_ids", "headers"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="last error")
    def short_error(self, obj: OutboxMessage) -> str:
        return obj.last_error[:120]

    @admin.display(description="HTML")
    def html_preview(self, obj: OutboxMessage) -> str:
        # Sandboxed: the stored HTML is ours, but the admin should never run it.
        return format_html(
            '<iframe sandbox srcdoc="{}" style="width:100%;height:420px;border:1px solid #ccc">'
            "</iframe>",
            obj.body_html,
        )

    @admin.action(description="Retry the selected dead emails now")
    def retry_now(self, request, queryset) -> None:
        count = outbox.retry_now(list(queryset.values_list("id", flat=True)))
        self.message_user(request, f"{count} dead email(s) queued again.", messages.SUCCESS)


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "request", "source", "state", "created_at", "confirmed_at"]
    list_filter = ["source"]
    search_fields = ["email", "request__tracking_number"]
    list_select_related = ["request"]
    raw_id_fields = ["request", "moved_to"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
