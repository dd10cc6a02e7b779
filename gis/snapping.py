"""Snapping a drawn outline onto its neighbours, and keeping surveyed vertices exact.

A parcel drawn or edited on the web map travels through WGS 84 and back: its vertices come
home a few micrometres off, and the vertices the officer meant to share with a neighbour
are off by the width of a click. `snap()` moves every vertex within the tolerance onto the
nearest neighbour vertex (or, failing one, onto the nearest neighbour edge) and inserts the
neighbours' vertices that lie on its own edges, so shared boundaries are identical and no
sliver or hairline overlap is left. `keep_surveyed()` puts back the exact stored coordinates
of the vertices an edit did not move.
"""

from __future__ import annotations

import json

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from sqlalchemy import Connection, text


def _move_vertices(geom, targets: np.ndarray, boundary, tolerance: float):
    moved = 0

    def fix(coords: np.ndarray) -> np.ndarray:
        nonlocal moved
        out = coords.copy()
        for i, xy in enumerate(coords):
            if len(targets):
                d = np.hypot(*(targets - xy).T)
                j = int(np.argmin(d))
                if d[j] <= tolerance:
                    moved += d[j] > 0
                    out[i] = targets[j]
                    continue
            if boundary is not None:
                p = shapely.Point(xy)
                if boundary.distance(p) <= tolerance:
                    near = boundary.interpolate(boundary.project(p))
                    moved += 1
                    out[i] = (near.x, near.y)
        return out

    return shapely.transform(geom, fix), moved


def snap(conn: Connection, uat: int, geometry: dict, srid: int, tolerance: float,
         exclude_ids: tuple[int, ...] = ()) -> tuple[dict, int]:
    """`geometry` (GeoJSON in `srid`) snapped to the current parcels around it; and how many
    vertices moved. A snap that would make the outline invalid is not applied (0 moved)."""
    geom = shape(geometry)
    rows = conn.execute(text("""
        SELECT ST_AsBinary(ST_Boundary(q.geom)) FROM cadastre.parcel q
        WHERE q.uat_siruta = :uat AND q.valid_to IS NULL AND NOT (q.id = ANY(:x))
          AND ST_DWithin(q.geom, ST_SetSRID(ST_GeomFromGeoJSON(:g), :srid), :tol)"""),
        {"uat": uat, "x": list(exclude_ids), "g": json.dumps(geometry), "srid": srid,
         "tol": tolerance}).scalars().all()
    if not rows:
        return geometry, 0
    boundary = shapely.line_merge(shapely.union_all([shapely.from_wkb(bytes(r)) for r in rows]))
    targets = shapely.get_coordinates(boundary)
    snapped, moved = _move_vertices(geom, targets, boundary, tolerance)
    # then the other way round: neighbours' vertices on our edges become our vertices too
    snapped = shapely.snap(snapped, shapely.MultiPoint(targets), tolerance / 10)
    if not snapped.is_valid or snapped.is_empty or snapped.geom_type not in ("Polygon", "MultiPolygon"):
        return geometry, 0
    return mapping(snapped), int(moved)


def keep_surveyed(geometry: dict, stored: dict, tolerance: float = 0.01) -> dict:
    """Vertices of `geometry` within `tolerance` (m) of a vertex of `stored` take its exact
    coordinates: an edit in the browser leaves the vertices it did not move as surveyed."""
    targets = shapely.get_coordinates(shape(stored))
    kept, _ = _move_vertices(shape(geometry), targets, None, tolerance)
    return mapping(kept)
