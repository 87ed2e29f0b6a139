"""Staff logins: lock out guessed passwords (django-axes), log every login and failure.

Both doors staff use, `/staff/login/` and `/admin/login/`, authenticate through Django's
AuthenticationForm, so one backend and Django's two auth signals cover them both; the
policy itself (limit, cool-off, per user and per address) is in settings.py and
docs/adr/0016-staff-login-lockout-and-strict-headers.md.
"""

from __future__ import annotations

import ipaddress
import logging
from datetime import datetime

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models import Max, Q
from django.dispatch import receiver
from django.http import HttpRequest

from civic311.open311.http import client_address

log = logging.getLogger("civic311.logins")


class LockoutBackend(AxesStandaloneBackend):
    """Refuses every login of a locked-out user name or address; checks nothing else."""

    def authenticate(self, request: HttpRequest | None, *args, **kwargs):  # type: ignore[override]
        """Stop here while locked out; a login with no request (code, tests) is not a guess."""
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def login_address(request: HttpRequest) -> str | None:
    """The address axes counts failures for: the API's client address, or None if not an IP."""
    address = client_address(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        # A request built in code has no REMOTE_ADDR; PostgreSQL's inet column refuses "unknown".
        return None


def lockout_ends(request: HttpRequest, username: str | None) -> datetime | None:
    """When this user name and this address may both try again, or None if not locked."""
    cool_off = get_cool_off(request)
    if cool_off is None:
        return None
    address = login_address(request)
    matching = Q(ip_address=address) if address else Q(pk__in=[])
    if username:
        matching |= Q(username=username)
    latest = AccessAttempt.objects.filter(matching).aggregate(latest=Max("attempt_time"))
    return latest["latest"] + cool_off if latest["latest"] else None


@receiver(user_logged_in, dispatch_uid="civic311-log-login")
def _log_login(sender, request: HttpRequest | None, user, **kwargs) -> None:
    if request is not None:
        address = client_address(request)
        log.info("staff login: %s from %s at %s", user.get_username(), address, request.path)


@receiver(user_login_failed, dispatch_uid="civic311-log-login-failure")
def _log_failure(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    if request is None:
        return
    locked = getattr(request, "axes_locked_out", False)
    log.warning(
        "staff login %s: %s from %s at %s",
        "refused (locked out)" if locked else "failed",
        credentials.get("username", "?"),
        client_address(request),
        request.path,
    )
