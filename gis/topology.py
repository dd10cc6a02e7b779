"""'Verifică stratul': a topology check of the cadastral layer over a UAT or a drawn area.

Finds overlaps between current parcels, slivers between neighbours (`slivers()`: the very rule
a save applies, gis/editing.validate, so the check finds what a save of either neighbour would
refuse), gaps narrower than a threshold (holes in the union of the parcels that collapse under
a negative buffer of half the threshold: streets and fields are wider), invalid geometries and
duplicated cadastral numbers. Each problem has its location.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from sqlalchemy import Connection, text

from gis.tolerances import CHECK_GAP_WIDTH_M, EDIT_GAP_WIDTH_M, OVERLAP_M2, SAME_GEOMETRY_M, SLIVER_MIN_LENGTH_M

GAP_WIDTH_M = CHECK_GAP_WIDTH_M


@dataclass(frozen=True)
class TopologyProblem:
    kind: str                    # overlap | sliver | gap | invalid | duplicate
    cadastral_numbers: list[str]
    area_m2: float
    detail: str
    location: dict               # GeoJSON in CRS84

    def to_json(self) -> dict:
        return asdict(self)


def _current(alias: str, area_geojson: dict | None) -> str:
    """The condition for current parcels of :uat (in the drawn area, if any) under `alias`.
    Written out per alias, not as a CTE: a CTE used twice is materialised without its GiST index,
    and the self-join for overlaps would compare every pair (minutes at 100,000 parcels)."""
    cond = f"{alias}.uat_siruta = :uat AND {alias}.valid_to IS NULL"
    if area_geojson is not None:
        cond += (f" AND ST_Intersects({alias}.geom, ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(:area), "
                 f"4326), :srid))")
    return cond


def slivers(conn: Connection, uat: int, width_m: float, candidate: dict | None = None, srid: int | None = None,
            exclude_id: int | None = None, area_geojson: dict | None = None) -> list[tuple[str, str, float, dict]]:
    """The sliver rule, one for saves and the layer check: two current parcels that do not touch
    (are farther apart than SAME_GEOMETRY_M) but come within `width_m` of each other along at least
    SLIVER_MIN_LENGTH_M of an outline leave a strip between them (where their `width_m` buffers
    meet, outside both) of at least OVERLAP_M2; two corners that merely come close are no sliver.
    Over the layer (optionally the parcels touching `area_geojson`, CRS84), or for a `candidate`
    outline (GeoJSON in `srid`) about to replace parcel `exclude_id`. Each sliver once:
    (number, neighbour's number, m², location as CRS84 GeoJSON)."""
    params = {"uat": uat, "width": width_m, "min": OVERLAP_M2, "x": exclude_id or 0, "srid": srid,
              "length": SLIVER_MIN_LENGTH_M, "touch": SAME_GEOMETRY_M,
              "area": json.dumps(area_geojson) if area_geojson else None}
    if candidate is None:
        params["srid"] = conn.execute(text("SELECT Find_SRID('cadastre', 'parcel', 'geom')")).scalar_one()
        where = _current("a", area_geojson)
        subject = f"SELECT a.id, a.cadastral_number, a.geom FROM cadastre.parcel a WHERE {where}"  # noqa: S608
    else:
        params |= {"g": json.dumps(candidate["geometry"]), "n": candidate["cadastral_number"]}
        subject = ("SELECT CAST(:x AS bigint) AS id, CAST(:n AS text) AS cadastral_number, "
                   "ST_SetSRID(ST_GeomFromGeoJSON(:g), :srid) AS geom")
    seen, out = set(), []
    for a_id, b_id, a, b, area, loc in conn.execute(text(f"""
        SELECT a.id, b.id, a.cadastral_number, b.cadastral_number, ST_Area(s), ST_AsGeoJSON(ST_Transform(s, 4326))
        FROM ({subject}) a
        JOIN cadastre.parcel b ON {_current('b', None)} AND b.id <> a.id AND b.id <> :x
             AND ST_DWithin(a.geom, b.geom, :width) AND NOT ST_DWithin(a.geom, b.geom, :touch),
             LATERAL ST_Difference(ST_Intersection(ST_Buffer(a.geom, :width), ST_Buffer(b.geom, :width)),
                                   ST_Union(a.geom, b.geom)) s
        WHERE ST_Area(s) >= :min
          AND ST_Length(ST_Intersection(ST_Boundary(b.geom), ST_Buffer(a.geom, :width))) >= :length
        ORDER BY 1, 2"""), params):  # noqa: S608 - subject and _current() are constants
        if frozenset((a_id, b_id)) not in seen:
            seen.add(frozenset((a_id, b_id)))
            out.append((a, b, area, json.loads(loc)))
    return out


def thin_holes(conn: Connection, uat: int, width_m: float, candidate: dict | None = None, srid: int | None = None,
               exclude_id: int | None = None, area_geojson: dict | None = None) -> list[tuple[float, dict, list[str]]]:
    """The gap rule, one for saves and the layer check: a hole enclosed by parcels that vanishes
    under a negative buffer of half `width_m` (streets and fields are wider) and has at least
    OVERLAP_M2. Over the layer (optionally the parcels touching `area_geojson`), or the holes a
    `candidate` outline (GeoJSON in `srid`, replacing parcel `exclude_id`) closes with the parcels
    within `width_m` of it. Each: (m², location as CRS84 GeoJSON, the numbers around it)."""
    params = {"uat": uat, "half": width_m / 2, "width": width_m, "min": OVERLAP_M2, "x": exclude_id or 0,
              "srid": srid, "area": json.dumps(area_geojson) if area_geojson else None}
    if candidate is None:
        params["srid"] = conn.execute(text("SELECT Find_SRID('cadastre', 'parcel', 'geom')")).scalar_one()
        where = _current("p", area_geojson)
        parts, near = f"SELECT p.geom FROM cadastre.parcel p WHERE {where}", "true"  # noqa: S608
    else:
        params |= {"g": json.dumps(candidate["geometry"]), "n": candidate["cadastral_number"]}
        g = "ST_SetSRID(ST_GeomFromGeoJSON(:g), :srid)"
        parts = (f"SELECT {g} AS geom UNION ALL SELECT q.geom FROM cadastre.parcel q "  # noqa: S608 - constants
                 f"WHERE {_current('q', None)} AND q.id <> :x AND ST_DWithin(q.geom, {g}, :width)")
        near = f"ST_Intersects(ST_Buffer(h, 0.01), {g})"
        # the set-returning functions below are costed at 1000 rows each, which switches on JIT compilation:
        # 0.5 s for a query that needs 10 ms (measured on 20,000 parcels); off for the rest of this transaction
        conn.execute(text("SET LOCAL jit = off"))
    out = []
    for area, loc, numbers in conn.execute(text(f"""
        WITH u AS (SELECT (ST_Dump(ST_Union(geom))).geom AS g FROM ({parts}) s),
        holes AS (SELECT ST_MakePolygon(ST_InteriorRingN(g, n)) AS h
                  FROM u, generate_series(1, ST_NumInteriorRings(g)) n)
        SELECT ST_Area(h), ST_AsGeoJSON(ST_Transform(h, 4326)),
               ARRAY(SELECT q.cadastral_number FROM cadastre.parcel q
                     WHERE {_current('q', None)} AND q.id <> :x AND ST_Intersects(q.geom, ST_Buffer(h, 0.01))
                     ORDER BY 1 LIMIT 6)
        FROM holes WHERE ST_IsEmpty(ST_Buffer(h, -:half)) AND ST_Area(h) >= :min AND {near}"""),  # noqa: S608
            params):
        out.append((area, json.loads(loc), list(numbers)))
    return out


def check_layer(conn: Connection, uat: int, area_geojson: dict | None = None,
                gap_width_m: float = GAP_WIDTH_M, sliver_width_m: float = EDIT_GAP_WIDTH_M) -> list[TopologyProblem]:
    """Every problem of the current parcels of `uat` (optionally only those touching `area`, CRS84);
    `sliver_width_m` is the saves' rule (settings.edit_gap_width_m), `gap_width_m` the holes'."""
    srid = conn.execute(text("SELECT Find_SRID('cadastre', 'parcel', 'geom')")).scalar_one()  # the profile's
    params = {"uat": uat, "min": OVERLAP_M2, "half": gap_width_m / 2, "srid": srid,
              "area": json.dumps(area_geojson) if area_geojson else None}
    sel = f"SELECT p.* FROM cadastre.parcel p WHERE {_current('p', area_geojson)}"  # noqa: S608 - _current() builds it from constants
    problems: list[TopologyProblem] = []
    for a, b, area, loc in conn.execute(text(f"""
        SELECT a.cadastral_number, b.cadastral_number, ST_Area(i), ST_AsGeoJSON(ST_Transform(i, 4326))
        FROM cadastre.parcel a
        JOIN cadastre.parcel b ON a.id < b.id AND a.geom && b.geom AND {_current('b', None)}
             AND ST_Relate(a.geom, b.geom, '2********'),
             LATERAL ST_Intersection(a.geom, b.geom) i
        WHERE {_current('a', area_geojson)} AND ST_Area(i) >= :min"""), params):  # noqa: S608
        problems.append(TopologyProblem("overlap", [a, b], round(area, 2),
                                        f"parcels {a} and {b} overlap by {area:.2f} m²", json.loads(loc)))
    for a, b, area, loc in slivers(conn, uat, sliver_width_m, area_geojson=area_geojson):
        problems.append(TopologyProblem("sliver", [a, b], round(area, 2),
                                        f"a sliver of {area:.2f} m² between parcels {a} and {b} (closer than "
                                        f"{sliver_width_m} m without touching): snap the shared edge", loc))
    for area, loc, numbers in thin_holes(conn, uat, gap_width_m, area_geojson=area_geojson):
        problems.append(TopologyProblem("gap", list(numbers), round(area, 2),
                                        f"a gap of {area:.2f} m² narrower than {gap_width_m} m "
                                        f"between {', '.join(numbers)}", loc))
    for number, reason, loc in conn.execute(text(f"""
        WITH s AS ({sel}) SELECT cadastral_number, ST_IsValidReason(geom),
               ST_AsGeoJSON(ST_Transform(ST_PointOnSurface(ST_MakeValid(geom)), 4326))
        FROM s WHERE NOT ST_IsValid(geom)"""), params):  # noqa: S608
        problems.append(TopologyProblem("invalid", [number], 0.0, reason, json.loads(loc)))
    for number, count, loc in conn.execute(text(f"""
        WITH s AS ({sel}) SELECT cadastral_number, count(*),
               ST_AsGeoJSON(ST_Transform(ST_Collect(ST_PointOnSurface(geom)), 4326))
        FROM s GROUP BY cadastral_number HAVING count(*) > 1"""), params):  # noqa: S608
        problems.append(TopologyProblem("duplicate", [number], 0.0,
                                        f"cadastral number {number} is used {count} times", json.loads(loc)))
    return problems
