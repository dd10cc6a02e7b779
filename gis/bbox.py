"""A requested bounding box (`bbox`, `bbox-crs`): checked, then turned into the exact area it
covers in the storage CRS.

Two corners are not enough: a box drawn in CRS84 is not a box in Stereo 70 (meridians converge),
and the corners of a world box have no Stereo 70 coordinates at all (that made
`bbox=-180,-90,180,90` match nothing). So the box is first clamped to the storage CRS's area of
use (outside it the projection is undefined; no stored geometry lies there), its edges are
densified, and each point is transformed: the result is the polygon to intersect, not its
envelope.

Axis order follows the CRS named in `bbox-crs` (OGC API Features Part 2): CRS84 and Web
Mercator are (x, y); EPSG:4326 and EPSG:3844 are northing/latitude first.

Antimeridian: in a geographic CRS a box whose west edge is east of its east edge (minlon >
maxlon, e.g. `170,40,-170,50`) crosses the antimeridian (OGC API Features Part 1, 7.15.3); it
is read as the two boxes minlon..180 and -180..maxlon. In a projected CRS minx > maxx is an error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from gis.crs import CRS84_URI, is_northing_first, srid_from_uri, transformer

EDGE_POINTS = 32  # points per edge: the curvature of a parallel in Stereo 70 is then below a millimetre


class BBoxError(ValueError):
    """A bbox that cannot be a box (the message says why, for a 400)."""


@dataclass(frozen=True)
class RequestedBox:
    """A box in (x = easting/longitude, y = northing/latitude) order, whatever the axis order it came in."""

    srid: int
    minx: float
    miny: float
    maxx: float
    maxy: float

    @property
    def is_geographic(self) -> bool:
        return _is_geographic(self.srid)


@cache
def _is_geographic(srid: int) -> bool:
    return CRS.from_epsg(srid).is_geographic


def crs_of(uri: str | None) -> tuple[int, bool]:
    """(EPSG code, northing first?) of a `bbox-crs`/`crs` value; none given is CRS84."""
    uri = uri or CRS84_URI
    srid = srid_from_uri(uri)
    return srid, (not uri.rstrip("/").endswith("CRS84")) and is_northing_first(srid)


def parse_bbox(value: str, crs_uri: str | None = None) -> RequestedBox:
    """The `bbox` parameter read in `bbox-crs` (4 numbers, or 6 with heights, which are ignored)."""
    parts = value.split(",")
    if len(parts) not in (4, 6):
        raise BBoxError(f"bbox must have 4 numbers (or 6 with heights), not {len(parts)}")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise BBoxError("bbox values must be numbers separated by commas") from None
    if not all(math.isfinite(n) for n in numbers):
        raise BBoxError("bbox values must be finite numbers")
    if len(numbers) == 6:
        if numbers[2] > numbers[5]:
            raise BBoxError("bbox: the lower height is above the upper one")
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    try:
        srid, northing_first = crs_of(crs_uri)
        _is_geographic(srid)
    except (ValueError, CRSError):
        raise BBoxError(f"bbox-crs {crs_uri!r} is not a CRS this service knows") from None
    a1, b1, a2, b2 = numbers
    x1, y1, x2, y2 = (b1, a1, b2, a2) if northing_first else (a1, b1, a2, b2)
    first, second = ("latitude", "longitude") if northing_first else ("longitude", "latitude")
    if y1 > y2:
        raise BBoxError(f"bbox: the lower {'latitude' if _is_geographic(srid) else 'y'} is above the upper one "
                        f"(axis order of this CRS: {first}, {second})")
    if _is_geographic(srid):
        if not (-180 <= x1 <= 180 and -180 <= x2 <= 180):
            raise BBoxError(f"bbox: longitude outside -180..180 (axis order of this CRS: {first}, {second})")
        if not (-90 <= y1 <= 90 and -90 <= y2 <= 90):
            raise BBoxError(f"bbox: latitude outside -90..90 (axis order of this CRS: {first}, {second})")
    elif x1 > x2:
        raise BBoxError("bbox: minx is greater than maxx (only a geographic box may cross the antimeridian)")
    return RequestedBox(srid, x1, y1, x2, y2)


@cache
def _area_of_use(storage_srid: int, srid: int) -> tuple[float, float, float, float]:
    """The storage CRS's area of use, expressed in `srid` (x, y order)."""
    west, south, east, north = CRS.from_epsg(storage_srid).area_of_use.bounds
    if _is_geographic(srid):
        return west, south, east, north
    return transformer(4326, srid).transform_bounds(west, south, east, north, densify_pts=EDGE_POINTS)


def _boxes(box: RequestedBox) -> list[tuple[float, float, float, float]]:
    if box.is_geographic and box.minx > box.maxx:  # across the antimeridian
        return [(box.minx, box.miny, 180.0, box.maxy), (-180.0, box.miny, box.maxx, box.maxy)]
    return [(box.minx, box.miny, box.maxx, box.maxy)]


def _shape(x1: float, y1: float, x2: float, y2: float):
    """The box as a polygon with densified edges (a line or a point when it has no area)."""
    if x1 == x2 and y1 == y2:
        return shapely.Point(x1, y1)
    if x1 == x2 or y1 == y2:
        geom = shapely.LineString([(x1, y1), (x2, y2)])
    else:
        geom = shapely.box(x1, y1, x2, y2)
    return shapely.segmentize(geom, max(x2 - x1, y2 - y1) / EDGE_POINTS)


def storage_area(box: RequestedBox, storage_srid: int):
    """The area the box covers, in the storage CRS (x = easting): a shapely geometry, empty when the
    box lies outside the storage CRS's area of use."""
    if box.srid == storage_srid:
        return _shape(box.minx, box.miny, box.maxx, box.maxy)
    w, s, e, n = _area_of_use(storage_srid, box.srid)
    t = transformer(box.srid, storage_srid)
    parts = []
    for x1, y1, x2, y2 in _boxes(box):
        x1, y1, x2, y2 = max(x1, w), max(y1, s), min(x2, e), min(y2, n)
        if x1 > x2 or y1 > y2:
            continue  # no part of this box where the storage CRS is defined
        parts.append(shapely.transform(_shape(x1, y1, x2, y2), lambda xy: _moved(t, xy)))
    if not parts:
        return shapely.GeometryCollection()
    return parts[0] if len(parts) == 1 else shapely.GeometryCollection(parts)


def _moved(t, xy):
    import numpy as np

    return np.column_stack(t.transform(xy[:, 0], xy[:, 1]))


def bbox_problem(bbox: str | None, bbox_crs: str | None) -> str | None:
    """Why the `bbox` parameter (read in `bbox-crs`) cannot be a box, or None."""
    if bbox is None:
        return None
    try:
        parse_bbox(bbox, bbox_crs)
    except BBoxError as exc:
        return str(exc)
    return None
