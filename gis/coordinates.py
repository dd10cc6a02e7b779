"""Coordinates typed or pasted by an officer (from a surveyor's inventory of coordinates).

Romanian surveyors write X = northing and Y = easting, one point per line, often with the
point number first: `1  512345.12  345678.90`, `1;512345,12;345678,90`, `512345.12,345678.90`.
The UAT boundary decides which number is which: the pair is read as (X north, Y east) and
swapped with a warning only when that order lands outside the UAT and the other inside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gis.coded_errors import CodedError

_SEPARATED = re.compile(r"[;\t ]+")


class CoordinateError(CodedError, ValueError):
    pass


@dataclass
class Outline:
    ring: list[tuple[float, float]]          # (easting, northing), closed
    notes: list[str] = field(default_factory=list)

    def geojson(self) -> dict:
        return {"type": "Polygon", "coordinates": [[list(p) for p in self.ring]]}


def _numbers(line: str) -> list[float]:
    line = line.strip().replace("X=", " ").replace("Y=", " ").replace("x=", " ").replace("y=", " ")
    tokens = [t for t in _SEPARATED.split(line) if t]
    if len(tokens) == 1 and "," in tokens[0]:       # CSV with dot decimals
        tokens = tokens[0].split(",")
    out = []
    for t in tokens:
        t = t.strip().rstrip(",")
        if "," in t and "." not in t:                # decimal comma
            t = t.replace(",", ".")
        try:
            out.append(float(t))
        except ValueError:
            continue                                  # a label, a point name
    return out


def parse(text: str, bbox: tuple[float, float, float, float], crs_name: str = "the storage CRS") -> Outline:
    """One polygon ring from lines of coordinates; `bbox` is the UAT's (minx, miny, maxx, maxy)
    in the storage CRS (x = easting), which people call `crs_name` (the national profile's)."""
    pairs: list[tuple[float, float]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        numbers = _numbers(line)
        if len(numbers) < 2:
            raise CoordinateError(f"line {n} has no pair of coordinates: {line.strip()[:60]!r}", "coordinates.no_pair",
                                  n=n, line=repr(line.strip()[:60]))
        pairs.append((numbers[-2], numbers[-1]))     # the last two: X, Y (a point number may lead)
    if len(pairs) < 3:
        raise CoordinateError("an outline needs at least three points, one per line", "coordinates.too_few")
    minx, miny, maxx, maxy = bbox

    def inside(points):
        return all(minx <= e <= maxx and miny <= n <= maxy for e, n in points)

    surveyor = [(y, x) for x, y in pairs]            # X north, Y east
    notes = []
    if inside(surveyor):
        ring = surveyor
    elif inside(pairs):
        ring = list(pairs)
        notes.append("the coordinates were read as X = easting, Y = northing (they fall inside "
                      "the UAT only that way)")
    else:
        raise CoordinateError(f"the coordinates fall outside the UAT in either order: are they in {crs_name}?",
                              "coordinates.outside", crs=crs_name)
    if ring[0] != ring[-1]:
        ring.append(ring[0])
    if len(set(ring)) < 3:
        raise CoordinateError("an outline needs at least three different points", "coordinates.too_few_distinct")
    return Outline(ring, notes)
