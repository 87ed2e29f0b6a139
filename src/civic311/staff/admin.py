"""Supervisors manage response templates in the admin (their role gives them that and no more)."""

from __future__ import annotations

from django.contrib import admin

from civic311.staff.models import ResponseTemplate


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "use", "status", "service", "active"]
    list_filter = ["use", "status", "active", "service"]
    search_fields = ["title", "public_text", "public_text_es"]
    fields = [
        "title",
        "use",
        "status",
        "service",
        "public_text",
        "public_text_es",
        "email_text",
        "active",
    ]
