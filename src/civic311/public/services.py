"""Writes of the resident site: keep a report draft, and file it exactly once.

Each public function is one transaction. `file_draft` holds the draft's row
lock (PostgreSQL) or SQLite's IMMEDIATE write lock while it files, so a
second click waits, then finds the draft already filed and gets the same
request back instead of filing a second one.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence

from django.db import transaction

from civic311.catalog.models import Service
from civic311.core import clock
from civic311.core.errors import NotFound
from civic311.media.processing import ProcessedPhoto
from civic311.public.models import DraftPhoto, ReportDraft
from civic311.service_requests.models import Channel, ServiceRequest
from civic311.service_requests.services import Location, Requester, submit_request

# Drafts nobody came back to are forgotten after this long (they may hold contact details).
DRAFT_LIFETIME = dt.timedelta(days=2)


def save_draft(
    *,
    token: str | None,
    service: Service,
    answers: Mapping[str, Sequence[str]] | None = None,
    language: str = "",
    new_photos: Sequence[tuple[str, ProcessedPhoto]] = (),
    remove_photo_ids: Sequence[int] = (),
) -> ReportDraft:
    """Create a draft (no token) or update an open one: answers, photos added and removed."""
    now = clock.now()
    with transaction.atomic():
        if token is None:
            _forget_abandoned_drafts(now)
            draft = ReportDraft(token=secrets.token_urlsafe(32), created_at=now, service=service)
        else:
            draft = _open_draft(token)
        if answers is not None:
            draft.answers = {name: list(values) for name, values in answers.items()}
        draft.language = language or draft.language
        draft.updated_at = now
        draft.save()
        draft.photos.filter(pk__in=list(remove_photo_ids)).delete()
        for filename, photo in new_photos:
            DraftPhoto.objects.create(
                draft=draft,
                filename=filename[:100],
                image=photo.image,
                thumbnail=photo.thumbnail,
                width=photo.width,
                height=photo.height,
            )
    return draft


def file_draft(
    *,
    token: str,
    location: Location,
    description: str,
    attributes: Mapping[str, Sequence[str]],
    requester: Requester,
    email_updates: bool,
) -> ServiceRequest:
    """File the draft as a web request, or return the request it already became.

    With `email_updates` the resident follows it by email (a receipt first), in the language
    of the page they filed from.
    """
    with transaction.atomic():
        draft = _locked_draft(token)
        if draft.is_filed:
            return ServiceRequest.objects.get(pk=draft.request_id)
        photos = [_processed(photo) for photo in draft.photos.all()]
        request = submit_request(
            service=draft.service,
            channel=Channel.WEB,
            location=location,
            description=description,
            attributes=attributes,
            requester=requester,
            photos=photos,
            email_updates=email_updates,
        )
        # The request now holds what the resident typed; the draft keeps only the link.
        draft.request = request
        draft.answers = {}
        draft.updated_at = clock.now()
        draft.save()
        draft.photos.all().delete()
    return request


def _processed(photo: DraftPhoto) -> ProcessedPhoto:
    return ProcessedPhoto(
        image=bytes(photo.image),
        thumbnail=bytes(photo.thumbnail),
        width=photo.width,
        height=photo.height,
    )


def _open_draft(token: str) -> ReportDraft:
    try:
        return ReportDraft.objects.select_for_update().get(token=token, request__isnull=True)
    except ReportDraft.DoesNotExist:
        raise NotFound("This report was already sent or has expired.") from None


def _locked_draft(token: str) -> ReportDraft:
    try:
        return ReportDraft.objects.select_for_update().get(token=token)
    except ReportDraft.DoesNotExist:
        raise NotFound("This report has expired; please start again.") from None


def _forget_abandoned_drafts(now: dt.datetime) -> None:
    ReportDraft.objects.filter(updated_at__lt=now - DRAFT_LIFETIME).delete()
