"""Template helpers of the maps both sites draw: tile settings, the base map, pin colours."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

from civic311.service_requests import workflow

register = template.Library()

BASEMAP = "civic311/chicago-basemap.geojson"


@register.simple_tag
def map_attrs() -> SafeString:
    """The data attributes citymap.js reads: tile address, its credit and the base map's file."""
    config = settings.CIVIC311
    return format_html(
        'data-tiles="{}" data-attribution="{}" data-basemap="{}"',
        config.map_tiles_url,
        config.effective_map_attribution,
        static(BASEMAP),
    )


@register.filter
def map_group(status: str) -> str:
    """The pin colour group of a detailed status: `{{ sr.status|map_group }}`."""
    return workflow.map_group(status)
