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
    snapped, _moves, moved = snap_outline(conn, uat, geom, srid, tolerance, exclude_ids)
    return (geometry, 0) if snapped is geom else (mapping(snapped), moved)


def snap_outline(conn: Connection, uat: int, geom, srid: int, tolerance: float,
                 exclude_ids: tuple[int, ...] = ()) -> tuple[object, list[tuple[tuple, tuple]], int]:
    """`snap()` on a shapely outline, saying which vertices moved: (snapped outline, [(from xy, to
    xy)] once per distinct vertex, count as `snap()` gives it). The importers report every moved
    vertex; an invalid result is not applied (the outline as it was, no moves)."""
    rows = conn.execute(text("""
        SELECT ST_AsBinary(ST_Boundary(q.geom)) FROM cadastre.parcel q
        WHERE q.uat_siruta = :uat AND q.valid_to IS NULL AND NOT (q.id = ANY(:x))
          AND ST_DWithin(q.geom, ST_GeomFromWKB(:g, :srid), :tol)"""),
        {"uat": uat, "x": list(exclude_ids), "g": shapely.to_wkb(geom), "srid": srid,
         "tol": tolerance}).scalars().all()
    if not rows:
        return geom, [], 0
    return snap_onto(geom, [shapely.from_wkb(bytes(r)) for r in rows], tolerance)


def snap_onto(geom, boundaries: list, tolerance: float) -> tuple[object, list[tuple[tuple, tuple]], int]:
    """`geom` snapped onto the given neighbour boundaries (lines), as `snap_outline` answers."""
    boundary = shapely.line_merge(shapely.union_all(boundaries))
    targets = shapely.get_coordinates(boundary)
    moved_geom, moved = _move_vertices(geom, targets, boundary, tolerance)
    # then the other way round: neighbours' vertices on our edges become our vertices too
    snapped = shapely.snap(moved_geom, shapely.MultiPoint(targets), tolerance / 10)
    if not snapped.is_valid or snapped.is_empty or snapped.geom_type not in ("Polygon", "MultiPolygon"):
        return geom, [], 0
    before, after = shapely.get_coordinates(geom), shapely.get_coordinates(moved_geom)
    moves = [(tuple(a), tuple(b)) for a, b in zip(before, after, strict=True) if (a != b).any()]
    if geom.geom_type in ("Polygon", "MultiPolygon"):  # a ring's closing vertex repeats its first
        seen: set = set()
        moves = [m for m in moves if not (m in seen or seen.add(m))]
    return snapped, moves, int(moved)


def keep_surveyed(geometry: dict, stored: dict, tolerance: float = 0.01) -> dict:
    """Vertices of `geometry` within `tolerance` (m) of a vertex of `stored` take its exact
    coordinates: an edit in the browser leaves the vertices it did not move as surveyed."""
    targets = shapely.get_coordinates(shape(stored))
    kept, _ = _move_vertices(shape(geometry), targets, None, tolerance)
    return mapping(kept)
