"""The catalogue in the resident's language: its own words, or a translation the file ships.

The catalogue is written in the city's language (English for Chicago) and
that is what the Open311 API and the back office show. Resident pages and
emails ask here instead, so a Spanish page says "Bache en la calle".
"""

from __future__ import annotations

from django.utils import translation

from civic311.catalog.models import Translated


def localized(row: Translated, field: str) -> str:
    """`row.field` in the active language, falling back to the catalogue's own words."""
    own = str(getattr(row, field))
    language = translation.get_language()
    if not language or not row.translations:
        return own
    for code in (language, language.split("-")[0]):
        words = row.translations.get(code, {}).get(field)
        if words:
            return str(words)
    return own
