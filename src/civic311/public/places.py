"""The places behind the page's address search and pin checks, as the small JSON it reads.

Kept apart from the views so the view stays a few lines; the geocoding itself is
`geo.services`' (nobody else parses addresses).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from civic311.geo.addresses import parse_address
from civic311.geo.distance import metres_between
from civic311.geo.services import Located, in_city, locate, locate_candidates
from civic311.public.forms import ADDRESS_NOT_FOUND, PIN_OUTSIDE

MAX_PLACES = 5
# Two answers this close are one place spelt two ways (Fullerton Ave / Fullerton Pkwy at the
# same corner): asking the resident to choose between them would change nothing for the crew.
SAME_PLACE_M = 30.0


def place_json(located: Located) -> dict:
    """One place as the page's script reads it."""
    return {
        "address": located.address,
        "lat": round(located.lat, 6),
        "long": round(located.long, 6),
        "ward": located.ward,
        "precision": str(located.precision),
        "label": label(located),
    }


def label(located: Located) -> str:
    """How the page names a place to confirm: "933 W Fullerton Ave, ward 43"."""
    if located.ward is None:
        return located.address
    if not located.address:  # a point no street is near enough to name
        return _("Ward %(number)s") % {"number": located.ward}
    return _("%(address)s, ward %(ward)s") % {"address": located.address, "ward": located.ward}


def search(text: str) -> dict:
    """Up to five places in the city the typed address may mean, best first."""
    found = short_list(text, locate_candidates(text, limit=MAX_PLACES))
    if not found:
        return {"places": [], "message": str(ADDRESS_NOT_FOUND)}
    return {"places": [place_json(p) for p in found]}


def short_list(text: str, found: list[Located]) -> list[Located]:
    """The places worth asking the resident to choose between, best first.

    The best alone when it is what was typed, spelling aside ("121 n lasalle st" is
    121 N La Salle St, not also La Salle Dr); otherwise one of each group of answers that
    stand for the same spot.
    """
    if found and parse_address(found[0].address) == parse_address(text):
        return found[:1]
    kept: list[Located] = []
    for place in found:
        if all(
            metres_between(place.lat, place.long, other.lat, other.long) > SAME_PLACE_M
            for other in kept
        ):
            kept.append(place)
    return kept


def at_point(lat: float, long: float) -> dict:
    """The nearest address and ward of a point, or why the point cannot be used."""
    located = locate(lat=lat, long=long)
    if not in_city(located):
        return {"place": None, "outside_city": True, "message": str(PIN_OUTSIDE)}
    return {"place": place_json(located), "outside_city": False}
