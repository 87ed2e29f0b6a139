"""What each column of the open-data CSV holds, in the words of the /open-data/ page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civic311.exports.chicago_format import COLUMNS

# Columns civic311 does not record: always empty, kept so Chicago's tools read the file.
EMPTY = frozenset(
    {
        "city",
        "state",
        "legacy_record",
        "electricity_grid",
        "police_sector",
        "police_district",
        "police_beat",
        "precinct",
        "x_coordinate",
        "y_coordinate",
        "electrical_district",
    }
)

DESCRIPTIONS = {
    "sr_number": _("The request's tracking number, as residents follow it."),
    "sr_type": _("The service asked for (its name in English)."),
    "sr_short_code": _("The service's code, as in the Open311 API."),
    "created_department": _("The department the request was filed with."),
    "owner_department": _("The department that owns the request now."),
    "status": _("Open, Completed or Canceled."),
    "origin": _("How the request reached the city: Internet, Phone Call, Open311 Interface…"),
    "created_date": _("When it was filed (Chicago time)."),
    "last_modified_date": _("When it last changed (Chicago time)."),
    "closed_date": _("When it was closed (Chicago time); empty while open."),
    "street_address": _("The street address, as filed or as found from the point."),
    "zip_code": _("The ZIP code."),
    "street_number": _("The house number of the address."),
    "street_direction": _("The direction of the street: N, S, E or W."),
    "street_name": _("The name of the street."),
    "street_type": _("The type of the street: Ave, St, Blvd…"),
    "duplicate": _("True when the request repeats another one."),
    "community_area": _("The community area (1 to 77) the point is in."),
    "ward": _("The ward the point is in."),
    "created_hour": _("The hour it was filed (0 to 23, Chicago time)."),
    "created_day_of_week": _("The day of the week it was filed (1 is Sunday)."),
    "created_month": _("The month it was filed (1 to 12)."),
    "latitude": _("Latitude of the point (WGS84)."),
    "longitude": _("Longitude of the point (WGS84)."),
    "location": _("The point again, in the form the city's data portal writes it."),
    "parent_sr_number": _("For a duplicate, the number of the request it repeats."),
}
EMPTY_DESCRIPTION = _("Always empty: civic311 does not record it.")


def column_notes() -> list[tuple[str, object]]:
    """Every CSV column in order with what it holds."""
    return [(name, EMPTY_DESCRIPTION if name in EMPTY else DESCRIPTIONS[name]) for name in COLUMNS]
