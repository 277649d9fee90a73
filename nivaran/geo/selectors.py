"""Reads of the geography: which area a point or an address lies in (B6, W4).

A point resolves to the smallest area whose boundary contains it (the state at
least); then, walking down from there, to the child whose point (a district's
headquarters, a block's office) is nearest, as long as every child of the area has a
point (otherwise a partial list of points would pull reports towards the few areas
that have one, and the walk stops at the parent). A point outside the
state's boundary is refused; without a state boundary nothing is routed by location.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from nivaran.core.errors import InvalidInput
from nivaran.geo.models import Area, AreaType

EARTH_RADIUS_KM = 6371.0
# Letters of English and Devanagari words: a name matches only as a whole word. Python's
# \w leaves out the Devanagari vowel signs, so a name ending in one needs the range.
_LETTER = r"[\w\u0900-\u097F]"


class LocationNotRoutable(InvalidInput):
    """The geography has no state boundary (or no area points): an area must be named."""


class LocationOutsideState(InvalidInput):
    """The point lies outside the state's boundary."""


class AddressNotMatched(InvalidInput):
    """No area, or more than one unrelated area, is named in the address."""


def ring_contains(ring: Sequence[Sequence[float]], *, latitude: float, longitude: float) -> bool:
    """Whether the point lies inside the ring of [latitude, longitude] vertices (ray casting:
    a ray to the east crosses the ring's edges an odd number of times). The degrees are
    treated as plane coordinates, which is exact enough for a state-sized ring."""
    inside = False
    count = len(ring)
    for i in range(count):
        lat_i, long_i = ring[i]
        lat_j, long_j = ring[i - 1]
        if (lat_i > latitude) != (lat_j > latitude):
            crossing = long_i + (latitude - lat_i) * (long_j - long_i) / (lat_j - lat_i)
            if longitude < crossing:
                inside = not inside
    return inside


def distance_km(lat1: float, long1: float, lat2: float, long2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(long2 - long1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def _states() -> list[Area]:
    return list(Area.objects.filter(type=AreaType.STATE, parent__isnull=True).order_by("path"))


def location_routing_available() -> bool:
    """Whether a point can be routed: the state has a boundary."""
    return Area.objects.filter(
        type=AreaType.STATE, parent__isnull=True, boundary__isnull=False
    ).exists()


def _inside(area: Area, latitude: float, longitude: float) -> bool:
    ring: list[list[float]] | None = area.boundary
    return bool(ring) and ring_contains(ring or [], latitude=latitude, longitude=longitude)


def area_at(*, latitude: float, longitude: float) -> Area:
    """The area a point lies in (see the module's docstring). Raises LocationNotRoutable
    or LocationOutsideState."""
    states = [s for s in _states() if s.boundary]
    if not states:
        raise LocationNotRoutable(
            "The geography has no state boundary, so a location cannot be routed."
        )
    state = next((s for s in states if _inside(s, latitude, longitude)), None)
    if state is None:
        names = ", ".join(s.name for s in states)
        raise LocationOutsideState(
            f"The location ({latitude:g}, {longitude:g}) lies outside {names}."
        )
    # The smallest area whose boundary holds the point (the deepest: boundaries nest)...
    bounded = Area.objects.filter(path__startswith=state.path, boundary__isnull=False)
    current = max(
        (a for a in bounded if _inside(a, latitude, longitude)),
        key=lambda a: a.path.count("/"),
        default=state,
    )
    # ...then down by the nearest point, where every part of the area has one.
    while True:
        children = list(Area.objects.filter(parent=current).order_by("path"))
        if not children or any(c.latitude is None or c.longitude is None for c in children):
            break
        current = min(
            children,
            key=lambda c: distance_km(latitude, longitude, c.latitude or 0, c.longitude or 0),
        )
    if current == state:
        raise LocationNotRoutable(
            f"No district of {state.name} has a point or a boundary, so a location "
            "cannot be routed."
        )
    return current


def _mentioned(name: str, text: str) -> bool:
    words = " ".join(name.split())
    if not words:
        return False
    pattern = rf"(?<!{_LETTER}){re.escape(words)}(?!{_LETTER})"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


def area_named_in(*, text: str) -> Area:
    """The area an address names, in English or Hindi, as a whole word. When several
    match, the one with the most of its ancestors named too wins ("Ward 1, Dehradun"),
    and then the deepest ("Ambala-I" over "Ambala"). Raises AddressNotMatched."""
    text = " ".join(text.split())
    areas = Area.objects.exclude(type=AreaType.STATE).only(
        "id", "code", "name", "name_hi", "path", "type", "parent_id"
    )
    matched = [
        a for a in areas if _mentioned(a.name, text) or (a.name_hi and _mentioned(a.name_hi, text))
    ]
    if not matched:
        raise AddressNotMatched("The address names no district or other area of the state.")
    support = {a.pk: sum(a.path.startswith(b.path) for b in matched) for a in matched}
    best = max(support.values())
    top = [a for a in matched if support[a.pk] == best]
    deepest = [a for a in top if not any(b != a and b.path.startswith(a.path) for b in top)]
    if len(deepest) > 1:
        names = ", ".join(f"{a.name} ({a.code})" for a in deepest[:5])
        raise AddressNotMatched(f"The address names several areas: {names}.")
    return deepest[0]
