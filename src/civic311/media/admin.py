"""Photos in the admin: read-only, and shown inline on each request's admin page."""

from django.contrib import admin
from django.utils.html import format_html

from civic311.media.models import Photo
from civic311.service_requests.admin import ServiceRequestAdmin


def _preview(photo: Photo) -> str:
    return format_html(
        '<a href="{}"><img src="{}" alt="photo" style="max-height:120px"></a>',
        photo.url,
        photo.thumbnail_url,
    )


class PhotoInline(admin.TabularInline):
    model = Photo
    fk_name = "request"
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "preview",
        "kind",
        "event",
        "width",
        "height",
        "uploaded_by",
        "created_at",
    )

    @admin.display(description="photo")
    def preview(self, photo: Photo) -> str:
        return _preview(photo)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


# service_requests' admin is loaded first (INSTALLED_APPS order); adding the inline from here
# keeps that package free of any import of media.
ServiceRequestAdmin.inlines = [*ServiceRequestAdmin.inlines, PhotoInline]


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["image", "request", "kind", "width", "height", "created_at"]
    list_filter = ["kind"]
    search_fields = ["request__tracking_number"]
    list_select_related = ["request"]
    readonly_fields = ["preview"]

    @admin.display(description="photo")
    def preview(self, photo: Photo) -> str:
        return _preview(photo)

    def get_readonly_fields(self, request, obj=None):
        return ["preview", *(f.name for f in self.model._meta.fields)]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
