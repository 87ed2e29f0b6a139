"""An Atom feed of one request's public updates, for feed readers and other sites."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from civic311.core import clock
from civic311.core.errors import NotFound
from civic311.public import selectors
from civic311.public.presenters import ribbon
from civic311.service_requests import timeline
from civic311.service_requests.models import RequestEvent

FEED_MAX_AGE = 60


class RequestUpdatesFeed(Feed):
    """The request's public timeline, newest first, in the page's language."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = f"public, max-age={FEED_MAX_AGE}"
        return response

    def get_object(self, request, number: str):
        canonical = selectors.canonical_number(number, current_year=clock.now().year)
        try:
            return selectors.tracker(canonical or "")
        except NotFound:
            raise Http404("No such request") from None

    def title(self, data) -> str:
        return _("%(service)s %(number)s: updates") % {
            "service": data.request.service.name,
            "number": data.request.tracking_number,
        }

    def subtitle(self, data) -> str:
        state, detail = ribbon(data.request)
        return f"{state}: {detail}"

    def link(self, data) -> str:
        return reverse("public:tracker", kwargs={"number": data.request.tracking_number})

    def feed_url(self, data) -> str:
        return reverse("public:feed", kwargs={"number": data.request.tracking_number})

    def language(self, data) -> str:
        return translation.get_language()

    def items(self, data) -> list[RequestEvent]:
        return data.events

    def item_title(self, event: RequestEvent) -> str:
        return timeline.headline(event)

    def item_description(self, event: RequestEvent) -> str:
        return event.description or timeline.headline(event)

    def item_link(self, event: RequestEvent) -> str:
        number = event.request.tracking_number
        return reverse("public:tracker", kwargs={"number": number}) + f"#event-{event.pk}"

    def item_pubdate(self, event: RequestEvent):
        return event.created_at

    def item_updateddate(self, event: RequestEvent):
        return event.created_at
