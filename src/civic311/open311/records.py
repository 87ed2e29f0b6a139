"""GeoReport records from the selectors' rows, with Chicago's extensions when asked.

The one renderer of request records: the API's list and detail answers and the
open-data export's newline-delimited JSON both call `records`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from civic311.media.models import absolute_media_url
from civic311.open311 import selectors, shapes


def records(rows: list[dict[str, Any]], *, extensions: bool) -> list[dict[str, Any]]:
    """Records for these rows; with extensions, their public notes and photos too (3 queries)."""
    zone = settings.TIME_ZONE
    shaped = [shapes.request(row, zone=zone, media=absolute_media_url) for row in rows]
    if not extensions or not rows:
        return shaped
    ids = [row["id"] for row in rows]
    events = selectors.public_events_by_request(ids)
    photos = selectors.photos_by_request(ids)
    private = selectors.private_attribute_codes()
    for record, row in zip(shaped, rows, strict=True):
        notes = [shapes.note(event, zone=zone) for event in events.get(row["id"], [])]
        record.update(
            shapes.extensions(
                row,
                zone=zone,
                media=absolute_media_url,
                private_codes=private.get(row["service_id"], frozenset()),
                notes=notes,
                photos=photos.get(row["id"], []),
            )
        )
    return shaped
