"""Back-office pages. Thin: check who is asking, parse, call one service or selector, render.

Permissions are enforced again inside the domain services; the checks here
only decide what to show.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from civic311.accounts.permissions import Action
from civic311.accounts.selectors import assignable_staff, authorize, may, scope_of
from civic311.catalog.models import Department, Service
from civic311.core import clock
from civic311.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from civic311.geo import services as places
from civic311.geo.models import Ward
from civic311.media.services import prepare_photos
from civic311.service_requests import bulk, services
from civic311.service_requests import selectors as request_selectors
from civic311.service_requests.models import Channel, ServiceRequest
from civic311.staff import dashboard as dashboards
from civic311.staff import forms, history, lockout, placing, selectors
from civic311.staff import services as staff_services
from civic311.staff.answers import answers_in_words
from civic311.staff.models import ResponseTemplate
from civic311.status_checks import channels as check_channels
from civic311.status_checks import selectors as status_check_selectors

INTAKE_CHANNELS = {"operator": Channel.PHONE, "ward_office": Channel.WARD_OFFICE}


def staff_only(view: Callable) -> Callable:
    """Log in first; then a back-office role; domain refusals become a clear page; never cached."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = _staff_page(request, *args, **kwargs)
        # Back-office pages show callers' names, emails and phone numbers: no shared cache
        # or browser history may keep them.
        patch_cache_control(response, private=True, no_store=True)
        return response

    def _staff_page(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not scope_of(request.user).role:
            return _refused(request, "Your account has no back-office role; ask an administrator.")
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return _refused(request, exc.message)
        except NotFound as exc:
            return render(request, "staff/error.html", {"message": exc.message}, status=404)

    return wrapper


def locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The page for a login refused by the lockout: why, and from when to try again."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    ends = lockout.lockout_ends(request, username)
    page = render(
        request,
        "staff/locked_out.html",
        {"username": username, "ends": ends},
        status=429,
    )
    if ends is not None:
        seconds = max(1, int((ends - timezone.now()).total_seconds()))
        page["Retry-After"] = str(seconds)
    return page


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "staff/error.html", {"message": message}, status=403)


@staff_only
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Where each role starts: their queues, intake and lookup."""
    scope = scope_of(request.user)
    departments = Department.objects.order_by("name")
    if scope.role != "administrator":
        departments = departments.filter(pk__in=scope.departments)
    wards = [scope.ward] if scope.ward else []
    if scope.role == "administrator":
        wards = list(Ward.objects.values_list("number", flat=True))
    return render(
        request,
        "staff/home.html",
        {
            "scope": scope,
            "departments": departments,
            "wards": wards,
            "can_file": may(request.user, Action.FILE),
            "can_see_calls": may(request.user, Action.SEE_STATUS_CALLS),
            "can_see_dashboard": may(request.user, Action.SEE_DASHBOARD),
        },
    )


# --- intake -----------------------------------------------------------------


@staff_only
def intake(request: HttpRequest) -> HttpResponse:
    """File a caller's or visitor's report: locate it, check for the same problem nearby, file."""
    authorize(request.user, Action.FILE)
    data = request.POST.copy() if request.method == "POST" else None
    service = _chosen_service(request)
    form = forms.IntakeForm(data, service=service)
    context = {"form": form, "nearby": [], "choices": [], "place": None}
    if data is None or not form.is_valid():
        return render(request, "staff/intake.html", context)
    if data.get("add_to"):
        return _add_caller(request, form, data["add_to"], _intake_channel(request))
    try:
        place = _place(form, data)
    except ValidationFailed as exc:
        _form_errors(form, exc)
        return render(request, "staff/intake.html", context, status=400)
    if isinstance(place, list):  # several places match what the caller said: the operator picks
        context["choices"] = place
        return render(request, "staff/intake.html", context)
    # Show the located point in the form, so what is posted again (file anyway) is the same.
    form = _with_point(data, place, service)
    context.update(form=form, place=place)
    if not data.get("file_anyway"):
        context["nearby"] = selectors.nearby_open_requests(
            service_id=form.cleaned_data["service"].pk, lat=place.lat, long=place.long
        )
        if context["nearby"]:
            return render(request, "staff/intake.html", context)
    return _file(request, form, place, context)


def _place(form: forms.IntakeForm, data: QueryDict) -> places.Located | list[places.Located]:
    """Locate the call, writing back into `data` the address the point was found for."""
    picked = placing.chosen(data.get("place", ""))
    if picked is not None:
        lat, long, address = picked
        _set(data, address=address, located_address=address)
        return placing.place_call(address=address, point=(lat, long))
    address, point = form.cleaned_data["address"], form.point()
    if point is None:  # none given, or found for an address the operator has since retyped
        _set(data, lat="", long="", located_address="")
    found = placing.place_call(address=address, point=point)
    if point is None and not isinstance(found, list):
        data["located_address"] = address
    return found


def _set(data: QueryDict, **values: str) -> None:
    """Replace fields of posted data (QueryDict.update would add a second value instead)."""
    for name, value in values.items():
        data[name] = value


def _with_point(data: QueryDict, place: places.Located, service) -> forms.IntakeForm:
    """The intake form again, bound to the located point, so posting it again files there."""
    _set(data, lat=f"{place.lat:.6f}", long=f"{place.long:.6f}")
    form = forms.IntakeForm(data, service=service)
    form.is_valid()
    return form


def _file(request: HttpRequest, form, place: places.Located, context: dict) -> HttpResponse:
    try:
        filed = services.submit_request(
            service=form.cleaned_data["service"],
            channel=_intake_channel(request),
            location=form.location(place),
            description=form.cleaned_data["description"],
            attributes=form.answers(),
            requester=form.requester(),
            actor=request.user,
            # The caller chose on the phone or at the counter; the default would subscribe them.
            email_updates=form.cleaned_data["email_updates"],
        )
    except ValidationFailed as exc:
        _form_errors(form, exc)
        return render(request, "staff/intake.html", context, status=400)
    messages.success(request, f"Filed {filed.tracking_number}. Give the caller this number.")
    return redirect("staff:request", number=filed.tracking_number)


def _add_caller(request, form, number: str, channel: str) -> HttpResponse:
    existing = request_selectors.get_by_tracking_number(number)
    services.add_report(
        existing,
        requester=form.requester(),
        email_updates=form.cleaned_data["email_updates"],
        actor=request.user,
        channel=channel,
    )
    messages.success(
        request,
        f"Added the caller to {existing.tracking_number}; give them this number.",
    )
    return redirect("staff:request", number=existing.tracking_number)


@staff_only
@require_safe
def intake_questions(request: HttpRequest) -> HttpResponse:
    """The chosen service's questions (htmx swaps them in when the service changes)."""
    form = forms.IntakeForm(service=_chosen_service(request))
    return render(request, "staff/_questions.html", {"form": form})


def _chosen_service(request: HttpRequest) -> Service | None:
    raw = request.POST.get("service") or request.GET.get("service")
    if not raw or not str(raw).isdigit():
        return None
    return Service.objects.filter(pk=int(raw), active=True).first()


def _intake_channel(request: HttpRequest) -> str:
    return INTAKE_CHANNELS.get(scope_of(request.user).role, Channel.STAFF)


def _form_errors(form, exc: ValidationFailed) -> None:
    for field, message in exc.errors.items():
        name = forms.ATTRIBUTE_PREFIX + field
        if name in form.fields:
            form.add_error(name, message)
        elif field in form.fields:
            form.add_error(field, message)
        else:
            form.add_error(None, message)


# --- status lookup ----------------------------------------------------------


@staff_only
@require_safe
def lookup(request: HttpRequest) -> HttpResponse:
    """Answer "where is my request?": find it and show its whole history."""
    form = forms.LookupForm(request.GET or None)
    results: list[ServiceRequest] = []
    searched = False
    if form.is_valid():
        staff_services.record_lookup(actor=request.user)
        searched = True
        results = selectors.lookup(form.cleaned_data["q"], by=form.cleaned_data["by"])
        results = [r for r in results if may(request.user, Action.VIEW, **_target(r))]
    shown = results[0] if len(results) == 1 else None
    return render(
        request,
        "staff/lookup.html",
        {
            "form": form,
            "results": results,
            "searched": searched,
            "shown": shown,
            "history": _history(shown) if shown else [],
        },
    )


# --- queues -----------------------------------------------------------------


@staff_only
@require_safe
def department_queue(request: HttpRequest, code: str) -> HttpResponse:
    """A department's requests."""
    department = get_object_or_404(Department, code=code)
    authorize(request.user, Action.QUEUE, department=department.pk)
    base = selectors.QueueFilter(department=department.pk)
    staff = _with_assignees(list(assignable_staff(department.pk)), base)
    return _queue(request, base, staff, department)


@staff_only
@require_safe
def ward_queue(request: HttpRequest, number: int) -> HttpResponse:
    """Everything filed in one ward, whichever department has it."""
    ward = get_object_or_404(Ward, number=number)
    authorize(request.user, Action.QUEUE, ward=ward.number)
    base = selectors.QueueFilter(ward=ward.number)
    return _queue(request, base, _with_assignees([], base), ward)


def _with_assignees(staff: list, base: selectors.QueueFilter) -> list:
    """The queue's assignable staff and whoever has its open requests now (the dashboard
    links to each one's load, even someone who has since left the department)."""
    known = {user.pk for user in staff}
    return staff + [user for user in selectors.assignees(base) if user.pk not in known]


def _queue(request, base: selectors.QueueFilter, staff: list, owner) -> HttpResponse:
    filter_form = forms.QueueFilterForm(request.GET or None, staff=staff)
    chosen = filter_form.cleaned_data if filter_form.is_valid() else {}
    queue_filter = selectors.QueueFilter(
        department=base.department,
        ward=base.ward,
        status=chosen.get("status") or "open",
        service=chosen["service"].pk if chosen.get("service") else None,
        in_ward=chosen["ward"].pk if chosen.get("ward") else None,
        older_than_days=chosen.get("older_than_days"),
        overdue=bool(chosen.get("overdue")),
        assigned=chosen.get("assigned") or "",
        sort=chosen.get("sort") or "newest",
        filed_on=chosen.get("filed_on"),
        closed_on=chosen.get("closed_on"),
        closed_since=chosen.get("closed_since"),
        moved=chosen.get("moved") or "",
        since=chosen.get("since"),
        finished=chosen.get("finished") or "",
    )
    result = selectors.queue(queue_filter, page_number=request.GET.get("page", 1))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staff/queue.html",
        {
            "owner": owner,
            "is_department": base.department is not None,
            "queue": result,
            "filter_form": filter_form,
            "bulk_form": forms.BulkForm(staff=staff, auto_id="bulk_%s"),
            "can_bulk": base.department is not None
            and may(request.user, Action.CHANGE_STATUS, department=base.department),
            "can_assign": base.department is not None
            and may(request.user, Action.ASSIGN, department=base.department),
            "query": query.urlencode(),
            "dashboard_fields": [
                filter_form[name]
                for name in forms.QueueFilterForm.DASHBOARD_FIELDS
                if chosen.get(name)
            ],
            "dashboard_filter": _dashboard_words(queue_filter),
        },
    )


def _dashboard_words(chosen: selectors.QueueFilter) -> str:
    """What a dashboard link narrowed the queue to, in words ("" when nothing)."""
    words = []
    if chosen.filed_on:
        words.append(f"filed on {chosen.filed_on:%b %-d, %Y}")
    if chosen.closed_on:
        words.append(f"closed on {chosen.closed_on:%b %-d, %Y}")
    if chosen.closed_since:
        words.append(f"closed since {chosen.closed_since:%b %-d, %Y}")
    if chosen.finished == "within_target":
        words.append("finished within their service's target")
    if chosen.moved and chosen.since:
        since = f"{chosen.since:%b %-d, %Y}"
        words.append(
            {
                "in": f"transferred in since {since}",
                "out": f"transferred out since {since} (wherever they are now)",
                "any": f"transferred since {since}",
                "through": f"with time here since {since} (including those transferred out)",
            }[chosen.moved]
        )
    return "; ".join(words)


@staff_only
@require_POST
def queue_bulk(request: HttpRequest) -> HttpResponse:
    """Change the status of, or assign, the requests selected in a queue."""
    back = _safe_next(request, reverse("staff:home"))
    numbers = request.POST.getlist("selected")
    form = forms.BulkForm(request.POST, staff=get_user_model().objects.filter(is_active=True))
    if not numbers or not form.is_valid():
        messages.error(request, "Select at least one request and say what to do.")
        return redirect(back)
    chosen = list(
        ServiceRequest.city.filter(tracking_number__in=numbers).select_related("department")
    )
    if form.cleaned_data["action"] == "assign":
        result = _bulk_assign(request, chosen, form.cleaned_data["to_user"])
    elif not form.cleaned_data["status"]:
        messages.error(request, "Choose the new status.")
        return redirect(back)
    else:
        result = bulk.bulk_change_status(
            chosen,
            status=form.cleaned_data["status"],
            actor=request.user,
            public_note=form.cleaned_data["public_note"],
        )
    _bulk_messages(request, result)
    return redirect(back)


def _bulk_assign(request, chosen: list[ServiceRequest], to_user_id: str) -> bulk.BulkResult:
    to_user = get_user_model().objects.filter(pk=to_user_id).first() if to_user_id else None
    result = bulk.BulkResult()
    for sr in chosen:
        try:
            services.assign(sr, to_user=to_user, actor=request.user)
        except DomainError as exc:
            result.refused[sr.tracking_number] = exc.message
        else:
            result.changed.append(sr.tracking_number)
    return result


def _bulk_messages(request, result: bulk.BulkResult) -> None:
    if result.changed:
        messages.success(request, f"Changed {len(result.changed)}: {', '.join(result.changed)}.")
    for number, why in result.refused.items():
        messages.error(request, f"{number} not changed: {why}")


# --- one request ------------------------------------------------------------


@staff_only
@require_safe
def request_detail(request: HttpRequest, number: str) -> HttpResponse:
    """Everything about one request, and what this staff member may do to it."""
    sr = _visible_request(request, number)
    filled = _filled_from_template(request, sr)
    return render(request, "staff/request.html", _detail_context(request, sr, **filled))


def _filled_from_template(request: HttpRequest, sr: ServiceRequest) -> dict:
    """The pickers of response templates, and the form the picked one (?template=ID) fills."""
    status_templates = selectors.response_templates(sr, ResponseTemplate.Use.STATUS)
    transfer_templates = selectors.response_templates(sr, ResponseTemplate.Use.TRANSFER)
    picked = request.GET.get("template", "")
    shown: dict = {
        "status_templates": forms.TemplateChoiceForm(
            templates=status_templates, initial={"template": picked}, auto_id="status_tpl_%s"
        ),
        "transfer_templates": forms.TemplateChoiceForm(
            templates=transfer_templates, initial={"template": picked}, auto_id="transfer_tpl_%s"
        ),
    }
    fits = {str(t.pk): t for t in (*status_templates, *transfer_templates)}
    template = fits.get(picked)
    if template is None:
        return shown
    if template.use == ResponseTemplate.Use.STATUS:
        initial = {
            "status": template.status,
            "public_note": template.public_text,
            "public_note_es": template.public_text_es,
            "email_text": template.email_text,
        }
        shown["status_form"] = forms.StatusForm(
            current=sr.status, auto_id="status_%s", initial=initial
        )
    else:
        initial = {
            "reason": template.public_text,
            "reason_es": template.public_text_es,
            "email_text": template.email_text,
        }
        shown["transfer_form"] = forms.TransferForm(auto_id="transfer_%s", initial=initial)
    return shown


def _detail_context(request: HttpRequest, sr: ServiceRequest, **forms_shown) -> dict:
    target = _target(sr)
    staff = list(assignable_staff(sr.department_id))
    can = {
        action: may(request.user, action, **target)
        for action in (
            Action.CHANGE_STATUS,
            Action.TRANSFER,
            Action.MARK_DUPLICATE,
            Action.REOPEN,
            Action.ASSIGN,
            Action.INTERNAL_NOTE,
            Action.PUBLIC_NOTE,
            Action.CORRECT_LOCATION,
        )
    }
    return {
        "sr": sr,
        "history": _history(sr),
        "can": {str(k): v for k, v in can.items()},
        "repeat_reports": sr.repeat_reports.all(),
        "answers": answers_in_words(sr.service_id, sr.attributes),
        "photos": sr.photos.select_related("event").order_by("created_at", "id"),
        "status_form": forms.StatusForm(current=sr.status, auto_id="status_%s"),
        "note_form": forms.NoteForm(auto_id="note_%s"),
        "transfer_form": forms.TransferForm(auto_id="transfer_%s"),
        "duplicate_form": forms.DuplicateForm(auto_id="duplicate_%s"),
        "reopen_form": forms.ReopenForm(auto_id="reopen_%s"),
        "assign_form": forms.AssignForm(
            staff=staff, initial={"to_user": sr.assigned_to_id or ""}, auto_id="assign_%s"
        ),
        # The address is kept when staff only click the map: most corrections move the point.
        "location_form": forms.LocationForm(initial={"address": sr.address}, auto_id="location_%s"),
        "overdue": selectors.is_overdue(sr),
        **forms_shown,
    }


@staff_only
@require_POST
def correct_location(request: HttpRequest, number: str) -> HttpResponse:
    """Move the request's point to where staff say it is; errors stay next to the fields."""
    sr = _visible_request(request, number)
    data = request.POST.copy()
    picked = placing.chosen(data.get("place", ""))
    if picked is not None:
        _set(data, lat=str(picked[0]), long=str(picked[1]), address=picked[2])
    form = forms.LocationForm(data, auto_id="location_%s")
    choices: list[places.Located] = []
    if form.is_valid():
        try:
            choices = _correction_choices(form)
            if not choices:
                moved = services.correct_location(sr, actor=request.user, **form.cleaned_data)
                return _corrected(request, moved)
        except ValidationFailed as exc:
            _form_errors(form, exc)
        except DomainError as exc:
            if isinstance(exc, PermissionDenied):
                raise
            form.add_error(None, exc.message)
    context = _detail_context(request, sr, location_form=form, location_choices=choices)
    return render(request, "staff/request.html", context, status=200 if choices else 400)


def _corrected(request: HttpRequest, moved: ServiceRequest) -> HttpResponse:
    """Back to the request, or home when the new ward is outside this ward office's."""
    if may(request.user, Action.VIEW, **_target(moved)):
        messages.success(request, "Location corrected.")
        return redirect("staff:request", number=moved.tracking_number)
    messages.success(
        request,
        f"Location corrected: {moved.tracking_number} is now in ward {moved.ward_id}, "
        "outside your ward, and left your queue.",
    )
    return redirect("staff:home")


def _correction_choices(form: forms.LocationForm) -> list[places.Located]:
    """The short list when staff typed an address (no point) that names several places."""
    if form.cleaned_data["lat"] is not None:
        return []
    return placing.several_places(form.cleaned_data["address"])


@staff_only
@require_POST
def change_status(request: HttpRequest, number: str) -> HttpResponse:
    """Move the request to another status, with notes."""
    sr = _visible_request(request, number)
    form = forms.StatusForm(request.POST, request.FILES, current=sr.status)

    def run(d):
        photos = prepare_photos(
            files=request.FILES.getlist("photos"), max_count=forms.StatusForm.MAX_PHOTOS
        )
        return services.change_status(
            sr,
            status=d["status"],
            actor=request.user,
            public_note=d["public_note"].strip(),
            internal_note=d["internal_note"].strip(),
            photos=photos,
            wording=services.Wording(spanish=d["public_note_es"], email=d["email_text"]),
        )

    return _act(request, sr, form, run, "Status changed.")


@staff_only
@require_POST
def add_note(request: HttpRequest, number: str) -> HttpResponse:
    """Add a note (internal unless marked public)."""
    sr = _visible_request(request, number)
    return _act(
        request,
        sr,
        forms.NoteForm(request.POST),
        lambda d: services.add_note(sr, text=d["text"], public=d["public"], actor=request.user),
        "Note added.",
    )


@staff_only
@require_POST
def transfer(request: HttpRequest, number: str) -> HttpResponse:
    """Send the request to another department; the number stays."""
    sr = _visible_request(request, number)
    return _act(
        request,
        sr,
        forms.TransferForm(request.POST),
        lambda d: services.transfer(
            sr,
            to_department=d["department"],
            to_service=d["service"],
            reason=d["reason"],
            actor=request.user,
            wording=services.Wording(spanish=d["reason_es"], email=d["email_text"]),
        ),
        "Transferred.",
    )


@staff_only
@require_POST
def mark_duplicate(request: HttpRequest, number: str) -> HttpResponse:
    """Close the request as a duplicate of another."""
    sr = _visible_request(request, number)

    def run(d):
        parent = request_selectors.find_by_typed_number(d["parent"])
        return services.mark_duplicate(sr, parent=parent, actor=request.user, note=d["note"])

    return _act(request, sr, forms.DuplicateForm(request.POST), run, "Marked as a duplicate.")


@staff_only
@require_POST
def reopen(request: HttpRequest, number: str) -> HttpResponse:
    """Open a closed request again."""
    sr = _visible_request(request, number)
    return _act(
        request,
        sr,
        forms.ReopenForm(request.POST),
        lambda d: services.reopen(sr, actor=request.user, reason=d["reason"]),
        "Reopened.",
    )


@staff_only
@require_POST
def assign(request: HttpRequest, number: str) -> HttpResponse:
    """Give the request to a staff member of its department."""
    sr = _visible_request(request, number)
    staff = list(assignable_staff(sr.department_id))
    form = forms.AssignForm(request.POST, staff=staff)

    def run(d):
        to_user = next((u for u in staff if str(u.pk) == d["to_user"]), None)
        return services.assign(sr, to_user=to_user, actor=request.user)

    return _act(request, sr, form, run, "Assignment saved.")


def _act(request, sr: ServiceRequest, form, run: Callable, done: str) -> HttpResponse:
    """Run one action from a valid form; show refusals as messages on the request page."""
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label or 'Form'}: {' '.join(errors)}")
    else:
        try:
            run(form.cleaned_data)
        except (ValidationFailed, NotFound, DomainError) as exc:
            if isinstance(exc, PermissionDenied):
                raise
            messages.error(request, exc.message)
        else:
            messages.success(request, done)
    return redirect("staff:request", number=sr.tracking_number)


def _visible_request(request: HttpRequest, number: str) -> ServiceRequest:
    sr = request_selectors.get_by_tracking_number(number)
    authorize(request.user, Action.VIEW, **_target(sr))
    return sr


def _target(sr: ServiceRequest) -> dict:
    return {"department": sr.department_id, "ward": sr.ward_id}


def _history(sr: ServiceRequest) -> list[history.HistoryEntry]:
    return [history.entry(e) for e in request_selectors.all_events(sr)]


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


# --- status calls -----------------------------------------------------------


@staff_only
@require_safe
def status_calls(request: HttpRequest) -> HttpResponse:
    """Status checks per week (with the share answered without a call) and per day."""
    authorize(request.user, Action.SEE_STATUS_CALLS)
    return render(
        request,
        "staff/status_calls.html",
        {
            "weeks": status_check_selectors.weekly(weeks=12),
            "days": status_check_selectors.daily(days=30),
            "channels": [(code, check_channels.LABELS[code]) for code in check_channels.ALL],
        },
    )


# --- the supervisors' dashboard ---------------------------------------------


@staff_only
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    """Each of the supervisor's departments (or the ward office's ward) at a glance; every
    number links to the queue that lists its requests."""
    authorize(request.user, Action.SEE_DASHBOARD)
    scope = scope_of(request.user)
    departments = Department.objects.order_by("name")
    if scope.role != "administrator":
        departments = departments.filter(pk__in=scope.departments)
    wards = [scope.ward] if scope.role == "ward_office" and scope.ward else []
    now = clock.now()
    return render(
        request,
        "staff/dashboard.html",
        {
            "panels": dashboards.panels_for(departments=list(departments), wards=wards, now=now),
            "days": dashboards.DAYS,
            "as_of": now,
        },
    )
