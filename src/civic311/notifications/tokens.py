"""Signed tokens for the links in emails: confirm a subscription, unsubscribe in one click.

Signed with the site's secret key, so nothing is stored and a token cannot be
forged or pointed at someone else's subscription. Confirmation tokens name
the subscription's generation (its created_at) and expire with it after
CONFIRMATION_DAYS; unsubscribe tokens never expire, as the law and good
manners expect.
"""

from __future__ import annotations

import datetime as dt

from django.core import signing

from civic311.notifications.models import CONFIRMATION_DAYS

_CONFIRM_SALT = "civic311.notifications.confirm"
_UNSUBSCRIBE_SALT = "civic311.notifications.unsubscribe"


def confirmation_token(subscription_id: int, created_at: dt.datetime) -> str:
    """The token in a confirmation link for this (re)subscription."""
    return signing.dumps([subscription_id, _stamp(created_at)], salt=_CONFIRM_SALT)


def read_confirmation_token(token: str) -> tuple[int, int] | None:
    """(subscription id, generation stamp) from a valid, unexpired token; else None."""
    try:
        value = signing.loads(
            token, salt=_CONFIRM_SALT, max_age=dt.timedelta(days=CONFIRMATION_DAYS)
        )
    except signing.BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)):
        return None
    return value[0], value[1]


def unsubscribe_token(subscription_id: int) -> str:
    """The token in every alert's one-click unsubscribe link."""
    return signing.Signer(salt=_UNSUBSCRIBE_SALT).sign(str(subscription_id))


def read_unsubscribe_token(token: str) -> int | None:
    """The subscription id from a valid unsubscribe token, else None."""
    try:
        value = signing.Signer(salt=_UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def generation(created_at: dt.datetime) -> int:
    """The stamp a confirmation token carries for a subscription created at `created_at`."""
    return _stamp(created_at)


def _stamp(moment: dt.datetime) -> int:
    return int(moment.timestamp())
