"""Thin pages behind the email links: GET shows a button, POST does it.

A GET never changes anything, because mail scanners and link previews fetch
links nobody clicked. The unsubscribe POST needs no CSRF token: mail clients
send RFC 8058's one-click `List-Unsubscribe=One-Click` POST without cookies,
and the signed token in the address is the only authority either way.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from civic311.core.errors import NotFound
from civic311.notifications import emails, selectors, services


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Show the confirm button (GET) or confirm the subscription (POST)."""
    if request.method == "GET":
        subscription = selectors.subscription_for_confirmation(token)
        return _page(request, "notifications/confirm.html", subscription, token=token)
    try:
        subscription = services.confirm_subscription(token=token)
    except NotFound as exc:
        return _gone(request, exc.message)
    return _page(request, "notifications/confirmed.html", subscription)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Show the unsubscribe button (GET) or unsubscribe (POST, one-click included)."""
    if request.method == "GET":
        subscription = selectors.subscription_for_unsubscribe(token)
        return _page(request, "notifications/unsubscribe.html", subscription, token=token)
    try:
        subscription = services.unsubscribe(token=token)
    except NotFound as exc:
        return _gone(request, exc.message)
    return _page(request, "notifications/unsubscribed.html", subscription)


def _page(request: HttpRequest, template: str, subscription, **extra) -> HttpResponse:
    if subscription is None:
        return _gone(request, "This link is not valid or has expired.")
    number = subscription.request.tracking_number
    context = {
        "subscription": subscription,
        "number": number,
        "tracker_url": emails.tracker_url(number),
        **extra,
    }
    return render(request, template, context)


def _gone(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "notifications/invalid.html", {"message": message}, status=404)
