"""Read what GeoReport clients send: dates, lists, pages, attributes and free text.

Clients are sloppy in known ways (SPEC.md §1.3, §7): naive datetimes,
microseconds, a `+` that arrived as a space, comma lists and repeated
parameters, `attribute[CODE][]`. Everything here is lenient about form and
strict about meaning: a value that cannot be understood is a ValidationFailed
naming the parameter, never a guess. Pure: no database, no request objects.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from civic311.core.errors import ValidationFailed

Params = Mapping[str, Sequence[str]]

DEFAULT_WINDOW = dt.timedelta(days=90)
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
MAX_ROWS = 1000
MAX_PAGE = 1_000_000
UPDATES_DEFAULT_WINDOW = dt.timedelta(hours=24)

_DATETIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[Tt ](?P<h>\d{2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d+))?)?)?"
    r"\s*(?P<zone>[Zz]|[+\- ]\d{2}(?::?\d{2})?)?$"
)
_ATTRIBUTE = re.compile(r"^attribute\[(?P<code>[^\[\]]+)\](?:\[\d*\])?$")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TRUE = {"true", "1", "yes", "on"}


@dataclass(frozen=True)
class RequestQuery:
    """What GET requests asks for, after defaults: ids override every other filter."""

    ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    statuses: frozenset[str] = frozenset()
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    updated_after: dt.datetime | None = None
    updated_before: dt.datetime | None = None
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    extensions: bool = False

    @property
    def offset(self) -> int:
        """Rows to skip for this page."""
        return (self.page - 1) * self.page_size


@dataclass(frozen=True)
class UpdatesQuery:
    """What GET servicerequestupdates asks for: a window on the update time, oldest first."""

    start: dt.datetime
    end: dt.datetime | None
    ids: tuple[str, ...] = ()
    page: int = 1
    page_size: int = MAX_ROWS

    @property
    def offset(self) -> int:
        """Rows to skip for this page."""
        return (self.page - 1) * self.page_size


def single(params: Params, name: str) -> str | None:
    """The parameter's value (the last one if repeated); empty counts as absent."""
    values = [v.strip() for v in params.get(name, ()) if v and v.strip()]
    return values[-1] if values else None


def multi(params: Params, name: str) -> tuple[str, ...]:
    """Every value of a comma list or a repeated parameter, in order, without blanks."""
    found: dict[str, None] = {}
    for value in params.get(name, ()):
        for part in (value or "").split(","):
            if part.strip():
                found[part.strip()] = None
    return tuple(found)


def flag(params: Params, name: str) -> bool:
    """True for `true`, `1`, `yes` or `on` (any case)."""
    value = single(params, name)
    return value is not None and value.lower() in _TRUE


def parse_datetime(raw: str, zone: str) -> dt.datetime:
    """A lenient W3C datetime: no zone means `zone`, fractions allowed, ` 05:00` means +05:00."""
    match = _DATETIME.match(raw.strip())
    if match is None:
        raise ValueError(raw)
    date = dt.date.fromisoformat(match["date"])
    fraction = (match["f"] or "0")[:6].ljust(6, "0")
    naive = dt.datetime(
        date.year,
        date.month,
        date.day,
        int(match["h"] or 0),
        int(match["m"] or 0),
        int(match["s"] or 0),
        int(fraction),
    )
    tz = _tzinfo(match["zone"], zone)
    try:
        return naive.replace(tzinfo=tz).astimezone(dt.UTC)
    except OverflowError:
        raise ValueError(raw) from None


def _tzinfo(text: str | None, zone: str) -> dt.tzinfo:
    if text is None:
        return ZoneInfo(zone)
    if text in {"Z", "z"}:
        return dt.UTC
    # A `+` sent unencoded in a query string arrives as a space.
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(text)
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def date_param(params: Params, name: str, zone: str, errors: dict[str, str]) -> dt.datetime | None:
    """A date-and-time parameter, or None; an unreadable one is recorded in `errors`."""
    raw = single(params, name)
    if raw is None:
        return None
    try:
        return parse_datetime(raw, zone)
    except ValueError:
        errors[name] = (
            f"{name} is not a date and time: {raw[:40]!r}; "
            "use the W3C form, e.g. 2026-05-01T14:30:00-05:00"
        )
        return None


def _int_param(
    params: Params, name: str, default: int, low: int, high: int, errors: dict[str, str]
) -> int:
    raw = single(params, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        errors[name] = f"{name} must be a whole number, not {raw[:20]!r}"
        return default
    if not low <= value <= high:
        errors[name] = f"{name} must be from {low} to {high}"
        return default
    return value


def _paging(
    params: Params, default_size: int, max_size: int, errors: dict[str, str]
) -> tuple[int, int]:
    # Page numbers start at 1 (Chicago); 0 means the first page too. A page_size above
    # the maximum is served at the maximum rather than refused.
    page = max(1, _int_param(params, "page", 1, 0, MAX_PAGE, errors))
    size = _int_param(params, "page_size", default_size, 1, 1_000_000, errors)
    return page, min(size, max_size)


def _before(moment: dt.datetime, span: dt.timedelta) -> dt.datetime:
    """`moment - span`, or the first moment there is when that would be before year 1."""
    try:
        return moment - span
    except OverflowError:
        return dt.datetime.min.replace(tzinfo=dt.UTC)


def parse_request_query(params: Params, *, now: dt.datetime, zone: str) -> RequestQuery:
    """GET requests' filters with the spec's defaults; ValidationFailed names each bad one."""
    errors: dict[str, str] = {}
    ids = multi(params, "service_request_id")[:MAX_ROWS]
    statuses = frozenset(s.lower() for s in multi(params, "status"))
    if statuses - {"open", "closed"}:
        errors["status"] = "status must be open or closed (or both, comma-separated)"
    start = date_param(params, "start_date", zone, errors)
    end = date_param(params, "end_date", zone, errors)
    after = date_param(params, "updated_after", zone, errors)
    before = date_param(params, "updated_before", zone, errors)
    page, page_size = _paging(params, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, errors)
    if start and end and start > end:
        errors["end_date"] = "end_date must not be before start_date"
    if after and before and after > before:
        errors["updated_before"] = "updated_before must not be before updated_after"
    if errors:
        raise ValidationFailed(errors)
    if not ids and after is None and before is None and start is None:
        # The spec's default: the most recent 90 days (or the 90 days up to end_date).
        start = _before(end or now, DEFAULT_WINDOW)
    return RequestQuery(
        ids=ids,
        service_codes=multi(params, "service_code"),
        statuses=statuses if len(statuses) == 1 else frozenset(),
        start=start,
        end=end,
        updated_after=after,
        updated_before=before,
        page=page,
        page_size=page_size,
        extensions=flag(params, "extensions"),
    )


def parse_updates_query(params: Params, *, now: dt.datetime, zone: str) -> UpdatesQuery:
    """GET servicerequestupdates' window (default: the last 24 hours) and paging."""
    errors: dict[str, str] = {}
    start = date_param(params, "start_date", zone, errors)
    end = date_param(params, "end_date", zone, errors)
    page, page_size = _paging(params, MAX_ROWS, MAX_ROWS, errors)
    if start and end and start > end:
        errors["end_date"] = "end_date must not be before start_date"
    if errors:
        raise ValidationFailed(errors)
    if start is None:
        start = _before(end or now, UPDATES_DEFAULT_WINDOW)
    return UpdatesQuery(
        start=start,
        end=end,
        ids=multi(params, "service_request_id")[:MAX_ROWS],
        page=page,
        page_size=page_size,
    )


def attributes(params: Params) -> dict[str, list[str]]:
    """`attribute[CODE]`, `attribute[CODE][]` and repeated `attribute[CODE]`, by code."""
    found: dict[str, list[str]] = {}
    for name, values in params.items():
        match = _ATTRIBUTE.match(name)
        if match:
            found.setdefault(match["code"], []).extend(clean_text(v) for v in values)
    return found


def without_control(value: str) -> str:
    """`value` without control characters other than tab and line breaks (NUL included)."""
    return _CONTROL.sub("", value)


def clean_text(value: str) -> str:
    """Free text as stored: line breaks as \\n, no control characters (NUL breaks databases)."""
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def clean_line(value: str) -> str:
    """A one-line value: control characters dropped, runs of whitespace made one space."""
    return " ".join(_CONTROL.sub("", value).split())


def coordinate(params: Params, name: str, errors: dict[str, str]) -> float | None:
    """A finite decimal coordinate, or None when absent; an error naming it otherwise."""
    raw = single(params, name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if value != value or value in (float("inf"), float("-inf")):
        errors[name] = f"{name} must be a decimal number (WGS84), not {raw[:30]!r}"
        return None
    return value


def first_of(params: Params, names: Iterable[str]) -> str:
    """The first present value among alternative spellings (`device_id` or `deviceid`)."""
    for name in names:
        value = single(params, name)
        if value is not None:
            return value
    return ""


# --- POST requests -------------------------------------------------------------

# The longest value each private or location field may hold (what the database stores).
_LIMITS = {
    "first_name": 100,
    "last_name": 100,
    "phone": 40,
    "device_id": 200,
    "account_id": 200,
    "email": 254,
    "address_string": 300,
    "address_id": 100,
}
MAX_MEDIA_URLS = 10
MAX_URL_LENGTH = 2000
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)
# Fields that say how a submission is sent, not what it says (left out of its fingerprint).
_NOT_CONTENT = {"api_key", "jurisdiction_id", "client_request_id", "callback"}


@dataclass(frozen=True)
class Submission:
    """A POST requests body, read and checked for form (the service checks meaning)."""

    service_code: str
    lat: float | None
    long: float | None
    address: str
    address_id: str
    description: str
    attributes: dict[str, list[str]]
    first_name: str
    last_name: str
    email: str
    phone: str
    device_id: str
    account_id: str
    media_urls: tuple[str, ...]


def submission(params: Params) -> Submission:
    """Read a POST requests body; ValidationFailed lists every field that is wrong."""
    errors: dict[str, str] = {}
    service_code = single(params, "service_code") or ""
    if not service_code:
        errors["service_code"] = "service_code required"
    texts = {name: clean_line(first_of(params, [name])) for name in _LIMITS}
    texts["device_id"] = clean_line(first_of(params, ["device_id", "deviceid"]))
    for name, limit in _LIMITS.items():
        if len(texts[name]) > limit:
            errors[name] = f"{name} must be at most {limit} characters"
    if texts["email"] and not _EMAIL.match(texts["email"]):
        errors["email"] = f"email {texts['email'][:60]!r} is not an email address"
    found = Submission(
        service_code=service_code,
        lat=coordinate(params, "lat", errors),
        long=coordinate(params, "long", errors),
        address=texts["address_string"],
        address_id=texts["address_id"],
        description=clean_text("".join(params.get("description", ())[-1:])).strip(),
        attributes=attributes(params),
        first_name=texts["first_name"],
        last_name=texts["last_name"],
        email=texts["email"],
        phone=texts["phone"],
        device_id=texts["device_id"],
        account_id=texts["account_id"],
        media_urls=media_urls(params, errors),
    )
    _check_location(found, errors)
    if len(found.description) > 4000:
        errors["description"] = "description must be at most 4000 characters"
    if errors:
        raise ValidationFailed(errors)
    return found


def _check_location(found: Submission, errors: dict[str, str]) -> None:
    if "lat" in errors or "long" in errors:
        return
    if (found.lat is None) != (found.long is None):
        errors["location"] = "lat and long must be sent together"
    elif found.lat is None and not (found.address or found.address_id):
        errors["location"] = "a location is required: lat and long, address_string or address_id"
    elif (
        found.lat is not None
        and found.long is not None
        and not (-90 <= found.lat <= 90 and -180 <= found.long <= 180)
    ):
        errors["location"] = "lat must be within ±90 and long within ±180"


def media_urls(params: Params, errors: dict[str, str]) -> tuple[str, ...]:
    """The media_url values (one or several), each an http(s) address; kept as given."""
    urls = tuple(
        u.strip()
        for name in ("media_url", "media_url[]")
        for u in params.get(name, ())
        if u.strip()
    )
    if len(urls) > MAX_MEDIA_URLS:
        errors["media_url"] = f"send at most {MAX_MEDIA_URLS} media_url values"
    bad = [u for u in urls if len(u) > MAX_URL_LENGTH or not _URL.match(u)]
    if bad:
        errors["media_url"] = f"media_url must be an http or https address, not {bad[0][:80]!r}"
    return urls


def fingerprint(params: Params, files: Sequence[object] = ()) -> str:
    """A hash of what a submission says, to tell a retry from a different request."""
    digest = hashlib.sha256()
    for name in sorted(params):
        if name in _NOT_CONTENT:
            continue
        for value in params[name]:
            digest.update(f"{name}\0{value}\0".encode("utf-8", "replace"))
    for upload in files:
        name, size = getattr(upload, "name", ""), getattr(upload, "size", 0)
        digest.update(f"file\0{name}\0{size}\0".encode("utf-8", "replace"))
    return digest.hexdigest()


# --- POST servicerequestupdates ---------------------------------------------------


@dataclass(frozen=True)
class UpdateSubmission:
    """A client's update (mySociety): which request, the client's id for it, what it says."""

    service_request_id: str
    update_id: str
    status: str
    client_time: dt.datetime
    description: str
    media_urls: tuple[str, ...]


def update_submission(params: Params, *, zone: str) -> UpdateSubmission:
    """Read a POST servicerequestupdates body; ValidationFailed lists every missing or bad field."""
    errors: dict[str, str] = {}
    for name in ("service_request_id", "update_id", "status", "updated_datetime"):
        if single(params, name) is None:
            errors[name] = f"{name} required"
    if "description" not in params:
        errors["description"] = "description required (it may be empty when reopening)"
    update_id = single(params, "update_id") or ""
    if len(update_id) > 100:
        errors["update_id"] = "update_id must be at most 100 characters"
    description = clean_text("".join(params.get("description", ())[-1:])).strip()
    if len(description) > 4000:
        errors["description"] = "description must be at most 4000 characters"
    client_time = None
    if "updated_datetime" not in errors:
        try:
            client_time = parse_datetime(single(params, "updated_datetime") or "", zone)
        except ValueError:
            errors["updated_datetime"] = "updated_datetime is not a W3C date and time"
    urls = media_urls(params, errors)
    if errors or client_time is None:
        raise ValidationFailed(errors)
    return UpdateSubmission(
        service_request_id=single(params, "service_request_id") or "",
        update_id=update_id,
        status=(single(params, "status") or "").upper(),
        client_time=client_time,
        description=description,
        media_urls=urls,
    )
