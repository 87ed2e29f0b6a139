"""Admin screens for the catalogue: what administrators edit."""

from django.contrib import admin

from civic311.catalog.models import (
    AttributeValue,
    Department,
    RoutingRule,
    Service,
    ServiceAttribute,
)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "public_name", "code", "email", "phone"]
    search_fields = ["name", "public_name", "code"]


class ServiceAttributeInline(admin.TabularInline):
    model = ServiceAttribute
    extra = 0
    fields = ["order", "code", "datatype", "required", "variable", "private", "description"]
    show_change_link = True


class RoutingRuleInline(admin.TabularInline):
    model = RoutingRule
    extra = 0
    autocomplete_fields = ["department"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "service_code", "group", "type", "department", "target_days", "active"]
    list_filter = ["group", "type", "department", "active"]
    search_fields = ["name", "service_code", "keywords"]
    inlines = [ServiceAttributeInline, RoutingRuleInline]


class AttributeValueInline(admin.TabularInline):
    model = AttributeValue
    extra = 0


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(admin.ModelAdmin):
    list_display = ["code", "service", "datatype", "required", "order"]
    list_filter = ["datatype", "required", "service"]
    search_fields = ["code", "description", "service__name"]
    inlines = [AttributeValueInline]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["service", "ward", "department"]
    list_filter = ["department", "service"]
