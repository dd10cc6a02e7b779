"""Editing the cadastral layer: validation in PostGIS on every save, optimistic locking,
history and restore. Errors stop a save; warnings do not (an officer may save with them).

Problems carry their location (GeoJSON in CRS84) so that the map can highlight them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from decimal import Decimal

from sqlalchemy import Connection, text

from gis.db import get_engine, set_actor
from gis.settings import Settings

OVERLAP_M2 = 0.01          # overlaps smaller than this are numerical noise
GAP_WIDTH_M = 0.5          # a strip narrower than this between neighbours is a sliver
AREA_TOLERANCE = 0.02      # measured vs legal area: a warning beyond ±2 %
FIELDS = ("cadastral_number", "land_book_number", "eterra_id", "legal_area", "use_category",
          "intravilan", "tarla", "parcel_no", "locality_siruta")


@dataclass(frozen=True)
class Problem:
    severity: str          # error | warning
    code: str
    message: str
    location: dict | None  # GeoJSON geometry in CRS84


class ValidationFailed(ValueError):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems if p.severity == "error"))
        self.problems = problems


class VersionConflict(RuntimeError):
    """The parcel changed since the editor loaded it."""

    def __init__(self, current: dict, changed: list[str]):
        super().__init__(f"the parcel changed since you loaded it (now version {current['version']}): "
                         f"{', '.join(changed) or 'retired'}")
        self.current = current
        self.changed = changed


class NotFound(LookupError):
    pass


def _geojson(conn: Connection, sql: str, params: dict) -> dict | None:
    raw = conn.execute(text(sql), params).scalar_one_or_none()
    return json.loads(raw) if raw else None


def validate(conn: Connection, uat: int, geometry: dict, cadastral_number: str,
             legal_area: float | None, srid: int, exclude_id: int | None = None) -> list[Problem]:
    """Every rule, in PostGIS, for a parcel about to be saved (`geometry`: GeoJSON in `srid`)."""
    p = {"g": json.dumps(geometry), "srid": srid, "uat": uat, "n": cadastral_number,
         "x": exclude_id or 0, "tol": GAP_WIDTH_M, "min": OVERLAP_M2}
    g = "ST_SetSRID(ST_GeomFromGeoJSON(:g), :srid)"
    problems: list[Problem] = []
    valid, reason, where = conn.execute(text(
        f"SELECT ST_IsValid({g}), ST_IsValidReason({g}), "
        f"ST_AsGeoJSON(ST_Transform(ST_SetSRID((ST_IsValidDetail({g})).location, :srid), 4326))"), p).one()
    if geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return [Problem("error", "geometry_type", "a parcel must be a polygon", None)]
    if not valid:
        return [Problem("error", "invalid_geometry",
                        f"the outline is not valid ({reason}); check for crossing or repeated edges",
                        json.loads(where) if where else None)]
    outside = _geojson(conn, f"""
        SELECT ST_AsGeoJSON(ST_Transform(ST_Difference({g}, u.geom), 4326))
        FROM territory.uat u WHERE u.siruta = :uat AND NOT ST_CoveredBy({g}, u.geom)""", p)
    if outside:
        problems.append(Problem("error", "outside_uat", "the parcel extends outside the UAT boundary", outside))
    for number, area, loc in conn.execute(text(f"""
        SELECT q.cadastral_number, ST_Area(ST_Intersection(q.geom, {g})),
               ST_AsGeoJSON(ST_Transform(ST_Intersection(q.geom, {g}), 4326))
        FROM cadastre.parcel q
        WHERE q.uat_siruta = :uat AND q.valid_to IS NULL AND q.id <> :x AND ST_Intersects(q.geom, {g})
          AND ST_Area(ST_Intersection(q.geom, {g})) >= :min"""), p):
        problems.append(Problem("error", "overlap",
                                f"overlaps parcel {number} by {area:.2f} m²", json.loads(loc)))
    for number, area, loc in conn.execute(text(f"""
        WITH n AS (SELECT q.cadastral_number, q.geom FROM cadastre.parcel q
                   WHERE q.uat_siruta = :uat AND q.valid_to IS NULL AND q.id <> :x
                     AND ST_DWithin(q.geom, {g}, :tol) AND NOT ST_Intersects(q.geom, {g})),
        gap AS (SELECT n.cadastral_number,
                       ST_Difference(ST_Intersection(ST_Buffer({g}, :tol), ST_Buffer(n.geom, :tol)),
                                     ST_Union({g}, n.geom)) AS geom FROM n)
        SELECT cadastral_number, ST_Area(geom), ST_AsGeoJSON(ST_Transform(geom, 4326)) FROM gap
        WHERE ST_Area(geom) >= :min"""), p):
        problems.append(Problem("error", "gap",
                                f"leaves a sliver of {area:.2f} m² (narrower than {GAP_WIDTH_M} m) "
                                f"against parcel {number}: snap the shared edge", json.loads(loc)))
    duplicate = conn.execute(text(
        "SELECT 1 FROM cadastre.parcel WHERE uat_siruta = :uat AND cadastral_number = :n "
        "AND valid_to IS NULL AND id <> :x"), p).first()
    if duplicate:
        problems.append(Problem("error", "duplicate_number",
                                f"cadastral number {cadastral_number} is already used in this UAT", None))
    measured = conn.execute(text(f"SELECT ST_Area({g})"), p).scalar_one()
    if legal_area and abs(measured - float(legal_area)) / float(legal_area) > AREA_TOLERANCE:
        problems.append(Problem("warning", "area_difference",
                                f"measured area {measured:.2f} m² differs from the legal area "
                                f"{float(legal_area):.2f} m² by more than {AREA_TOLERANCE:.0%}", None))
    return problems


def _row(conn: Connection, parcel_id: int, lock: bool = False) -> dict:
    row = conn.execute(text(
        "SELECT id, uat_siruta, version, valid_to, " + ", ".join(FIELDS) +
        ", ST_AsGeoJSON(geom)::json AS geometry FROM cadastre.parcel WHERE id = :id"
        + (" FOR UPDATE" if lock else "")), {"id": parcel_id}).mappings().one_or_none()  # noqa: S608
    if row is None:
        raise NotFound(f"no parcel with id {parcel_id}")
    return {k: (float(v) if isinstance(v, Decimal) else v) for k, v in row.items()}


def _check(conn, data: dict, uat: int, srid: int, exclude_id: int | None, accept_warnings: bool):
    problems = validate(conn, uat, data["geometry"], data["cadastral_number"], data.get("legal_area"),
                        srid, exclude_id)
    errors = [p for p in problems if p.severity == "error"]
    if errors or (problems and not accept_warnings):
        raise ValidationFailed(problems)
    return problems


def create(settings: Settings, uat: int, data: dict, actor: str, srid: int,
           accept_warnings: bool = False) -> tuple[dict, list[Problem]]:
    with get_engine(settings, "app").begin() as conn:
        set_actor(conn, actor)
        problems = _check(conn, data, uat, srid, None, accept_warnings)
        new_id = conn.execute(text("""
            INSERT INTO cadastre.parcel (uat_siruta, cadastral_number, land_book_number, legal_area,
                use_category, intravilan, tarla, parcel_no, locality_siruta, geom)
            VALUES (:uat, :cadastral_number, :land_book_number, :legal_area, :use_category,
                    :intravilan, :tarla, :parcel_no, :locality_siruta,
                    ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(:g), :srid))) RETURNING id"""),
            {**{f: data.get(f) for f in FIELDS}, "uat": uat, "g": json.dumps(data["geometry"]),
             "srid": srid}).scalar_one()
        return _row(conn, new_id), problems


def update(settings: Settings, parcel_id: int, expected_version: int, data: dict, actor: str,
           srid: int, accept_warnings: bool = False) -> tuple[dict, list[Problem]]:
    """Save changes made on `expected_version`; a newer version in the database is a conflict."""
    with get_engine(settings, "app").begin() as conn:
        set_actor(conn, actor)
        current = _row(conn, parcel_id, lock=True)
        if current["valid_to"] is not None or current["version"] != expected_version:
            changed = [f for f in (*FIELDS, "geometry") if f in data and data[f] != current[f]]
            raise VersionConflict(current, changed)
        merged = {**{f: current[f] for f in FIELDS}, "geometry": current["geometry"], **data}
        problems = _check(conn, merged, current["uat_siruta"], srid, parcel_id, accept_warnings)
        conn.execute(text("""
            UPDATE cadastre.parcel SET cadastral_number = :cadastral_number,
                land_book_number = :land_book_number, eterra_id = :eterra_id, legal_area = :legal_area,
                use_category = :use_category, intravilan = :intravilan, tarla = :tarla,
                parcel_no = :parcel_no, locality_siruta = :locality_siruta,
                geom = ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(:g), :srid))
            WHERE id = :id"""), {**{f: merged[f] for f in FIELDS}, "g": json.dumps(merged["geometry"]),
                                 "srid": srid, "id": parcel_id})
        return _row(conn, parcel_id), problems


def retire(settings: Settings, parcel_id: int, expected_version: int, actor: str) -> dict:
    with get_engine(settings, "app").begin() as conn:
        set_actor(conn, actor)
        current = _row(conn, parcel_id, lock=True)
        if current["valid_to"] is not None or current["version"] != expected_version:
            raise VersionConflict(current, [])
        conn.execute(text("UPDATE cadastre.parcel SET valid_to = now() WHERE id = :id"), {"id": parcel_id})
        return _row(conn, parcel_id)


def history(conn: Connection, parcel_id: int) -> list[dict]:
    """Every version, oldest first, with its validity."""
    rows = conn.execute(text("""
        SELECT version, valid_from, valid_to, cadastral_number, legal_area::float,
               round(measured_area::numeric, 2)::float AS measured_area, use_category,
               ST_AsGeoJSON(ST_Transform(geom, 4326))::json AS geometry
        FROM (SELECT * FROM cadastre.parcel_history WHERE id = :id
              UNION ALL SELECT * FROM cadastre.parcel WHERE id = :id) v ORDER BY version"""),
        {"id": parcel_id}).mappings().all()
    if not rows:
        raise NotFound(f"no parcel with id {parcel_id}")
    return [dict(r) for r in rows]


def restore(settings: Settings, parcel_id: int, version: int, actor: str, srid: int) -> tuple[dict, list[Problem]]:
    """Make an old version current again (as a new version; the validation rules apply)."""
    with get_engine(settings, "app").connect() as conn:
        old = conn.execute(text(
            "SELECT " + ", ".join(FIELDS) + ", ST_AsGeoJSON(geom)::json AS geometry "
            "FROM cadastre.parcel_history WHERE id = :id AND version = :v"),  # noqa: S608
            {"id": parcel_id, "v": version}).mappings().one_or_none()
        current = _row(conn, parcel_id)
    if old is None:
        raise NotFound(f"parcel {parcel_id} has no version {version} in its history")
    data = {k: (float(v) if isinstance(v, Decimal) else v) for k, v in old.items()}
    return update(settings, parcel_id, current["version"], data, actor, srid, accept_warnings=True)


def problems_json(problems: list[Problem]) -> list[dict]:
    return [asdict(p) for p in problems]


def rename_street(settings: Settings, street_id: int, street_type: str, name: str, hcl_number: str,
                  hcl_date: str, actor: str) -> dict:
    """Rename a street by council decision: the old name goes to the register of former names
    (with the HCL that changed it) and the street keeps a version of its own."""
    if not name.strip() or not hcl_number.strip():
        raise ValueError("the new name and the HCL number are required")
    with get_engine(settings, "app").begin() as conn:
        set_actor(conn, actor)
        old = conn.execute(text("SELECT street_type, name, hcl_date FROM streets.street WHERE id = :id "
                                "AND valid_to IS NULL FOR UPDATE"), {"id": street_id}).one_or_none()
        if old is None:
            raise NotFound(f"no current street with id {street_id}")
        if (old.street_type, old.name) == (street_type.strip(), name.strip()):
            raise ValueError("the street already has this name")
        conn.execute(text("""
            INSERT INTO streets.street_name (street_id, street_type, name, valid_from, valid_to,
                                             hcl_number, hcl_date)
            VALUES (:id, :t, :n, :since, CAST(:date AS date), :hcl, CAST(:date AS date))"""),
            {"id": street_id, "t": old.street_type, "n": old.name, "since": old.hcl_date,
             "date": hcl_date, "hcl": hcl_number.strip()})
        conn.execute(text("UPDATE streets.street SET street_type = :t, name = :n, hcl_number = :hcl, "
                          "hcl_date = CAST(:date AS date) WHERE id = :id"),
                     {"t": street_type.strip(), "n": name.strip(), "hcl": hcl_number.strip(),
                      "date": hcl_date, "id": street_id})
        row = conn.execute(text("SELECT id, street_type, name, hcl_number, hcl_date::text, version "
                                "FROM streets.street WHERE id = :id"), {"id": street_id}).mappings().one()
        return dict(row)
