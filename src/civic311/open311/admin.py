"""Admin for API clients: register an app, see its key once, revoke it."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from civic311.open311 import services
from civic311.open311.models import ApiClient


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "key_prefix",
        "is_sandbox",
        "verifies_emails",
        "created_at",
        "revoked_at",
    ]
    list_filter = ["is_sandbox", "verifies_emails", "revoked_at"]
    search_fields = ["name", "key_prefix", "contact_email"]
    fields = [
        "name",
        "contact_email",
        "is_sandbox",
        "verifies_emails",
        "key_prefix",
        "created_at",
        "revoked_at",
    ]
    actions = ["revoke"]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiClient | None = None) -> list[str]:
        locked = ["key_prefix", "created_at", "revoked_at"]
        # Which endpoint a key serves is fixed once the key exists.
        return [*locked, "is_sandbox"] if obj is not None else locked

    def save_model(self, request: HttpRequest, obj: ApiClient, form, change: bool) -> None:
        """New clients get their key through the service, shown here once."""
        if change:
            super().save_model(request, obj, form, change)
            return
        client, secret = services.create_client(
            name=obj.name,
            contact_email=obj.contact_email,
            sandbox=obj.is_sandbox,
            verifies_emails=obj.verifies_emails,
        )
        obj.pk = client.pk
        obj.refresh_from_db()
        messages.warning(
            request,
            f"The API key of {client.name} is {secret} — copy it now and give it to the "
            "developer; it is stored only as a hash and is never shown again.",
        )

    def has_delete_permission(self, request: HttpRequest, obj: ApiClient | None = None) -> bool:
        # Clients who filed requests are revoked, not deleted, so the record stays whole.
        return False

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        for client in queryset:
            services.revoke_client(client=client)
        self.message_user(request, f"Revoked {queryset.count()} key(s).", messages.SUCCESS)
