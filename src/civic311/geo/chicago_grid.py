"""Chicago's street grid: turn a point into a believable street address.

Chicago numbers addresses from State and Madison at 800 to the mile, so a
point's distance from that corner gives its house number on the nearest
major street. Used by the demo data; good to a block, not a geocoder.
"""

from __future__ import annotations

MADISON_LAT = 41.88188
STATE_LONG = -87.62795
NUMBERS_PER_DEGREE_LAT = 69.05 * 800
NUMBERS_PER_DEGREE_LONG = 51.45 * 800

# Major east-west streets by grid number (positive north of Madison, negative south).
EAST_WEST = [
    (7600, "Howard St"),
    (7200, "Touhy Ave"),
    (6800, "Pratt Blvd"),
    (6400, "Devon Ave"),
    (6000, "Peterson Ave"),
    (5600, "Bryn Mawr Ave"),
    (5200, "Foster Ave"),
    (4800, "Lawrence Ave"),
    (4400, "Montrose Ave"),
    (4000, "Irving Park Rd"),
    (3600, "Addison St"),
    (3200, "Belmont Ave"),
    (2800, "Diversey Pkwy"),
    (2400, "Fullerton Ave"),
    (2000, "Armitage Ave"),
    (1600, "North Ave"),
    (1200, "Division St"),
    (800, "Chicago Ave"),
    (400, "Grand Ave"),
    (0, "Madison St"),
    (-500, "Congress Pkwy"),
    (-1200, "Roosevelt Rd"),
    (-2200, "Cermak Rd"),
    (-2600, "26th St"),
    (-3100, "31st St"),
    (-3500, "35th St"),
    (-3900, "Pershing Rd"),
    (-4300, "43rd St"),
    (-4700, "47th St"),
    (-5100, "51st St"),
    (-5500, "Garfield Blvd"),
    (-5900, "59th St"),
    (-6300, "63rd St"),
    (-6700, "67th St"),
    (-7100, "71st St"),
    (-7500, "75th St"),
    (-7900, "79th St"),
    (-8300, "83rd St"),
    (-8700, "87th St"),
    (-9100, "91st St"),
    (-9500, "95th St"),
    (-9900, "99th St"),
    (-10300, "103rd St"),
    (-10700, "107th St"),
    (-11100, "111th St"),
    (-11500, "115th St"),
    (-11900, "119th St"),
    (-12700, "127th St"),
    (-13000, "130th St"),
]

# Major north-south streets by grid number (positive west of State, negative east).
NORTH_SOUTH = [
    (8400, "Cumberland Ave"),
    (7200, "Harlem Ave"),
    (6800, "Oak Park Ave"),
    (6400, "Narragansett Ave"),
    (6000, "Austin Ave"),
    (5600, "Central Ave"),
    (5200, "Laramie Ave"),
    (4800, "Cicero Ave"),
    (4400, "Kostner Ave"),
    (4000, "Pulaski Rd"),
    (3600, "Central Park Ave"),
    (3200, "Kedzie Ave"),
    (2800, "California Ave"),
    (2400, "Western Ave"),
    (2000, "Damen Ave"),
    (1600, "Ashland Ave"),
    (1200, "Racine Ave"),
    (800, "Halsted St"),
    (400, "Clinton St"),
    (0, "State St"),
    (-400, "Martin Luther King Dr"),
    (-800, "Cottage Grove Ave"),
    (-1200, "Woodlawn Ave"),
    (-1600, "Stony Island Ave"),
    (-2000, "Jeffery Blvd"),
    (-2400, "Yates Blvd"),
    (-3000, "Commercial Ave"),
    (-3600, "Ewing Ave"),
]


def grid_position(lat: float, long: float) -> tuple[int, int]:
    """(north, west) grid numbers of a point; negative means south or east."""
    north = round((lat - MADISON_LAT) * NUMBERS_PER_DEGREE_LAT)
    west = round((STATE_LONG - long) * NUMBERS_PER_DEGREE_LONG)
    return north, west


def address_near(lat: float, long: float, *, on_east_west_street: bool) -> str:
    """A street address near the point, on the closest major street of the chosen direction."""
    north, west = grid_position(lat, long)
    if on_east_west_street:
        _, street = min(EAST_WEST, key=lambda s: abs(s[0] - north))
        return f"{_house(west)} {'W' if west >= 0 else 'E'} {street}"
    _, street = min(NORTH_SOUTH, key=lambda s: abs(s[0] - west))
    return f"{_house(north)} {'N' if north >= 0 else 'S'} {street}"


def _house(number: int) -> int:
    return max(1, abs(number) // 2 * 2 + 1)
