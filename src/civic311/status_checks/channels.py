"""Pure rules of the status-check count: the channels, who is a bot, and the shares.

No database and no request here: the views pass what they read off the request (a
User-Agent, a query marker), the services count, and the selectors add up with these
functions. See docs/status-checks.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

WEB = "web"  # a resident opening a tracker page
EMAIL = "email"  # a tracker page opened from a link in one of our emails
API = "api"  # GeoReport: GET requests/{id}.{fmt} or tokens/{token}.{fmt}
PHONE = "phone"  # a call-centre operator's lookup
WARD_OFFICE = "ward_office"  # a ward office's lookup

ALL = (WEB, EMAIL, API, PHONE, WARD_OFFICE)
LABELS = {
    WEB: "Tracker page",
    EMAIL: "Email link",
    API: "API lookup",
    PHONE: "Call centre",
    WARD_OFFICE: "Ward office",
}
# The checks that took a phone call; every other channel answered without one.
BY_PHONE = frozenset({PHONE})

# The query parameter our emails add to tracker links: `?from=email`.
MARKER_PARAMETER = "from"
EMAIL_MARKER = "email"

# Self-declared robots, link previewers and uptime monitors: never a person checking.
_CRAWLERS = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|"
    r"headlesschrome|lighthouse|pingdom|uptime|monitor|scanner",
    re.IGNORECASE,
)
# Scripts: a person does not read a tracker page through these, but API clients are
# often scripts, so they count on the API and not on the page.
_SCRIPTS = re.compile(
    r"^(curl|wget|python-requests|python-urllib|python-httpx|httpie|go-http-client|"
    r"java|okhttp|libwww-perl|aiohttp|node-fetch|axios)\b",
    re.IGNORECASE,
)


def is_bot(user_agent: str, *, page: bool) -> bool:
    """True when a visit is an obvious robot's and must not be counted.

    Everywhere: a self-declared crawler, link previewer or monitor. On pages (`page=True`)
    also an empty User-Agent and command-line or library HTTP clients; the API keeps them,
    since apps and scripts are exactly who calls it.
    """
    agent = user_agent.strip()
    if _CRAWLERS.search(agent):
        return True
    return page and (not agent or bool(_SCRIPTS.match(agent)))


def tracker_channel(marker: str) -> str:
    """The channel of a tracker-page view: `email` when it came from an email link."""
    return EMAIL if marker == EMAIL_MARKER else WEB


def with_email_marker(url: str) -> str:
    """A tracker address as our emails write it, so the visit it brings counts as `email`."""
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}{MARKER_PARAMETER}={EMAIL_MARKER}"


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week `day` falls in."""
    return day - dt.timedelta(days=day.weekday())


def previous_month(today: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the calendar month before the one `today` is in."""
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


def without_phone(counts: Mapping[str, int]) -> int:
    """How many of these checks were answered without a phone call."""
    return sum(n for channel, n in counts.items() if channel not in BY_PHONE)


def share_without_phone(counts: Mapping[str, int]) -> float | None:
    """Share (0..1) of checks answered without a phone call; None when there were none."""
    total = sum(counts.values())
    return without_phone(counts) / total if total else None
