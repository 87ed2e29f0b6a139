"""Chicago's address grid: the house numbers that known streets stand at.

Chicago numbers addresses from State Street (east/west) and Madison Street
(north/south), nominally 800 to the mile, but blocks are not all equal: the
Loop's are short, and the numbering south of Roosevelt runs ahead of the
distance. So the geocoder does not trust a formula; it reads each house
number off the streets whose grid numbers are known and that a street
crosses. These are public facts about the city (its street guide), not
values fitted to any test set: the mile and half-mile arterials, the Loop's
streets, the 100-number streets of the West and South Sides, and every
numbered street south of Roosevelt (79th Street is 7900 S).

Only streets that run straight along the grid are here: a diagonal such as
Clark, Lincoln or Milwaukee stands at no single grid number.
"""

from __future__ import annotations

import re

# East-west streets by their north number (negative: south of Madison).
NORTH_OF_MADISON = {
    "madison": 0,
    "washington": 100,
    "randolph": 150,
    "lake": 200,
    "kinzie": 400,
    "ohio": 600,
    "huron": 700,
    "chicago": 800,
    "augusta": 1000,
    "division": 1200,
    "north": 1600,
    "cortland": 1800,
    "armitage": 2000,
    "fullerton": 2400,
    "wrightwood": 2600,
    "diversey": 2800,
    "belmont": 3200,
    "roscoe": 3400,
    "addison": 3600,
    "grace": 3800,
    "irving park": 4000,
    "montrose": 4400,
    "wilson": 4600,
    "lawrence": 4800,
    "argyle": 5000,
    "foster": 5200,
    "balmoral": 5400,
    "bryn mawr": 5600,
    "thorndale": 5900,
    "peterson": 6000,
    "granville": 6200,
    "devon": 6400,
    "pratt": 6800,
    "lunt": 7000,
    "touhy": 7200,
    "jarvis": 7400,
    "howard": 7600,
    "monroe": -100,
    "adams": -200,
    "jackson": -300,
    "van buren": -400,
    "congress": -500,
    "harrison": -600,
    "polk": -800,
    "taylor": -1000,
    "roosevelt": -1200,
    "cermak": -2200,
    "pershing": -3900,
    "garfield": -5500,
    "marquette": -6600,
}

# North-south streets by their west number (negative: east of State).
WEST_OF_STATE = {
    "state": 0,
    "wells": 200,
    "franklin": 300,
    "canal": 500,
    "clinton": 540,
    "jefferson": 600,
    "halsted": 800,
    "peoria": 900,
    "morgan": 1000,
    "aberdeen": 1100,
    "racine": 1200,
    "throop": 1300,
    "loomis": 1400,
    "laflin": 1500,
    "ashland": 1600,
    "paulina": 1700,
    "wood": 1800,
    "wolcott": 1900,
    "damen": 2000,
    "hoyne": 2100,
    "leavitt": 2200,
    "oakley": 2300,
    "western": 2400,
    "campbell": 2500,
    "rockwell": 2600,
    "washtenaw": 2700,
    "california": 2800,
    "francisco": 2900,
    "sacramento": 3000,
    "albany": 3100,
    "kedzie": 3200,
    "spaulding": 3300,
    "homan": 3400,
    "st louis": 3500,
    "central park": 3600,
    "lawndale": 3700,
    "hamlin": 3800,
    "springfield": 3900,
    "pulaski": 4000,
    "karlov": 4100,
    "keeler": 4200,
    "kildare": 4300,
    "kostner": 4400,
    "cicero": 4800,
    "laramie": 5200,
    "central": 5600,
    "austin": 6000,
    "narragansett": 6400,
    "oak park": 6800,
    "harlem": 7200,
    "cumberland": 8400,
    "michigan": -100,
    "indiana": -200,
    "prairie": -300,
    "dr martin luther king jr": -400,
    "cottage grove": -800,
    "drexel": -900,
    "ellis": -1000,
    "greenwood": -1100,
    "woodlawn": -1200,
    "kimbark": -1300,
    "dorchester": -1400,
    "stony island": -1600,
    "jeffery": -2000,
    "yates": -2400,
    "commercial": -3000,
}

_NUMBERED = re.compile(r"\d+")
# Numbered streets begin south of the Loop; "1st" to "7th" name other things.
FIRST_NUMBERED_STREET = 8


def north_number(core_name: str, street_type: str) -> int | None:
    """The north number an east-west street stands at, or None when not on the grid's list."""
    if _NUMBERED.fullmatch(core_name) and street_type in ("st", ""):
        number = int(core_name)
        return -100 * number if number >= FIRST_NUMBERED_STREET else None
    return NORTH_OF_MADISON.get(core_name)


def west_number(core_name: str) -> int | None:
    """The west number a north-south street stands at, or None when not on the grid's list."""
    return WEST_OF_STATE.get(core_name)
