"""Chicago street addresses as people type them, reduced to their parts and to a key.

"709 N Cottage Grove Ave, Chicago, IL" as filed and "709 north cottage grove avenue"
as an operator types it while the caller talks both parse to number 709 on the
street N / "cottage grove" / ave, and reduce to the key "cottage grove" on the
700 block. The back office looks requests up by that key with an exact,
indexed match (ADR 0011); the geocoder (civic311.geo.geocoding) matches the
parsed street against Chicago's street names, parsed by the same rules, so
there is one normaliser for the whole project.

Chicago numbers every street on one grid, 100 numbers to a block, and says a
place's direction from State and Madison (N/S/E/W) before the name; the
direction and the street type (Ave, St, Blvd…) are what callers leave out or
spell differently, so the key drops both while the parse keeps them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_STREET_LENGTH = 100
BLOCK_SIZE = 100

DIRECTION_LETTERS = {"n": "N", "s": "S", "e": "E", "w": "W"}
DIRECTION_LETTERS |= {"north": "N", "south": "S", "east": "E", "west": "W"}
DIRECTIONS = frozenset(DIRECTION_LETTERS)
# Every spelling of a street type, to the abbreviation the city writes.
TYPE_SPELLINGS = {
    "st": "st", "street": "st", "str": "st",
    "ave": "ave", "av": "ave", "avenue": "ave",
    "blvd": "blvd", "boulevard": "blvd", "bl": "blvd",
    "rd": "rd", "road": "rd",
    "dr": "dr", "drive": "dr",
    "pl": "pl", "place": "pl",
    "ct": "ct", "court": "ct",
    "pkwy": "pkwy", "parkway": "pkwy", "pky": "pkwy",
    "ter": "ter", "terrace": "ter",
    "hwy": "hwy", "highway": "hwy",
    "way": "way",
    "ln": "ln", "lane": "ln",
    "sq": "sq", "square": "sq",
    "cir": "cir", "circle": "cir",
    "plz": "plz", "plaza": "plz",
    "expy": "expy", "expressway": "expy",
}  # fmt: skip
STREET_TYPES = frozenset(TYPE_SPELLINGS)
CITY_TAIL = frozenset({"chicago", "il", "ill", "illinois", "usa", "us"})
# Words after which the rest is a unit, not the street: "Apt 2", "Unit 3B", "# 4".
UNIT_WORDS = frozenset({"apt", "apartment", "unit", "ste", "suite", "fl", "floor", "rm", "room"})
# Spoken fillers before or after the number: "the 700 block of N Cottage Grove".
FILLERS = frozenset({"the", "block", "of", "near", "around", "at"})
# Name particles callers split or join at will: "La Salle" / "LaSalle", "De Kalb" / "DeKalb".
PARTICLES = frozenset({"la", "de", "du", "le", "mc", "mac"})
# One spelling for words inside a name: "Saint Louis" is filed as "St Louis".
SPELLINGS = {"saint": "st", "mount": "mt", "fort": "ft"}
# The double-decked streets of the Loop: "Lower Wacker Dr" is filed under Wacker Dr.
LEVELS = frozenset({"lower", "upper"})
# The East Side's lettered avenues, which the city files as a bare letter: "S O" is Avenue O.
LETTERED_AVENUE = "avenue {}"
# Numbered streets written out: "Fifth Avenue" is "5th Ave".
_ORDINALS = "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth"
ORDINAL_WORDS = {word: str(number) for number, word in enumerate(_ORDINALS.split(), start=1)}

_APOSTROPHES = re.compile(r"['’`]")
_NOT_WORD = re.compile(r"[^a-z0-9#]+")
_HOUSE_NUMBER = re.compile(r"(\d+)[a-z]?")
_HOUSE_RANGE = re.compile(r"^\s*(\d+)\s*-\s*\d+\b")
_ZIP = re.compile(r"\d{5}(\d{4})?")
_ORDINAL = re.compile(r"(\d+)(st|nd|rd|th)")
# Two streets that cross: "Clark & Division", "Clark and Division", "Clark/Division".
_CROSSING = re.compile(r"\s*(?:&|/|@|\band\b|\bat\b)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class AddressKey:
    """What a lookup by address matches on: the street's core name and the block."""

    street: str  # "cottage grove"; "" when the text names no street
    block: int | None  # 700 for 709; None without a house number, or without a street

    @property
    def names_a_house(self) -> bool:
        """True when it has a street and a block: a place one could stand at."""
        return bool(self.street) and self.block is not None


@dataclass(frozen=True)
class StreetName:
    """A street as Chicago names it: direction, core name, type ("N", "lasalle", "st")."""

    direction: str  # "N", "S", "E", "W", or "" when not said
    name: str  # the core name, lower case, particles joined: "lasalle", "st louis", "81"
    street_type: str  # the city's abbreviation ("ave", "st", …), or "" when not said


@dataclass(frozen=True)
class ParsedAddress:
    """A typed address in its parts: house number, street, and whether it named a block."""

    house_number: int | None
    street: StreetName
    is_block: bool = False  # "the 700 block of …": a block, not a house


def parse_address(text: str) -> ParsedAddress:
    """The house number and street of a stored or typed Chicago address."""
    words = _words(text)
    is_block = "block" in words
    number, rest = _house_number(words)
    if number is not None and rest and all(w in STREET_TYPES for w in rest):
        number, rest = None, words  # "81 St" is 81st Street, not number 81 of nowhere
    street = parse_street_words(_without_unit(_without_city_tail(rest)))
    return ParsedAddress(
        house_number=number, street=street, is_block=is_block and number is not None
    )


def parse_street(text: str) -> StreetName:
    """A street name alone ("N LA SALLE ST", "Fifth Avenue") in its parts."""
    return parse_street_words(_without_city_tail(_words(text)))


def parse_intersection(text: str) -> tuple[StreetName, StreetName] | None:
    """The two streets of "Clark & Division" and its spellings, or None when not a crossing."""
    parts = _CROSSING.split((text or "").split(",", 1)[0])
    if len(parts) != 2:
        return None
    first, second = (parse_street(part) for part in parts)
    return (first, second) if first.name and second.name else None


def address_key(text: str) -> AddressKey:
    """The street key and block of a stored or typed Chicago address."""
    parsed = parse_address(text)
    street, number = parsed.street.name, parsed.house_number
    # A number with no street ("709", coordinates) is on no block.
    return AddressKey(
        street=street, block=block_of(number) if number is not None and street else None
    )


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


def parse_street_words(words: list[str]) -> StreetName:
    """Split a street's words into direction, core name and type, whatever is left of it."""
    direction = street_type = ""
    if len(words) > 1 and words[0] in DIRECTIONS and _has_name(words[1:]):
        direction, words = DIRECTION_LETTERS[words[0]], words[1:]  # "N North Ave" keeps "north"
    if len(words) > 1 and words[-1] in DIRECTIONS and _has_name(words[:-1]):
        direction, words = direction or DIRECTION_LETTERS[words[-1]], words[:-1]  # "… Dr N"
    if len(words) > 1 and words[-1] in STREET_TYPES:
        # One type only: "Park Ave" is "park", "Grove" stays in the name.
        street_type, words = TYPE_SPELLINGS[words[-1]], words[:-1]
    if len(words) == 1 and words[0] in STREET_TYPES:
        return StreetName(direction, "", TYPE_SPELLINGS[words[0]])  # "ave" alone names no street
    words = [w for w in words if w not in LEVELS] or words
    if len(words) == 1 and len(words[0]) == 1 and words[0].isalpha():
        words = LETTERED_AVENUE.format(words[0]).split()
    core = " ".join(_joined_particles([_one_spelling(w) for w in words]))
    return StreetName(direction, core[:MAX_STREET_LENGTH].strip(), street_type)


def _one_spelling(word: str) -> str:
    if match := _ORDINAL.fullmatch(word):
        return match.group(1)  # "81st", "81 st" and "81" are one street
    return ORDINAL_WORDS.get(word) or SPELLINGS.get(word, word)


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
