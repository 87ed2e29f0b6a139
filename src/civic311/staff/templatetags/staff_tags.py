"""Small display helpers for back-office templates."""

from django import template

from civic311.service_requests import timeline
from civic311.staff import placing
from civic311.staff.selectors import is_overdue

register = template.Library()


@register.filter
def overdue(request) -> bool:
    """True when an open request is past its expected completion."""
    return is_overdue(request)


@register.filter
def status_words(status: str) -> str:
    """A detailed status in the tracker's plain words."""
    return timeline.status_words(status)


@register.filter
def channel_words(channel: str) -> str:
    """How a request arrived, in plain words."""
    return timeline.channel_words(channel)


@register.filter
def get_item(mapping: dict, key: str):
    """mapping[key] in a template (0 when missing)."""
    return mapping.get(key, 0)


@register.filter
def place_choice(place) -> str:
    """What the intake's short-list button posts back for one place."""
    return placing.choice_value(place)


@register.filter
def percent(share: float | None) -> str:
    """A share (0..1) as a percentage with one decimal, or a dash when there is none."""
    return "—" if share is None else f"{share * 100:.1f}%"
