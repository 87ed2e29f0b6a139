"""What residents read (receipt, confirmation, updates) and supervisors' overdue reminders.

Emails are rendered when they are queued (inside the change's transaction),
so the outbox row holds exactly what will be sent and a retry sends the same
words. Only public events are ever passed in; links are absolute, from
site.base_url(); every subject carries the tracking number.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from civic311.catalog.models import Department
from civic311.catalog.selectors import department_names
from civic311.catalog.translation import localized
from civic311.core import site
from civic311.media.models import Photo as StoredPhoto
from civic311.notifications import tokens
from civic311.notifications.models import CONFIRMATION_DAYS, Subscription
from civic311.service_requests import progress, timeline, workflow
from civic311.service_requests.models import RequestEvent, ServiceRequest
from civic311.service_requests.selectors import public_events
from civic311.stats import selectors as stats_selectors
from civic311.status_checks import channels as check_channels

Event = RequestEvent.Type
# Stands in for a follower's unsubscribe link in an email rendered once for all followers.
_PLACEHOLDER = "https://civic311.invalid/unsubscribe-placeholder"

# Public events that deserve an email; the rest (submission, routing, merges into this
# request, assignment) are noise for someone following one problem.
ALERT_TYPES = frozenset(
    {
        Event.STATUS_CHANGED,
        Event.CLOSED,
        Event.TRANSFERRED,
        Event.DUPLICATE_MARKED,
        Event.REOPENED,
        Event.NOTE,
    }
)


@dataclass(frozen=True)
class Email:
    """A rendered email: subject, plain text, HTML and the extra headers."""

    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Photo:
    """A crew photo shown in a completion email."""

    url: str
    thumbnail_url: str


@dataclass(frozen=True)
class Change:
    """One public event, in the words the update email uses."""

    headline: str
    lines: tuple[str, ...] = ()
    note: str = ""
    note_label: str = ""  # describe() always names it, in the email's language
    link: str = ""
    photos: tuple[Photo, ...] = ()


def tracker_url(number: str) -> str:
    """The absolute address of a request's tracker page, in the active language (/es/…)."""
    return site.base_url() + reverse("public:tracker", kwargs={"number": number})


def tracker_link(number: str) -> str:
    """The tracker address as emails write it: marked, so the visit counts as from an email."""
    return check_channels.with_email_marker(tracker_url(number))


def language_of(subscription: Subscription | None) -> str:
    """The language a follower's emails are written in (the site's default when unknown)."""
    chosen = subscription.language if subscription is not None else ""
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def unsubscribe_url(subscription_id: int) -> str:
    """The absolute one-click unsubscribe address for a subscription."""
    token = tokens.unsubscribe_token(subscription_id)
    return site.base_url() + reverse("notifications:unsubscribe", args=[token])


def confirmation_url(subscription: Subscription) -> str:
    """The absolute address that confirms a pending subscription."""
    token = tokens.confirmation_token(subscription.pk, subscription.created_at)
    return site.base_url() + reverse("notifications:confirm", args=[token])


def receipt(
    request: ServiceRequest,
    subscription: Subscription,
    *,
    first_name: str = "",
    added: bool = False,
) -> Email:
    """A reporter's receipt: tracking number, what happens next, the tracker link.

    Unless the subscription is already confirmed, it carries the link that starts the updates.
    `added` when their report was added to a request the city already had.
    """
    with translation.override(language_of(subscription)):
        context = _context(request, subscription)
        context["first_name"] = first_name
        context["expected"] = request.expected_datetime
        context["expected_note"] = stats_selectors.expected_note(request)
        context["added"] = added
        context["report_count"] = request.report_count
        # An address nobody has confirmed gets the link to start the updates (ADR 0015).
        context["confirm_url"] = "" if subscription.is_active else confirmation_url(subscription)
        context["days"] = CONFIRMATION_DAYS
        words = {"number": request.tracking_number, "service": localized(request.service, "name")}
        if added:
            subject = _("Added: %(number)s %(service)s") % words
        else:
            subject = _("Received: %(number)s %(service)s") % words
        return _render("receipt", subject, context)


def confirmation(request: ServiceRequest, subscription: Subscription) -> Email:
    """The double opt-in email with the confirmation link."""
    with translation.override(language_of(subscription)):
        context = _context(request, subscription)
        context["confirm_url"] = confirmation_url(subscription)
        context["days"] = CONFIRMATION_DAYS
        subject = _("Confirm email alerts for %(number)s") % {"number": request.tracking_number}
        return _render("confirmation", subject, context)


def update_for_followers(
    request: ServiceRequest, events: Sequence[RequestEvent], *, language: str = ""
) -> Email:
    """The email announcing one or more public changes, oldest first, for every follower.

    Rendered once per language with a placeholder link; `personalise` gives each follower
    their own.
    """
    with translation.override(language or settings.LANGUAGE_CODE):
        names = department_names()
        changes = [describe(request, event, names) for event in events]
        context = _context(request, None)
        context["changes"] = changes
        history = public_events(request).values_list("status_after", flat=True)
        context["progress"] = progress.summary(progress.of_request(request, history))
        subject = update_subject(request, events[-1], key_event(events), names)
        if len(events) > 1:
            subject += " " + _("(%(count)s updates)") % {"count": len(events)}
        return _render("update", subject, context)


def personalise(email: Email, subscription: Subscription) -> Email:
    """`email` with this follower's own unsubscribe link in place of the placeholder."""
    url = unsubscribe_url(subscription.pk)  # signed-token characters need no HTML escaping
    return Email(
        subject=email.subject,
        text=email.text.replace(_PLACEHOLDER, url),
        html=email.html.replace(_PLACEHOLDER, url),
        headers={name: value.replace(_PLACEHOLDER, url) for name, value in email.headers.items()},
    )


def key_event(events: Sequence[RequestEvent]) -> RequestEvent:
    """The event that names a folded email: the last closing one, else the last one."""
    closing = [e for e in events if e.type in {Event.CLOSED, Event.DUPLICATE_MARKED}]
    return closing[-1] if closing else events[-1]


def update_subject(
    request: ServiceRequest,
    last: RequestEvent,
    key: RequestEvent,
    names: Mapping[str, str],
) -> str:
    """The subject of an update email, led by its most important change.

    `names` maps stored department names to the email's language.
    """
    words = {
        "number": request.tracking_number,
        "service": localized(request.service, "name"),
        "to": key.to_value,
    }
    match key.type:
        case Event.CLOSED if key.to_value == workflow.Status.FIXED:
            return _("Completed: %(number)s %(service)s") % words
        case Event.CLOSED:
            words["status"] = timeline.status_words(key.to_value)
            return _("Closed: %(number)s (%(status)s)") % words
        case Event.DUPLICATE_MARKED:
            return _("%(number)s is a duplicate of %(to)s") % words
        case Event.REOPENED:
            return _("Reopened: %(number)s %(service)s") % words
        case Event.TRANSFERRED:
            words["to"] = timeline.department_words(key.to_value, names)
            return _("%(number)s was transferred to %(to)s") % words
        case Event.STATUS_CHANGED:
            words["status"] = timeline.status_words(key.to_value)
            return _("%(number)s is now %(status)s") % words
    return _("Update on %(number)s %(service)s") % words


def describe(request: ServiceRequest, event: RequestEvent, names: Mapping[str, str]) -> Change:
    """One public event as a Change: plain headline, the detail lines, the public note.

    `names` maps stored department names to the email's language.
    """
    headline = timeline.headline(event, names)
    note = timeline.public_words(event)
    if note == event.description and event.details.get("email_text"):
        # A response template's own (English) words for the email replace the public note.
        note = event.details["email_text"]
    note = note.strip()
    words = {
        "to": event.to_value,
        "from": event.from_value,
        "number": request.tracking_number,
    }
    match event.type:
        case Event.CLOSED if event.to_value == workflow.Status.FIXED:
            photos = crew_photos(request, event)
            return Change(_("Completed"), (headline,), note, _("Closing note"), photos=photos)
        case Event.TRANSFERRED:
            words["to"] = timeline.department_words(event.to_value, names)
            words["from"] = timeline.department_words(event.from_value, names)
            lines: tuple[str, ...] = (
                _("%(to)s has it now (it was with %(from)s).") % words,
                _("Your tracking number stays %(number)s.") % words,
            )
            return Change(headline, lines, note, note_label=_("Why"))
        case Event.DUPLICATE_MARKED:
            lines = (
                _(
                    "Another report of the same problem is being handled under %(to)s. "
                    "You now follow %(to)s and get its updates instead."
                )
                % words,
            )
            return Change(
                headline, lines, note, _("From the city"), link=tracker_link(event.to_value)
            )
        case Event.REOPENED:
            return Change(headline, (), note, note_label=_("Why"))
        case Event.NOTE if event.details.get("via"):  # a resident's comment through an app
            return Change(headline, (), note, note_label=_("Comment"))
    return Change(headline, (), note, _("From the city"))


def crew_photos(request: ServiceRequest, event: RequestEvent) -> tuple[Photo, ...]:
    """The crew's 'after' photos of a completion: those sent with it, else the latest ones."""
    crew = StoredPhoto.objects.filter(request=request, kind="crew")
    chosen = list(crew.filter(event=event)) or list(crew.order_by("-created_at", "-id")[:1])
    return tuple(Photo(url=p.url, thumbnail_url=p.thumbnail_url) for p in chosen)


@dataclass(frozen=True)
class OverdueLine:
    """One overdue request as a supervisor's reminder lists it."""

    number: str
    service: str
    address: str
    ward: int | None
    filed: dt.datetime
    days_overdue: int
    url: str


def overdue_reminder(
    department: Department, overdue: Sequence[ServiceRequest], *, total: int, now: dt.datetime
) -> Email:
    """A supervisor's daily list of the department's overdue requests, oldest first.

    In the site's language, as the back office is; `overdue` may be the first of `total`.
    """
    with translation.override(settings.LANGUAGE_CODE):
        queue_url = site.base_url() + reverse(
            "staff:department-queue", kwargs={"code": department.code}
        )
        lines = [
            OverdueLine(
                number=request.tracking_number,
                service=request.service.name,
                address=request.address,
                ward=request.ward_id,
                filed=request.requested_datetime,
                days_overdue=max((now - request.expected_datetime).days, 0),
                url=site.base_url()
                + reverse("staff:request", kwargs={"number": request.tracking_number}),
            )
            for request in overdue
            if request.expected_datetime is not None
        ]
        context = {
            "department": department.name,
            "lines": lines,
            "total": total,
            "more": total - len(lines),
            "queue_url": f"{queue_url}?overdue=on&sort=oldest",
        }
        plural = "" if total == 1 else "s"
        subject = f"{total} overdue request{plural} in {department.name}"
        return _render("overdue", subject, context, to_follower=False)


def _context(request: ServiceRequest, subscription: Subscription | None) -> dict:
    return {
        "number": request.tracking_number,
        "service": localized(request.service, "name"),
        "address": request.address,
        "department": localized(request.department, "public_name"),
        "tracker_url": tracker_link(request.tracking_number),
        "unsubscribe_url": _PLACEHOLDER
        if subscription is None
        else unsubscribe_url(subscription.pk),
        "base_url": site.base_url(),
    }


def _render(name: str, subject: str, context: dict, *, to_follower: bool = True) -> Email:
    """Both parts of an email; a follower's carries the one-click unsubscribe headers."""
    context = {**context, "subject": subject}
    text = render_to_string(f"notifications/email/{name}.txt", context)
    html = render_to_string(f"notifications/email/{name}.html", context)
    headers = {"Auto-Submitted": "auto-generated"}
    if to_follower:
        headers = {
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            **headers,
        }
    return Email(subject=subject[:300], text=_tidy(text), html=html.strip(), headers=headers)


def _tidy(text: str) -> str:
    # Template tags leave blank lines and trailing spaces; a short email should not.
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"
