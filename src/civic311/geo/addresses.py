"""Chicago street addresses as a key a caller's words and a stored address both reduce to.

"709 N Cottage Grove Ave, Chicago, IL" as filed and "709 north cottage grove avenue"
as an operator types it while the caller talks both become the street "cottage grove"
on the 700 block. The back office looks requests up by that key with an exact,
indexed match instead of scanning every address for a substring (ADR 0011).

Chicago numbers every street on one grid, 100 numbers to a block, and says a
place's direction from State and Madison (N/S/E/W) before the name; the
direction and the street type (Ave, St, Blvd…) are what callers leave out or
spell differently, so both are dropped. Not a geocoder: no typo tolerance,
no intersections, no aliases such as "MLK Drive".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_STREET_LENGTH = 100
BLOCK_SIZE = 100

DIRECTIONS = frozenset({"n", "s", "e", "w", "north", "south", "east", "west"})
STREET_TYPES = frozenset(
    {
        "st", "street", "str",
        "ave", "av", "avenue",
        "blvd", "boulevard", "bl",
        "rd", "road",
        "dr", "drive",
        "pl", "place",
        "ct", "court",
        "pkwy", "parkway", "pky",
        "ter", "terrace",
        "hwy", "highway",
        "way",
        "ln", "lane",
        "sq", "square",
        "cir", "circle",
        "plz", "plaza",
        "expy", "expressway",
    }
)  # fmt: skip
CITY_TAIL = frozenset({"chicago", "il", "ill", "illinois", "usa", "us"})
# Words after which the rest is a unit, not the street: "Apt 2", "Unit 3B", "# 4".
UNIT_WORDS = frozenset({"apt", "apartment", "unit", "ste", "suite", "fl", "floor", "rm", "room"})
# Spoken fillers before or after the number: "the 700 block of N Cottage Grove".
FILLERS = frozenset({"the", "block", "of", "near", "around", "at"})
# Name particles callers split or join at will: "La Salle" / "LaSalle", "De Kalb" / "DeKalb".
PARTICLES = frozenset({"la", "de", "du", "le", "mc", "mac"})
# One spelling for words inside a name: "Saint Louis" is filed as "St Louis".
SPELLINGS = {"saint": "st", "mount": "mt", "fort": "ft"}

_APOSTROPHES = re.compile(r"['’`]")
_NOT_WORD = re.compile(r"[^a-z0-9#]+")
_HOUSE_NUMBER = re.compile(r"(\d+)[a-z]?")
_HOUSE_RANGE = re.compile(r"^\s*(\d+)\s*-\s*\d+\b")
_ZIP = re.compile(r"\d{5}(\d{4})?")
_ORDINAL = re.compile(r"(\d+)(st|nd|rd|th)")


@dataclass(frozen=True)
class AddressKey:
    """What a lookup by address matches on: the street's core name and the block."""

    street: str  # "cottage grove"; "" when the text names no street
    block: int | None  # 700 for 709; None when no house number was given


def address_key(text: str) -> AddressKey:
    """The street key and block of a stored or typed Chicago address."""
    words = _words(text)
    number, rest = _house_number(words)
    if number is not None and rest and all(w in STREET_TYPES for w in rest):
        number, rest = None, words  # "81 St" is 81st Street, not number 81 of nowhere
    rest = _without_unit(_without_city_tail(rest))
    street = " ".join(_core_name(rest))[:MAX_STREET_LENGTH].strip()
    return AddressKey(street=street, block=block_of(number) if number is not None else None)


def block_of(house_number: int) -> int:
    """The hundred block a house number is on: 709 → 700, 1 → 0."""
    return house_number // BLOCK_SIZE * BLOCK_SIZE


def _words(text: str) -> list[str]:
    # The first comma ends the street line: ", Chicago, IL 60602" and the like.
    street_line = (text or "").split(",", 1)[0].lower()
    street_line = _HOUSE_RANGE.sub(r"\1", street_line)  # "709-711 N …" is the 709 building
    street_line = _APOSTROPHES.sub("", street_line)  # "O'Brien" is "obrien", not "o brien"
    return [w for w in _NOT_WORD.split(street_line.replace("#", " # ")) if w]


def _house_number(words: list[str]) -> tuple[int | None, list[str]]:
    """The leading house number (fillers around it skipped) and the words after it."""
    rest = list(words)
    while rest and rest[0] in FILLERS:
        rest.pop(0)
    if not rest or not (match := _HOUSE_NUMBER.fullmatch(rest[0])):
        return None, words
    rest.pop(0)
    while rest and rest[0] in FILLERS:
        rest.pop(0)
    return int(match.group(1)), rest


def _without_city_tail(words: list[str]) -> list[str]:
    """Drop a typed "… chicago il 60602" tail, but keep Chicago Ave's own name."""
    words = list(words)
    dropped_state = False
    while words and (_ZIP.fullmatch(words[-1]) or words[-1] in CITY_TAIL - {"chicago"}):
        words.pop()
        dropped_state = True
    # "chicago" is the city only after a street type or before a state: "… ave chicago".
    if len(words) >= 2 and words[-1] == "chicago" and (dropped_state or words[-2] in STREET_TYPES):
        words.pop()
    return words


def _without_unit(words: list[str]) -> list[str]:
    for index, word in enumerate(words):
        if index > 0 and (word in UNIT_WORDS or word == "#"):
            return words[:index]
    return [w for w in words if w != "#"]


def _core_name(words: list[str]) -> list[str]:
    """The street's name without its direction and type, whatever is left of it."""
    if len(words) > 1 and words[0] in DIRECTIONS and _has_name(words[1:]):
        words = words[1:]  # "N North Ave" keeps "north"; "North Ave" too
    if len(words) > 1 and words[-1] in DIRECTIONS and _has_name(words[:-1]):
        words = words[:-1]  # a trailing "… Dr N"
    if len(words) > 1 and words[-1] in STREET_TYPES:
        words = words[:-1]  # one type only: "Park Ave" is "park", "Grove" stays in the name
    if len(words) == 1 and words[0] in STREET_TYPES:
        return []  # "ave" alone names no street
    return _joined_particles([_one_spelling(w) for w in words])


def _one_spelling(word: str) -> str:
    if match := _ORDINAL.fullmatch(word):
        return match.group(1)  # "81st", "81 st" and "81" are one street
    return SPELLINGS.get(word, word)


def _has_name(words: list[str]) -> bool:
    return any(w not in STREET_TYPES for w in words)


def _joined_particles(words: list[str]) -> list[str]:
    joined: list[str] = []
    for word in words:
        if joined and joined[-1] in PARTICLES:
            joined[-1] += word
        else:
            joined.append(word)
    return joined
