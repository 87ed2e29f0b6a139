"""Template helpers of the resident site: language links and catalogue words.

The map helpers both sites use are in core/templatetags/citymap.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import formats, translation

from civic311.catalog import translation as catalogue
from civic311.catalog.models import Service, Translated
from civic311.public import selectors

register = template.Library()


@dataclass(frozen=True)
class LanguageLink:
    """The same page in one of the site's languages."""

    code: str
    name: str
    url: str
    current: bool


@register.simple_tag(takes_context=True)
def language_links(context) -> list[LanguageLink]:
    """This page in every language the site speaks (the language is part of the address)."""
    request = context.get("request")
    path = request.get_full_path() if request is not None else "/"
    current = translation.get_language()
    return [
        LanguageLink(code=code, name=name, url=translate_url(path, code), current=code == current)
        for code, name in settings.LANGUAGES
    ]


@register.filter
def localized(row: Translated, field: str) -> str:
    """A catalogue row's words in the page's language: `{{ service|localized:"name" }}`."""
    return catalogue.localized(row, field)


@register.filter
def searchable(service: Service) -> str:
    """What the service list's live search matches, in English and the page's language."""
    return selectors.searchable(service)


@register.filter
def days(value: float | None) -> str:
    """A number of days to one decimal in the page's language, or a dash when unknown."""
    return "—" if value is None else formats.number_format(value, 1)


@register.filter
def percent(share: float | None) -> str:
    """A share (0 to 1) as a whole percentage, or a dash when there was nothing to count."""
    return "—" if share is None else f"{round(share * 100)}%"
