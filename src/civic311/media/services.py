"""Writes for photos: validate uploads (no database) and store them on a request.

Validation is separate from saving so callers can refuse a bad photo before
they open a transaction, then save inside the one that files or closes the
request, tied to the event it appends.
"""

from __future__ import annotations

import contextlib
import secrets
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, BinaryIO, cast

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile

from civic311.core import clock
from civic311.core.errors import ValidationFailed
from civic311.media.models import Photo
from civic311.media.processing import MB, ProcessedPhoto, process_photo

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from civic311.service_requests.models import RequestEvent, ServiceRequest


def photo_limits() -> tuple[int, int]:
    """(largest upload in bytes, largest image in pixels) from the CIVIC311_MAX_PHOTO_* settings."""
    config = settings.CIVIC311
    return config.max_photo_mb * MB, config.max_photo_megapixels * 1_000_000


def prepare_photos(
    *, files: Sequence[UploadedFile | BinaryIO], max_count: int | None = None
) -> list[ProcessedPhoto]:
    """Validate and re-encode every upload, refusing the lot if any one is bad; no database."""
    if max_count is not None and len(files) > max_count:
        allowed = "one photo" if max_count == 1 else f"{max_count} photos"
        raise ValidationFailed({"media": f"Attach at most {allowed}; {len(files)} were sent."})
    max_bytes, max_pixels = photo_limits()
    for upload in files:
        _rewind(upload)
    processed = []
    for upload in files:
        with _decoding_turn():
            processed.append(
                process_photo(
                    cast(BinaryIO, upload),  # UploadedFile reads like a binary file
                    filename=getattr(upload, "name", "") or "",
                    max_bytes=max_bytes,
                    max_pixels=max_pixels,
                )
            )
    return processed


_turns_lock = threading.Lock()
_turns: dict[int, threading.BoundedSemaphore] = {}


def _decoding_turn() -> threading.BoundedSemaphore:
    """This process's semaphore of CIVIC311_PHOTOS_AT_ONCE decoding turns (one per size)."""
    size = settings.CIVIC311.photos_at_once
    with _turns_lock:
        return _turns.setdefault(size, threading.BoundedSemaphore(size))


def _rewind(upload: UploadedFile | BinaryIO) -> None:
    """Start from the first byte even if a form already peeked at the upload."""
    # A pipe cannot seek; it is read from where it stands.
    with contextlib.suppress(AttributeError, OSError):
        upload.seek(0)


def save_photos(
    *,
    request: ServiceRequest,
    photos: Sequence[ProcessedPhoto],
    kind: str,
    actor: User | None = None,
    event: RequestEvent | None = None,
) -> list[Photo]:
    """Store processed photos and their rows on a request; run inside the caller's transaction."""
    if kind not in Photo.Kind.values:
        raise ValueError(f"unknown photo kind {kind!r}")
    now = event.created_at if event is not None else clock.now()
    saved = []
    for photo in photos:
        stem = f"photos/{request.tracking_number}/{secrets.token_hex(16)}"
        saved.append(
            Photo.objects.create(
                request=request,
                event=event,
                kind=kind,
                image=default_storage.save(f"{stem}.jpg", ContentFile(photo.image)),
                thumbnail=default_storage.save(f"{stem}_thumb.jpg", ContentFile(photo.thumbnail)),
                width=photo.width,
                height=photo.height,
                uploaded_by=actor,
                created_at=now,
            )
        )
    return saved
