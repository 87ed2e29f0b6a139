"""The shape of Chicago's "311 Service Requests" open data (portal set `v6vf-nfxy`).

One module for both directions, so that an exported file imports back into the
same requests and a city's own file reads the way the city writes it: the 37
columns in the portal's order, how `origin` names a channel, how `status` and
`duplicate` name a status, and how times are written (naive Chicago local time,
`2021-01-01T00:00:09.000`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from civic311.service_requests import workflow
from civic311.service_requests.models import Channel

CHICAGO = ZoneInfo("America/Chicago")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.000"

COLUMNS: tuple[str, ...] = (
    "sr_number",
    "sr_type",
    "sr_short_code",
    "created_department",
    "owner_department",
    "status",
    "origin",
    "created_date",
    "last_modified_date",
    "closed_date",
    "street_address",
    "city",
    "state",
    "zip_code",
    "street_number",
    "street_direction",
    "street_name",
    "street_type",
    "duplicate",
    "legacy_record",
    "community_area",
    "ward",
    "electricity_grid",
    "police_sector",
    "police_district",
    "police_beat",
    "precinct",
    "created_hour",
    "created_day_of_week",
    "created_month",
    "x_coordinate",
    "y_coordinate",
    "latitude",
    "longitude",
    "location",
    "parent_sr_number",
    "electrical_district",
)

# The portal's origins, as the city's CSR system writes them. Origins civic311 has no
# channel for (e-mail, a city department's own report) count as staff intake.
ORIGIN_CHANNELS: dict[str, Channel] = {
    "phone call": Channel.PHONE,
    "internet": Channel.WEB,
    "mobile device": Channel.OPEN311,
    "open311 interface": Channel.OPEN311,
    "alderman's office": Channel.WARD_OFFICE,
}
CHANNEL_ORIGINS: dict[str, str] = {
    Channel.PHONE: "Phone Call",
    Channel.WEB: "Internet",
    Channel.OPEN311: "Open311 Interface",
    Channel.WARD_OFFICE: "Alderman's Office",
    Channel.STAFF: "City Department",
}

# The portal has three statuses; civic311's closed ones all read as "Completed" but
# a cancellation. Duplicates are flagged in their own column, not by status.
OPEN = "Open"
COMPLETED = "Completed"
CANCELED = "Canceled"


def channel_for(origin: str) -> Channel:
    """The channel an open-data `origin` names (staff intake when civic311 has none)."""
    return ORIGIN_CHANNELS.get(origin.strip().lower(), Channel.STAFF)


def origin_for(channel: str) -> str:
    """The open-data `origin` for a civic311 channel."""
    return CHANNEL_ORIGINS.get(channel, CHANNEL_ORIGINS[Channel.STAFF])


def portal_status(status: str) -> str:
    """`Open`, `Completed` or `Canceled` for a civic311 status."""
    if status in workflow.OPEN_STATUSES:
        return OPEN
    return CANCELED if status == workflow.Status.CANCELLED else COMPLETED


def status_for(portal: str, *, duplicate: bool) -> workflow.Status:
    """The civic311 status a portal row's `status` and `duplicate` columns mean.

    Raises ValueError for a status the portal does not have.
    """
    cleaned = portal.strip().lower()
    if duplicate and cleaned != "open":
        return workflow.Status.DUPLICATE
    statuses = {
        "open": workflow.Status.OPEN,
        "completed": workflow.Status.FIXED,
        "canceled": workflow.Status.CANCELLED,
        "cancelled": workflow.Status.CANCELLED,
    }
    if cleaned not in statuses:
        raise ValueError(f"unknown status {portal!r} (expected Open, Completed or Canceled)")
    return statuses[cleaned]


def read_time(text: str) -> datetime | None:
    """A portal time (naive Chicago local, `.000` or not) as an aware UTC datetime; None if empty.

    In UTC because a local time in a clock change's gap or fold never compares equal to
    the same moment read back from the database (PEP 495). Raises ValueError for text
    that is not a time.
    """
    text = text.strip()
    if not text:
        return None
    parsed = datetime.fromisoformat(text.replace(" ", "T"))
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=CHICAGO)).astimezone(UTC)


def write_time(moment: datetime | None) -> str:
    """An aware datetime as the portal writes it, in Chicago time; empty for None."""
    if not moment:
        return ""
    # TIME_FORMAT's text, written by isoformat: strftime cost a fifth of an exported CSV row.
    return moment.astimezone(CHICAGO).replace(tzinfo=None).isoformat("T", "seconds") + ".000"
