"""Reads of wards, for pages that show a request's ward and its alderman."""

from __future__ import annotations

from dataclasses import dataclass

from civic311.geo.models import Ward


@dataclass(frozen=True)
class WardOffice:
    """A ward's alderman and office contacts, as the tracker page shows them."""

    number: int
    alderman: str
    office_address: str
    office_phone: str
    office_email: str


def ward_office(number: int | None) -> WardOffice | None:
    """The ward's alderman and office, or None when the ward is unknown or has no alderman."""
    if number is None:
        return None
    row = (
        Ward.objects.filter(number=number)
        .exclude(alderman="")
        .values_list("number", "alderman", "office_address", "office_phone", "office_email")
        .first()
    )
    return WardOffice(*row) if row else None
