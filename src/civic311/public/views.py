"""Resident pages: home, track, the tracker page, and the report-a-problem flow.

Pages anyone may see (home, the service list, the tracker) carry no cookie,
no CSRF token and no per-person content, so a CDN may cache them for a
minute (docs/adr/0009). Pages of a report in progress are private to the
browser that started it: their draft tokens live in its session.
"""

from __future__ import annotations

import csv

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from civic311.catalog.models import Service
from civic311.core import clock
from civic311.core.errors import NotFound, ValidationFailed
from civic311.notifications import selectors as alerts_selectors
from civic311.notifications import services as alerts
from civic311.public import limits, performance, presenters, reporting, selectors
from civic311.public import places as place_search
from civic311.public.forms import (
    NearForm,
    PerformanceFilterForm,
    PlaceQueryForm,
    RecentFilterForm,
    SubscribeForm,
    TrackForm,
    caught_in_honeypot,
)
from civic311.service_requests.selectors import (
    get_by_tracking_number,
    resolve_number,
)
from civic311.stats import selectors as stats_selectors
from civic311.status_checks import channels as check_channels
from civic311.status_checks import selectors as status_check_selectors
from civic311.status_checks import services as status_checks

PUBLIC_MAX_AGE = 60
DRAFTS_KEY = "public.report_drafts"
DRAFTS_REMEMBERED = 10


def _cacheable(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


def _not_found(request: HttpRequest, *, typed: str, number: str | None, status: int):
    form = TrackForm(initial={"number": typed})
    context = {"form": form, "typed": typed, "number": number}
    response = render(request, "public/not_found.html", context, status=status)
    add_never_cache_headers(response)
    return response


# --- home and tracking ----------------------------------------------------------


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Track box, report entry, and recent requests filterable by service, status, ward, place."""
    services, wards = selectors.filter_choices()
    filters = RecentFilterForm(request.GET or None, services=services, wards=wards)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    near_form = NearForm(request.GET or None)
    near = near_form.place()
    recent = selectors.recent_requests(
        service_code=chosen.get("service") or "",
        status=chosen.get("status") or "",
        ward=chosen.get("ward"),
        page=chosen.get("page") or 1,
        near=(near.lat, near.long) if near else None,
    )
    context = {
        "track_form": TrackForm(),
        "filters": filters,
        "near_form": near_form,
        "near": near,
        "near_label": place_search.label(near) if near else "",
        "recent": recent,
        "markers": presenters.markers(recent.requests),
        "query_without_page": presenters.query_without(request.GET, "page"),
    }
    return _cacheable(render(request, "public/home.html", context))


@require_safe
def places(request: HttpRequest) -> HttpResponse:
    """The address search's JSON: `?q=` → up to five places; `?lat=&long=` → the point's place.

    No session and no cookie, so a CDN may cache the answers like the public pages.
    """
    query = PlaceQueryForm(request.GET)
    if not query.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in query.errors.items()}
        first = next(iter(errors.values()))[0]
        return JsonResponse({"error": first, "errors": errors}, status=400)
    data = query.cleaned_data
    if data["q"].strip():
        answer = place_search.search(data["q"].strip())
    else:
        answer = place_search.at_point(data["lat"], data["long"])
    response = JsonResponse(answer, json_dumps_params={"ensure_ascii": False})
    return _cacheable(response)


@require_safe
def track(request: HttpRequest) -> HttpResponse:
    """Find a request by whatever the resident typed, or say helpfully why not."""
    typed = request.GET.get("number", "").strip()
    number = resolve_number(typed)
    if number is None:
        return _not_found(request, typed=typed, number=None, status=400)
    try:
        found = get_by_tracking_number(number)
    except NotFound:
        return _not_found(request, typed=typed, number=number, status=404)
    response = redirect("public:tracker", number=found.tracking_number)
    add_never_cache_headers(response)
    return response


@require_safe
def tracker(request: HttpRequest, number: str) -> HttpResponse:
    """The request page: status ribbon, progress, details, photos, timeline, alerts."""
    canonical = resolve_number(number)
    if canonical is None:
        return _not_found(request, typed=number, number=None, status=404)
    if canonical != number:
        return _cacheable(redirect("public:tracker", number=canonical))
    try:
        data = selectors.tracker(canonical)
    except NotFound:
        return _not_found(request, typed=number, number=canonical, status=404)
    context = presenters.tracker_context(data)
    response = _cacheable(render(request, "public/tracker.html", context))
    _count_status_check(request)
    return response


def _count_status_check(request: HttpRequest) -> None:
    """Count this tracker view as a status check: in memory only, written in the background.

    Not counted: HEAD requests and obvious robots. The session is not opened here (that
    would add `Vary: Cookie` and a database read): the cookie goes with the count, and a
    signed-in (staff) viewer's check is dropped when the count is written.
    """
    if request.method != "GET":
        return
    if check_channels.is_bot(request.headers.get("User-Agent", ""), page=True):
        return
    marker = request.GET.get(check_channels.MARKER_PARAMETER, "")
    status_checks.note_check(
        channel=check_channels.tracker_channel(marker),
        session_key=request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""),
    )


@csrf_exempt  # safe without a token: double opt-in (docs/adr/0009)
@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest, number: str) -> HttpResponse:
    """Stay up to date: ask for email alerts on a request; the emailed link starts them.

    At most so many asks an hour from one IP address and so many confirmation emails a day to
    one address (public.limits); over a limit the box says when to try again, with a 429.
    """
    try:
        followed = get_by_tracking_number(number)
    except NotFound:
        return _not_found(request, typed=number, number=number, status=404)
    if request.method == "POST" and caught_in_honeypot(request.POST):
        return _refused_as_bot(request, back=_tracker_url(followed))
    form = SubscribeForm(request.POST or None)
    subscription = refusal = None
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        refusal = limits.check_subscription(request, email=email)
        if refusal is None:
            try:
                subscription = alerts.subscribe(
                    request=followed, email=email, source="tracker", language=request.LANGUAGE_CODE
                )
            except ValidationFailed as problem:
                form.add_error("email", problem.errors.get("email", problem.message))
    fragment = request.headers.get("HX-Request") == "true"
    template = "public/_subscribe_box.html" if fragment else "public/subscribe.html"
    context = {"sr": followed, "form": form, "subscription": subscription, "refusal": refusal}
    response = _limited(render(request, template, context), refusal)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _limited(response: HttpResponse, refusal: limits.Refusal | None) -> HttpResponse:
    """The page as a 429 with Retry-After when a limit refused what it was asked to do."""
    if refusal is not None:
        response.status_code = 429
        response["Retry-After"] = str(refusal.wait_seconds)
    return response


def _refused_as_bot(request: HttpRequest, *, back: str) -> HttpResponse:
    """The answer to a form whose honeypot was filled: nothing stored, nothing sent.

    A plain refusal rather than a pretend success: whoever filled the hidden field may be a
    resident whose browser or assistive software filled it, and a fake "received" page would
    leave them believing the city has their report. A bot learns nothing useful either way.
    """
    return render(request, "public/refused.html", {"back_url": back}, status=400)


def _tracker_url(followed) -> str:
    return reverse("public:tracker", kwargs={"number": followed.tracking_number})


# --- report a problem ------------------------------------------------------------


def _owned_drafts(request: HttpRequest) -> list[str]:
    return list(request.session.get(DRAFTS_KEY, []))


def _remember_draft(request: HttpRequest, token: str) -> None:
    kept = [t for t in _owned_drafts(request) if t != token][-(DRAFTS_REMEMBERED - 1) :]
    request.session[DRAFTS_KEY] = [*kept, token]


def _open_draft(request: HttpRequest, token: str | None, service):
    """The browser's own unfiled draft of this service for `token`, or None."""
    if not token:
        return None
    try:
        draft = selectors.draft_for(token, owned=_owned_drafts(request))
    except NotFound:
        return None
    return None if draft.is_filed or draft.service_id != service.pk else draft


@require_safe
def report_choose(request: HttpRequest) -> HttpResponse:
    """Step 1: what is the problem? Services grouped, with descriptions, searchable."""
    query = request.GET.get("q", "").strip()[:100]
    context = {"groups": selectors.service_groups(query), "query": query}
    return _cacheable(render(request, "public/report_choose.html", context))


@never_cache
@require_http_methods(["GET", "POST"])
def report_details(request: HttpRequest, service_code: str) -> HttpResponse:
    """Step 2: the service's questions, where, what, photos and contact; then on to review."""
    try:
        service = selectors.service_to_report(service_code)
    except NotFound:
        return redirect("public:report")
    if request.method == "POST" and caught_in_honeypot(request.POST):
        return _refused_as_bot(request, back=_details_url(service.service_code))
    if request.method == "GET":
        draft = _open_draft(request, request.GET.get("draft"), service)
        form = reporting.draft_form(draft, service) if draft else reporting.blank_form(service)
    else:
        details = reporting.take_details(
            service=service,
            data=request.POST,
            files=request.FILES,
            draft=_open_draft(request, request.POST.get("draft"), service),
            language=request.LANGUAGE_CODE,
        )
        draft, form = details.draft, details.form
        if draft is not None:
            _remember_draft(request, draft.token)
        if details.ready_for_review:
            return redirect("public:report_review", token=draft.token)
    context = {"service": service, "form": form, "draft": draft}
    return render(request, "public/report_details.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def report_review(request: HttpRequest, token: str) -> HttpResponse:
    """Step 3: read it all back, then submit (once, however often the button is pressed).

    Over a limit of filings (public.limits) the page stays, with the draft, as a 429.
    """
    try:
        draft = selectors.draft_for(token, owned=_owned_drafts(request))
    except NotFound:
        return redirect("public:report")
    if draft.is_filed:
        return redirect("public:report_done", token=token)
    service = selectors.service_to_report(draft.service.service_code)
    form = reporting.draft_form(draft, service)
    if not form.is_valid():
        return redirect(f"{_details_url(service.service_code)}?draft={token}")
    status, refusal = 200, None
    if request.method == "POST":
        wants_email = form.cleaned_data["email_updates"]
        refusal = limits.check_filing(
            request, email=form.cleaned_data["email"] if wants_email else ""
        )
    if request.method == "POST" and refusal is None:
        try:
            reporting.file(draft, form)
        except NotFound:
            return redirect("public:report")
        except ValidationFailed:
            status = 400
        else:
            return redirect("public:report_done", token=token)
    context = {"service": service, "form": form, "draft": draft, "refusal": refusal}
    return _limited(render(request, "public/report_review.html", context, status=status), refusal)


@never_cache
@require_safe
def report_done(request: HttpRequest, token: str) -> HttpResponse:
    """Step 4: the tracking number, what happens next and by when, and where to follow it."""
    try:
        draft = selectors.draft_for(token, owned=_owned_drafts(request))
    except NotFound:
        return redirect("public:report")
    if not draft.is_filed:
        return redirect("public:report_review", token=token)
    data = selectors.tracker(draft.request.tracking_number)
    # The updates start only from the receipt's link (docs/adr/0015): say so here.
    awaiting = alerts_selectors.requester_awaiting_confirmation(draft.request)
    context = {
        "sr": data.request,
        "awaiting_confirmation": awaiting,
        "expected_note": stats_selectors.expected_note(data.request),
    }
    return render(request, "public/report_done.html", context)


@never_cache
@require_safe
def draft_photo(request: HttpRequest, token: str, photo_id: int) -> HttpResponse:
    """A thumbnail of a photo attached to this browser's draft, for previews."""
    try:
        draft = selectors.draft_for(token, owned=_owned_drafts(request))
        thumbnail = selectors.draft_thumbnail(draft, photo_id)
    except NotFound:
        return HttpResponse(status=404)
    return HttpResponse(thumbnail, content_type="image/jpeg")


def _details_url(service_code: str) -> str:
    return reverse("public:report_details", kwargs={"service_code": service_code})


# --- how the city is doing -------------------------------------------------------


@require_safe
def performance_page(request: HttpRequest) -> HttpResponse:
    """How the city is doing: opened, closed, days to close, targets, backlog; by ward, service."""
    form, scope = _performance_scope(request)
    page = performance.build(scope, now=clock.now())
    context = {
        "form": form,
        "page": page,
        "query": scope.query(),
        "deflection": status_check_selectors.last_month_deflection(),
    }
    return _cacheable(render(request, "public/performance.html", context))


@require_safe
def performance_csv(request: HttpRequest, table: str) -> HttpResponse:
    """One of the performance page's tables as CSV, for the same filters."""
    if table not in performance.TABLES:
        raise Http404("no such table")
    _, scope = _performance_scope(request)
    page = performance.build(scope, now=clock.now())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="performance-{table}.csv"'
    writer = csv.writer(response)
    for line in performance.csv_lines(page, table):
        writer.writerow(line)
    return _cacheable(response)


def _performance_scope(request: HttpRequest) -> tuple[PerformanceFilterForm, performance.Scope]:
    services, wards = selectors.filter_choices()
    years = stats_selectors.years_with_requests()
    form = PerformanceFilterForm(request.GET or None, services=services, wards=wards, years=years)
    chosen: dict = {}
    if form.is_bound:
        # A bad filter is shown next to its field; the valid ones still apply.
        form.is_valid()
        chosen = form.cleaned_data
    code = chosen.get("service") or ""
    return form, performance.Scope(
        service=Service.objects.filter(service_code=code).first() if code else None,
        ward=chosen.get("ward"),
        period=chosen.get("period") or "weeks",
    )
