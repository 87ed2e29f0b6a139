"""The report flow: the form's answers become a draft, the draft is reviewed, then filed once.

Kept apart from the views so each view stays a few lines: this module turns
form input into draft writes and domain calls, and domain refusals back into
errors next to the fields that caused them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.datastructures import MultiValueDict

from civic311.catalog.models import Service
from civic311.core.errors import ValidationFailed
from civic311.media.processing import ProcessedPhoto
from civic311.media.services import prepare_photos
from civic311.public import services
from civic311.public.forms import ATTRIBUTE_PREFIX, HONEYPOT, MAX_PHOTOS, ReportForm
from civic311.public.models import ReportDraft
from civic311.service_requests.models import ServiceRequest

# Fields whose raw text is kept in the draft (uploads are kept as processed photos instead).
NOT_KEPT = frozenset({"photos", "remove_photos", HONEYPOT})
# Domain error keys that belong to a form field other than the attribute's own.
DOMAIN_FIELD = {"location": "address", "description": "description", "media": "photos"}


@dataclass(frozen=True)
class Details:
    """What became of a details submission: the form to show, and the draft if one exists."""

    form: ReportForm
    draft: ReportDraft | None

    @property
    def ready_for_review(self) -> bool:
        """True when everything checked out and the draft holds the answers."""
        return self.draft is not None and not self.form.errors


def blank_form(service: Service) -> ReportForm:
    """An empty report form for a service."""
    return ReportForm(service=service)


def draft_form(draft: ReportDraft, service: Service) -> ReportForm:
    """The report form filled in with what the draft holds."""
    return ReportForm(
        data=MultiValueDict(draft.answers),
        service=service,
        kept_photos=list(draft.photos.all()),
    )


def take_details(
    *, service: Service, data, files, draft: ReportDraft | None, language: str
) -> Details:
    """Check a details submission; keep it in a draft when it is complete."""
    form = ReportForm(
        data=data,
        files=files,
        service=service,
        kept_photos=list(draft.photos.all()) if draft else [],
    )
    form.is_valid()
    new_photos = _accepted_photos(form)
    removing = [int(pk) for pk in form.cleaned_data.get("remove_photos", [])]
    complete = not form.errors
    if not (complete or new_photos or removing):
        return Details(form=form, draft=draft)
    # Photos that passed are kept even when another answer needs fixing: nothing is lost.
    draft = services.save_draft(
        token=draft.token if draft else None,
        service=service,
        answers=_raw_answers(form, data) if complete else None,
        language=language,
        new_photos=new_photos,
        remove_photo_ids=removing,
    )
    form.kept_photos = list(draft.photos.all())
    return Details(form=form, draft=draft)


def _accepted_photos(form: ReportForm) -> list[tuple[str, ProcessedPhoto]]:
    """The new uploads, cleaned by the media pipeline; a refusal goes next to the photo field."""
    uploads = [] if "photos" in form.errors else form.cleaned_data.get("photos", [])
    if not uploads:
        return []
    try:
        processed = prepare_photos(files=uploads, max_count=MAX_PHOTOS)
    except ValidationFailed as refusal:
        form.add_error("photos", refusal.errors.get("media", refusal.message))
        return []
    return [(upload.name or "", photo) for upload, photo in zip(uploads, processed, strict=True)]


def _raw_answers(form: ReportForm, data) -> dict[str, list[str]]:
    """The form's fields as typed, to fill the form again (edit) or check it again (review)."""
    return {name: data.getlist(name) for name in form.fields if name not in NOT_KEPT}


def file(draft: ReportDraft, form: ReportForm) -> ServiceRequest:
    """File a reviewed draft once; put any domain refusal on the form and raise it."""
    try:
        return services.file_draft(
            token=draft.token,
            location=form.location(),
            description=form.cleaned_data["description"],
            attributes=form.attribute_answers(),
            requester=form.requester(),
            email_updates=form.cleaned_data["email_updates"],
        )
    except ValidationFailed as refusal:
        for key, sentence in refusal.errors.items():
            form.add_error(_field_for(form, key), sentence)
        raise


def _field_for(form: ReportForm, key: str) -> str | None:
    if ATTRIBUTE_PREFIX + key in form.fields:
        return ATTRIBUTE_PREFIX + key
    return DOMAIN_FIELD.get(key)
