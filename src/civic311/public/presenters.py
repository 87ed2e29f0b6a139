"""What the resident pages show, in plain translated words, built from domain objects.

Pure: no queries (everything needed was read by the selectors), so the
tracker's query count does not depend on what is on the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from civic311.catalog.translation import localized
from civic311.core import clock
from civic311.notifications.services import SUBSCRIBE_AFTER_CLOSING
from civic311.public.selectors import TrackerData
from civic311.service_requests import progress, timeline, workflow
from civic311.service_requests.models import RequestEvent, ServiceRequest
from civic311.stats import selectors as stats_selectors


@dataclass(frozen=True)
class TimelineItem:
    """One public event on the tracker: its anchor, when, and what happened in plain words."""

    id: int
    when: object
    headline: str
    detail: str
    type: str


def ribbon(request: ServiceRequest) -> tuple[str, str]:
    """("Open" or "Closed", the detailed status in words) for the status ribbon."""
    state = _("Open") if request.is_open else _("Closed")
    return state, timeline.status_words(request.status)


def markers(requests: list[ServiceRequest]) -> list[dict]:
    """Map markers of the requests that have a point: where, what, and the tracker's address."""
    return [
        {
            "lat": sr.lat,
            "long": sr.long,
            "title": f"{localized(sr.service, 'name')} {sr.tracking_number}",
            "status": str(sr.get_status_display()),
            "group": workflow.map_group(sr.status),
            "url": reverse("public:tracker", kwargs={"number": sr.tracking_number}),
        }
        for sr in requests
        if sr.lat is not None and sr.long is not None
    ]


def query_without(params: QueryDict, name: str) -> str:
    """The query string of `params` without `name`, for paging links that keep the filters."""
    kept = params.copy()
    kept.pop(name, None)
    return kept.urlencode()


def timeline_item(event: RequestEvent, department_names: dict[str, str]) -> TimelineItem:
    """The shared plain-words projection of an event, with the event's id for anchors."""
    words = timeline.entry(event, department_names)
    return TimelineItem(
        id=event.pk, when=words.when, headline=words.headline, detail=words.detail, type=words.type
    )


def tracker_context(data: TrackerData) -> dict:
    """Template context of the tracker page."""
    request = data.request
    state, detail = ribbon(request)
    parent = request.duplicate_of
    bar = progress.of_request(request, (event.status_after for event in data.events))
    return {
        "sr": request,
        "ribbon_state": state,
        "ribbon_detail": detail,
        "received_via": timeline.channel_words(request.channel),
        "progress": bar,
        "progress_summary": progress.summary(bar),
        "entries": [timeline_item(event, data.department_names) for event in data.events],
        "photos": data.photos,
        "parent": parent if parent is not None and not parent.is_test else None,
        "ward": request.ward,
        "takes_followers": takes_followers(request),
        "expected_note": stats_selectors.expected_note(request),
    }


def takes_followers(request: ServiceRequest) -> bool:
    """False once a request has been closed too long to take new email alerts."""
    closed = request.closed_datetime
    return closed is None or clock.now() - closed <= SUBSCRIBE_AFTER_CLOSING
