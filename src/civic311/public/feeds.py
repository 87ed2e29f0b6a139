"""An Atom feed of one request's public updates, for feed readers and other sites."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from civic311.catalog.translation import localized
from civic311.core.errors import NotFound
from civic311.public import selectors
from civic311.public.presenters import ribbon
from civic311.service_requests import timeline
from civic311.service_requests.models import RequestEvent
from civic311.service_requests.selectors import resolve_number

FEED_MAX_AGE = 60


@dataclass(frozen=True)
class FeedEntry:
    """One public event and its headline in the feed's language."""

    event: RequestEvent
    headline: str


class RequestUpdatesFeed(Feed):
    """The request's public timeline, newest first, in the page's language."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = f"public, max-age={FEED_MAX_AGE}"
        return response

    def get_object(self, request, number: str):
        canonical = resolve_number(number)
        try:
            return selectors.tracker(canonical or "")
        except NotFound:
            raise Http404("No such request") from None

    def title(self, data) -> str:
        return _("%(service)s %(number)s: updates") % {
            "service": localized(data.request.service, "name"),
            "number": data.request.tracking_number,
        }

    def subtitle(self, data) -> str:
        state, detail = ribbon(data.request)
        return f"{state}: {detail}"

    def link(self, data) -> str:
        return reverse("public:tracker", kwargs={"number": data.request.tracking_number})

    def feed_url(self, data) -> str:
        return reverse("public:feed", kwargs={"number": data.request.tracking_number})

    def items(self, data) -> list[FeedEntry]:
        names = data.department_names
        return [FeedEntry(event, timeline.headline(event, names)) for event in data.events]

    def item_title(self, entry: FeedEntry) -> str:
        return entry.headline

    def item_description(self, entry: FeedEntry) -> str:
        return timeline.public_words(entry.event) or entry.headline

    def item_link(self, entry: FeedEntry) -> str:
        number = entry.event.request.tracking_number
        return reverse("public:tracker", kwargs={"number": number}) + f"#event-{entry.event.pk}"

    def item_pubdate(self, entry: FeedEntry):
        return entry.event.created_at

    def item_updateddate(self, entry: FeedEntry):
        return entry.event.created_at
