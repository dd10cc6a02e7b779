"""CRS rules: the one place that says how coordinates are stored and transformed.

Stored geometries are in the profile's storage CRS exactly as surveyed, with x = easting and
y = northing (PostGIS and GIS-file order). EPSG:3844 is *defined* northing-first, so every
pyproj transformation here states `always_xy=True`; only the OGC output layer, which must honour
a requested CRS's own axis order, asks `is_northing_first`.
"""

from __future__ import annotations

from functools import cache

from pyproj import CRS, Transformer

WGS84 = 4326
WEB_MERCATOR = 3857
CRS84_URI = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def epsg_uri(srid: int) -> str:
    return f"http://www.opengis.net/def/crs/EPSG/0/{srid}"


def srid_from_uri(uri: str) -> int:
    """EPSG code of an OGC CRS URI or 'EPSG:n' string; CRS84 counts as 4326 in (lon, lat)."""
    if uri.rstrip("/").endswith("CRS84"):
        return WGS84
    tail = uri.rstrip("/").split("/")[-1].split(":")[-1]
    if not tail.isdigit():
        raise ValueError(f"not an EPSG CRS: {uri}")
    return int(tail)


@cache
def transformer(src: int, dst: int) -> Transformer:
    """A transformer in (x=easting/longitude, y=northing/latitude) order on both sides."""
    return Transformer.from_crs(src, dst, always_xy=True)


@cache
def is_northing_first(srid: int) -> bool:
    """True when the CRS's authority axis order starts with northing/latitude (EPSG:3844, 4326)."""
    axis = CRS.from_epsg(srid).axis_info
    return bool(axis) and axis[0].direction in ("north", "south")


def transform_geojson(geometry: dict, src: int, dst: int) -> dict:
    """A GeoJSON geometry from `src` to `dst`, both in (x=easting/lon, y=northing/lat) order."""
    import numpy as np
    import shapely
    from shapely.geometry import mapping, shape

    t = transformer(src, dst)
    moved = shapely.transform(shape(geometry), lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))
    return mapping(moved)
